// What a draft's fingerprint covers (issue 8): everything that makes the draft, and not the row,
// since rows move and recipients stay. Drafts files written before recipient keys folded the row
// in; legacyDraftFingerprint must keep matching them, or re-running `draft` redrafts (and pays
// for) every row of an old file.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { draftFingerprint, legacyDraftFingerprint, type DraftInputs } from '../../src/core/drafting/fingerprint.js';
import { parseProfile } from '../../src/core/profile.js';
import { buildMessages } from '../../src/core/drafting/prompt.js';
import { buildColumns } from '../../src/core/recipients/recipients.js';
import { loadTemplates } from '../../src/io/templates.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// Longer than 1 KB, like the shipped system prompt (stableStringify quotes such strings once).
const SYSTEM = 'You write short, warm e-mails. '.repeat(100);

const inputs: DraftInputs = {
  messages: [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: 'Data: {"first_name":"Zoë"}' },
  ],
  schema: { type: 'object', properties: { subject: { type: 'string' }, body: { type: 'string' } }, required: ['subject', 'body'] },
  options: { temperature: 0.7, seed: 42, num_predict: 700 },
  engine: 'ollama',
  model: 'llama3.2',
};

/** The system prompt with one character changed at `at`. */
function systemWith(at: number): DraftInputs {
  const content = `${SYSTEM.slice(0, at)}#${SYSTEM.slice(at + 1)}`;
  return { ...inputs, messages: [{ role: 'system', content }, (inputs.messages as unknown[])[1]] };
}

describe('draftFingerprint', () => {
  it.each<[string, DraftInputs]>([
    ['the model', { ...inputs, model: 'llama3.1' }],
    ['the engine', { ...inputs, engine: 'llama-cpp' }],
    ['the temperature', { ...inputs, options: { temperature: 0.3, seed: 42, num_predict: 700 } }],
    ['the seed', { ...inputs, options: { temperature: 0.7, seed: 5, num_predict: 700 } }],
    ['num_predict', { ...inputs, options: { temperature: 0.7, seed: 42, num_predict: 300 } }],
    ['the schema', { ...inputs, schema: { type: 'object', properties: { body: { type: 'string' } }, required: ['body'] } }],
    ['one character of the system prompt beyond its first 1 KB', systemWith(2000)],
    ['its last character', systemWith(SYSTEM.length - 1)],
  ])('changes when %s changes', (_what, changed) => {
    expect(draftFingerprint(changed)).not.toBe(draftFingerprint(inputs));
  });

  it('does not change when only the row moves: the same recipient drafted from row 7 and, after a deletion above it, row 3', async () => {
    const parsed = parseProfile({ goal: 'Invite them to a short call', sign_off: 'Best regards' });
    if (!parsed.ok) throw new Error('bad test profile');
    const templates = await loadTemplates(parsed.profile, root);
    const { columns } = buildColumns(['first_name', 'email', 'company']);
    const at = (row: number) => {
      const messages = buildMessages(parsed.profile, templates, { row, line: row + 1, cells: ['Ana', 'ana@example.org', 'Acme'] }, columns);
      return { ...inputs, messages };
    };
    expect(draftFingerprint(at(3))).toBe(draftFingerprint(at(7)));
    // The old fingerprint folded the row in: the same move redrafted the recipient.
    expect(legacyDraftFingerprint(at(3), 3)).not.toBe(legacyDraftFingerprint(at(7), 7));
  });
});

describe('legacyDraftFingerprint', () => {
  it('equals the fingerprint old draftsmith wrote, fingerprint({row, messages, schema, options, engine, model})', () => {
    // Computed with the old main's src/core/drafting/fingerprint.ts (commit 9a98652) on these inputs, row 7.
    expect(legacyDraftFingerprint(inputs, 7)).toBe('6fefdf28affd810960b312070b7dd8ac');
  });
});

describe('runDigest (what every row of a run shares)', () => {
  it('is the same for equal settings in any key order, and changes with any of them', async () => {
    const { runDigest } = await import('../../src/core/drafting/fingerprint.js');
    const base = { format: 1, profile: { goal: 'g', tone: ['warm'] }, templates: 't1', headers: ['a', 'b'], model: 'm' };
    expect(runDigest(base)).toBe(runDigest({ model: 'm', headers: ['a', 'b'], templates: 't1', profile: { tone: ['warm'], goal: 'g' }, format: 1 }));
    expect(runDigest(base)).toMatch(/^[0-9a-f]{64}$/);
    for (const changed of [{ format: 2 }, { profile: { goal: 'g', tone: ['brief'] } }, { templates: 't2' }, { headers: ['a', 'c'] }, { model: 'n' }]) {
      expect(runDigest({ ...base, ...changed })).not.toBe(runDigest(base));
    }
  });
});
