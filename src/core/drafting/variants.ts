// Variants (issue 13): N drafts of one recipient, each from its own angle, of which a reviewer
// approves at most one. Which variants a run drafts, and each one's request: the recipient's
// messages with the variant's instructions as an added line of the user request, and a seed of
// its own when the run has one. Pure.
import type { ChatMessage, GenerateRequest } from '../engine.js';
import { UsageError } from '../errors.js';
import type { VariantSpec } from '../profile.js';

/** At most this many variants a recipient (the profile's limit too). */
export const MAX_VARIANTS = 9;

/** Variant i's seed is the run's seed plus i times this: far from the +1 steps of a retry. */
const SEED_STRIDE = 1000;

/**
 * The variants a run drafts, or undefined for one draft a recipient (the same requests, records
 * and fingerprints as without variants): the profile's `variants` (its first N with `--variants N`),
 * else N plain ones named 1..N. Refuses what would make identical drafts or asks for more than
 * the profile names.
 */
export function resolveVariants(fromProfile: readonly VariantSpec[] | undefined, flag: number | undefined, temperature: number | undefined): VariantSpec[] | undefined {
  let variants: VariantSpec[] | undefined;
  if (flag === undefined) variants = fromProfile ? [...fromProfile] : undefined;
  else if (fromProfile) {
    if (flag > fromProfile.length) {
      throw new UsageError(`--variants ${flag} asks for more variants than the profile's ${fromProfile.length} (${fromProfile.map((v) => v.name).join(', ')}).`, {
        hint: `use --variants ${fromProfile.length} or fewer, or add variants to the profile's \`variants:\` list.`,
      });
    }
    variants = fromProfile.slice(0, flag);
  } else if (flag > 1) {
    variants = Array.from({ length: flag }, (_, i) => ({ name: String(i + 1) }));
  }
  if (variants) assertDistinct(variants, temperature);
  return variants;
}

/** Two variants with the same instructions at temperature 0 would be the same draft twice. */
function assertDistinct(variants: readonly VariantSpec[], temperature: number | undefined): void {
  const names = new Set<string>();
  for (const v of variants) {
    if (names.has(v.name)) {
      throw new UsageError(`two variants are named ${JSON.stringify(v.name)}: a reviewer picks a variant by its name.`, { hint: 'give each variant in the profile\'s `variants:` a name of its own.' });
    }
    names.add(v.name);
  }
  if (temperature !== 0) return;
  const seen = new Set<string>();
  for (const v of variants) {
    const angle = v.instructions?.trim() ?? '';
    if (seen.has(angle)) {
      throw new UsageError(`${variants.length} variants at temperature 0 would be ${variants.length} identical drafts: at temperature 0 the model answers the same request the same way.`, {
        hint: 'set a temperature above 0 (`--temperature 0.8`, or `model.temperature` in the profile), or give each variant its own `instructions:` in the profile\'s `variants:`.',
      });
    }
    seen.add(angle);
  }
}

/** The line a variant adds to the user request, or undefined for a plain variant (same request, other sample). */
export function variantLine(v: VariantSpec): string | undefined {
  const text = v.instructions?.trim();
  return text ? `This version's angle (${v.name}): ${text}` : undefined;
}

/** Variant i's (0-based) request: its line after the last user message's text, and its own seed. */
export function variantRequest<R extends Pick<GenerateRequest, 'messages' | 'options'>>(request: R, v: VariantSpec, i: number): R {
  const line = variantLine(v);
  const { seed } = request.options;
  const options = seed !== undefined && i > 0 ? { ...request.options, seed: seed + i * SEED_STRIDE } : request.options;
  return { ...request, messages: line ? withLine(request.messages, line) : request.messages, options };
}

function withLine(messages: readonly ChatMessage[], line: string): ChatMessage[] {
  const last = messages.map((m) => m.role).lastIndexOf('user');
  return messages.map((m, i) => (i === last ? { ...m, content: `${m.content}\n\n${line}` } : m));
}
