// Structured answers from a grammar-constrained model, pure: the prompt for a model without a chat
// template, the schema bounds that keep an earlier field from eating the body's token budget, and
// closing an answer the token limit cut short. Only the embedded engine needs it, so it lives in its folder.
import type { ChatMessage, JsonSchema } from '../../core/engine.js';

/** maxLength given to string fields before the last one (an email subject), when they have none. */
export const SHORT_FIELD_MAX_CHARS = 120;

/**
 * For a model without a chat template (a base model): the system text, then each turn under a
 * plain heading, ending with the answer cue. The grammar makes the continuation JSON.
 */
export function buildPlainPrompt(messages: ChatMessage[]): string {
  const parts: string[] = [];
  for (const m of messages) {
    const content = m.content.trim();
    if (m.role === 'system') parts.push(content);
    else if (m.role === 'user') parts.push(`### Request\n${content}`);
    else parts.push(`### Answer (JSON)\n${content}`);
  }
  parts.push('### Answer (JSON)\n');
  return parts.join('\n\n');
}

/**
 * The schema the grammar enforces: the request's, with a maxLength on string properties before
 * the last one, so an earlier field always ends and leaves the budget to the last (the body).
 */
export function boundSchema(schema: JsonSchema): JsonSchema {
  const props = schema.properties as Record<string, Record<string, unknown>> | undefined;
  if (schema.type !== 'object' || !props) return schema;
  const names = Object.keys(props);
  const bounded = Object.fromEntries(
    names.map((name, i) => {
      const p = props[name]!;
      const isString = p.type === 'string' && p.format === undefined;
      const short = i < names.length - 1 && isString && p.maxLength === undefined;
      // The last field is the message body: at least one character, so "" is never an answer.
      const last = i === names.length - 1 && isString && p.minLength === undefined;
      return [name, short ? { ...p, maxLength: SHORT_FIELD_MAX_CHARS } : last ? { ...p, minLength: 1 } : p];
    }),
  );
  return { ...schema, properties: bounded };
}

// ---- closing a cut answer ---------------------------------------------------------------------

const WS = /\s/;

/**
 * Completes a JSON object cut off by the token limit, for objects of primitive values (what
 * draftsmith asks for). `prefix` is a valid prefix (the grammar saw to that). An open string value
 * is closed (a half escape dropped); a half-written key or non-string value is dropped; required
 * string fields still missing are set to "". Returns undefined for shapes it does not handle.
 */
export function closeJsonPrefix(prefix: string, schema: JsonSchema): string | undefined {
  const text = prefix.replace(/\uFFFD+$/, '');
  let i = skipWs(text, 0);
  if (text[i] !== '{') return undefined;
  i++;
  let safe = i; // text.slice(0, safe) + '}' is a complete object
  const keys: string[] = [];
  let body: string | undefined;

  for (;;) {
    i = skipWs(text, i);
    if (i >= text.length) break;
    const c = text[i];
    if (c === '}') return validObject(text.slice(0, i + 1));
    if (c === ',') {
      i++;
      continue;
    }
    if (c !== '"') return undefined;
    const key = scanString(text, i);
    if (!key.closed) break;
    i = skipWs(text, key.end);
    if (text[i] !== ':') break;
    i = skipWs(text, i + 1);
    if (i >= text.length) break;
    const name = JSON.parse(text.slice(key.start, key.end)) as string;
    if (text[i] === '"') {
      const value = scanString(text, i);
      if (!value.closed) {
        keys.push(name);
        body = `${text.slice(0, value.end)}"`; // value.end: after the last whole character
        break;
      }
      i = value.end;
    } else {
      const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i));
      if (!m || i + m[0].length >= text.length) break; // unknown, or a number that may go on
      i += m[0].length;
    }
    keys.push(name);
    safe = i;
  }

  let out = (body ?? text.slice(0, safe)).trimEnd();
  const props = (schema.properties ?? {}) as Record<string, { type?: unknown }>;
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  for (const name of required) {
    if (keys.includes(name)) continue;
    if (props[name]?.type !== 'string') return undefined;
    out += `${out.endsWith('{') ? '' : ', '}${JSON.stringify(name)}: ""`;
  }
  return validObject(`${out}}`);
}

function skipWs(text: string, i: number): number {
  while (i < text.length && WS.test(text[i]!)) i++;
  return i;
}

/** A JSON string starting at `start` (a quote): where it ends, or where its last whole char ends. */
function scanString(text: string, start: number): { start: number; end: number; closed: boolean } {
  let i = start + 1;
  let lastWhole = i;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') return { start, end: i + 1, closed: true };
    if (c === '\\') {
      const next = text[i + 1];
      if (next === undefined) break;
      if (next === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) break;
        const code = parseInt(text.slice(i + 2, i + 6), 16);
        i += 6;
        // A high surrogate is whole only with its low half.
        if (code >= 0xd800 && code <= 0xdbff && i >= text.length) break;
      } else i += 2;
    } else i += 1;
    lastWhole = i;
  }
  return { start, end: lastWhole, closed: false };
}

function validObject(text: string): string | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? text : undefined;
  } catch {
    return undefined;
  }
}
