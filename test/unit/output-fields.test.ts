// User-defined answer fields (profile output.fields, issue 13 §5): the schema and prompt they extend
// (and, without them, the exact bytes and fingerprints of before), the parse, the names refused, the
// edit lines, the lint, the review card and the export's cells.
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { parseProfile, type ToneProfile } from '../../src/core/profile.js';
import { draftSchema, parseDraftOutput } from '../../src/core/drafting/draft-answer.js';
import { buildMessages, buildRegenerateMessages } from '../../src/core/drafting/prompt.js';
import { draftFingerprint } from '../../src/core/drafting/fingerprint.js';
import { assertNoColumnCollision, mergeFields, parseFieldLines, renderFieldLines } from '../../src/core/drafting/output-fields.js';
import { parseEditFile } from '../../src/core/decisions/edit-file.js';
import { effectiveText } from '../../src/core/decisions/rules.js';
import type { DraftRecord, EditRecord } from '../../src/core/decisions/records.js';
import { lintDraft } from '../../src/core/lint/lint-draft.js';
import { buildColumns } from '../../src/core/recipients/recipients.js';
import { parseProfileText } from '../../src/io/profile-file.js';
import { loadTemplates } from '../../src/io/templates.js';
import { parseEditorText, renderEditorText } from '../../src/io/editor.js';
import { createRecordWriter } from '../../src/io/export/record-writer.js';
import { renderDraftText } from '../../src/ui/review/screen.js';
import { renderProfileSummary } from '../../src/cli/commands/profile.js';

const FIELDS = { ps: 'a one-line P.S. about their talk', icebreaker: 'one sentence' };

function profileOf(data: object): ToneProfile {
  const r = parseProfile(data);
  if (!r.ok) throw new Error(`bad test profile: ${JSON.stringify(r.issues)}`);
  return r.profile;
}

const base = { goal: 'Invite them to a call', tone: ['warm'], sign_off: 'Best, Sam', sender: { name: 'Sam Lee' } };
const { columns } = buildColumns(['first_name', 'company', 'notes']);
const ana = { row: 1, line: 2, cells: ['Ana', 'Northwind', 'Spoke at DataConf'] };

async function request(profile: ToneProfile) {
  const templates = await loadTemplates(profile, process.cwd());
  const messages = buildMessages(profile, templates, ana, columns);
  const schema = draftSchema(profile.channel, profile.output?.fields);
  const fingerprint = draftFingerprint({ messages, schema, options: { temperature: 0.7 }, engine: 'ollama', model: 'm' });
  return { messages, schema, fingerprint, templates, hash: createHash('sha256').update(JSON.stringify(messages)).digest('hex').slice(0, 16) };
}

describe('a profile without output.fields asks exactly as before', () => {
  // Computed with main's code before output fields existed (commit 43b24bf): same messages, schema and fingerprint.
  it.each([
    ['email', '49cccbb13fb55d5f', '{"type":"object","properties":{"subject":{"type":"string"},"body":{"type":"string"}},"required":["subject","body"]}', '8c9a45843c978a7e1073567eaa5b4432'],
    ['linkedin', '2c76e271c58050cf', '{"type":"object","properties":{"body":{"type":"string"}},"required":["body"]}', '53dd09c340f5a6715d4e745d52254be4'],
  ] as const)('%s', async (channel, hash, schema, fingerprint) => {
    const r = await request(profileOf({ ...base, channel }));
    expect(r.hash).toBe(hash);
    expect(JSON.stringify(r.schema)).toBe(schema);
    expect(r.fingerprint).toBe(fingerprint);
  });

  it('with fields: the schema and system prompt carry them, the templates stay the same (templates.id)', async () => {
    const before = await request(profileOf({ ...base, channel: 'email' }));
    const after = await request(profileOf({ ...base, channel: 'email', output: { fields: FIELDS } }));
    expect(after.templates.id).toBe(before.templates.id);
    expect(after.fingerprint).not.toBe(before.fingerprint);
    expect(after.messages[0]!.content).toContain('{"subject": "...", "ps": "...", "icebreaker": "...", "body": "..."}, where "ps" holds a one-line P.S. about their talk; "icebreaker" holds one sentence');
    expect(after.messages[1]).toEqual(before.messages[1]);
  });
});

describe('draftSchema with fields', () => {
  it.each([
    ['email', ['subject', 'ps', 'icebreaker', 'body']],
    ['sms', ['ps', 'icebreaker', 'body']],
  ] as const)('%s: every field required, between subject and body (the body stays last for the grammar)', (channel, keys) => {
    const schema = draftSchema(channel, FIELDS);
    expect(Object.keys(schema.properties as object)).toEqual(keys);
    expect(schema.required).toEqual(keys);
    expect((schema.properties as Record<string, unknown>).ps).toEqual({ type: 'string', description: FIELDS.ps });
  });
  it('no fields (or an empty mapping) is the old schema', () => {
    expect(draftSchema('email', {})).toEqual(draftSchema('email'));
  });
});

describe('parseDraftOutput with fields', () => {
  it.each<[string, string, Record<string, string>]>([
    ['both written', '{"subject":"Hi","ps":" P.S. loved the talk ","icebreaker":"Hello","body":"Hi Ana"}', { ps: 'P.S. loved the talk', icebreaker: 'Hello' }],
    ['one missing: empty (the lint warns)', '{"subject":"Hi","ps":"P.S.","body":"Hi Ana"}', { ps: 'P.S.', icebreaker: '' }],
    ['a number or a list', '{"subject":"Hi","ps":3,"icebreaker":["x"],"body":"Hi Ana"}', { ps: '3', icebreaker: '' }],
  ])('%s', (_label, text, fields) => {
    expect(parseDraftOutput(text, 'email', ['ps', 'icebreaker'])).toEqual({ subject: 'Hi', body: 'Hi Ana', fields });
  });
  it('without field names, keys the model added are ignored', () => {
    expect(parseDraftOutput('{"subject":"Hi","ps":"x","body":"Hi"}', 'email')).toEqual({ subject: 'Hi', body: 'Hi' });
  });
  it("a regeneration replays the previous answer's fields", async () => {
    const profile = profileOf({ ...base, channel: 'sms', output: { fields: FIELDS } });
    const templates = await loadTemplates(profile, process.cwd());
    const messages = buildRegenerateMessages(profile, templates, ana, columns, { body: 'Hi', fields: { ps: 'P.S.', icebreaker: 'Yo' } }, 'shorter');
    expect(messages[2]).toEqual({ role: 'assistant', content: '{"ps":"P.S.","icebreaker":"Yo","body":"Hi"}' });
  });
});

describe('field names', () => {
  it.each(['subject', 'body', 'status', 'variant', 'model', 'engine'])('%s is refused at load, at its key (file:line:column)', (name) => {
    const src = `goal: g\noutput:\n  fields:\n    ps: x\n    ${name}: y\n`;
    expect(() => parseProfileText(src, 'p.yaml')).toThrow(new RegExp(`^p\\.yaml:5:5: output\\.fields\\.${name}: \`${name}\` is taken`));
  });
  it('a name that is not snake_case says what a name is', () => {
    expect(() => parseProfileText('goal: g\noutput:\n  fields:\n    P.S.: x\n', 'p.yaml')).toThrow('p.yaml:4:5: output.fields.P.S.: a lower-case name of letters, digits and _, e.g. ps');
  });
  it.each([['ps'], ['PS'], ['Ps ']])('a CSV column %j collides with the field ps: an InputError naming both, with a hint', (column) => {
    let caught: unknown;
    try {
      assertNoColumnCollision(['icebreaker', 'ps'], ['email', column], 'people.csv');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).message).toBe(`the output field \`ps\` has the name of the CSV column ${JSON.stringify(column)} in people.csv.`);
    expect((caught as InputError).hint).toMatch(/rename the field in the profile's output\.fields/);
  });
  it('profile check names them; a profile without them prints no such line', () => {
    expect(renderProfileSummary(profileOf({ ...base, output: { fields: FIELDS } }), 'p.yaml', 'shipped')).toMatch(/^answer fields: ps, icebreaker \(asked with the subject and body; exported as columns\)$/m);
    expect(renderProfileSummary(profileOf(base), 'p.yaml', 'shipped')).not.toContain('answer fields');
  });
  it('other columns are fine', () => {
    expect(() => assertNoColumnCollision(['ps'], ['email', 'ps_note', 'notes'], 'people.csv')).not.toThrow();
  });
});

describe('fields in a person\'s edit', () => {
  const fields = { ps: 'P.S. first\nsecond line', icebreaker: 'Hello' };
  it('lines render and read back (a value\'s further lines indented)', () => {
    const lines = renderFieldLines(['ps', 'icebreaker'], fields);
    expect(lines).toEqual(['ps: P.S. first\n  second line', 'icebreaker: Hello']);
    expect(parseFieldLines([...lines.join('\n').split('\n'), '', 'body'], 0, ['ps', 'icebreaker'])).toEqual({ fields, next: 3 });
  });
  it('the editor text holds them after the subject, and an edit of one keeps the others', () => {
    const text = renderEditorText({ subject: 'Hi', body: 'Hello Ana', fields }, true);
    expect(text).toBe('Subject: Hi\nps: P.S. first\n  second line\nicebreaker: Hello\n\nHello Ana\n');
    const edited = text.replace('icebreaker: Hello', 'icebreaker: Hey there').replace(/ps: [^]*?icebreaker/, 'icebreaker');
    expect(parseEditorText(edited, true, fields)).toEqual({ subject: 'Hi', body: 'Hello Ana', fields: { ps: fields.ps, icebreaker: 'Hey there' } });
  });
  it('without fields, the editor text is as before', () => {
    expect(renderEditorText({ body: 'Hello' }, false)).toBe('Hello\n');
    expect(parseEditorText('ps: no field here\n\nHello', false)).toEqual({ body: 'ps: no field here\n\nHello' });
  });
  it.each<[string, boolean, string, object]>([
    ['email with both', true, 'Subject: Hi\nps: P.S. new\nicebreaker: Yo\n\nBody', { subject: 'Hi', body: 'Body', fields: { ps: 'P.S. new', icebreaker: 'Yo' } }],
    ['email with none', true, 'Subject: Hi\n\nBody', { subject: 'Hi', body: 'Body', fields: {} }],
    ['sms with one', false, 'ps: P.S. new\n\nBody', { body: 'Body', fields: { ps: 'P.S. new' } }],
    ['sms with none', false, 'Body', { body: 'Body', fields: {} }],
  ])('approve --edit file: %s', (_label, withSubject, text, expected) => {
    expect(parseEditFile(text, { withSubject, file: 'e.txt', fieldNames: ['ps', 'icebreaker'] })).toEqual(expected);
  });
  it('approve --edit file: no blank line after the fields is refused at that line, the hint shows where fields go', () => {
    let caught: unknown;
    try {
      parseEditFile('Subject: Hi\nps: x\nBody', { withSubject: true, file: 'e.txt', fieldNames: ['ps'] });
    } catch (err) {
      caught = err;
    }
    expect((caught as InputError).message).toBe('the line after the fields is not blank in the edit file e.txt.');
    expect((caught as InputError).location).toMatchObject({ line: 3 });
    expect((caught as InputError).hint).toContain('The fields (ps) go as `name: value` lines after the subject');
  });
  it('mergeFields: the edit over the shown, in the profile\'s order', () => {
    expect(mergeFields(['ps', 'icebreaker'], { ps: 'a', icebreaker: 'b' }, { icebreaker: 'c' })).toEqual({ ps: 'a', icebreaker: 'c' });
    expect(mergeFields([], undefined, {})).toBeUndefined();
  });
  it("the latest version's fields: an edit's, else the draft's", () => {
    const draft = { type: 'draft', status: 'drafted', body: 'B', fields: { ps: 'model' } } as unknown as DraftRecord;
    const edit = (f?: Record<string, string>) => ({ type: 'edit', body: 'E', ...(f ? { fields: f } : {}) }) as unknown as EditRecord;
    expect(effectiveText(draft, undefined)).toEqual({ body: 'B', fields: { ps: 'model' } });
    expect(effectiveText(draft, edit({ ps: 'person' }))).toEqual({ body: 'E', fields: { ps: 'person' } });
    expect(effectiveText(draft, edit())).toEqual({ body: 'E', fields: { ps: 'model' } });
  });
});

describe('fields are untrusted model output', () => {
  const recipient = { first_name: 'Ana', company: 'Northwind' };
  it.each<[string, Record<string, string>, string[]]>([
    ['a placeholder', { ps: 'P.S. see you in {{city}}' }, ['error placeholder unfilled placeholder {{city}} in the field ps']],
    ['an empty field', { ps: ' ' }, ['warning empty-field the field ps is empty']],
    ['a control character', { ps: 'P.S.\u001b[2J hi' }, ['error control-chars 1 terminal control character(s) in the field ps (hidden on screen)']],
    ['a clean field', { ps: 'P.S. loved your DataConf talk' }, []],
  ])('lint: %s', (_label, fields, expected) => {
    const found = lintDraft({ subject: 'Hi Ana', body: 'Hi Ana,\n\nShall we talk?\n\nBest, Sam', recipient, fields }, { channel: 'email' });
    expect(found.filter((f) => f.message.includes('field')).map((f) => `${f.level} ${f.code} ${f.message}`)).toEqual(expected);
  });

  it('the review card shows them under the body, controls stripped, on one line each', () => {
    const text = renderDraftText({ subject: 'Hi', body: 'Hello', fields: { ps: 'P.S.\u001b]0;owned\u0007 see\nyou' } }, 80, new Chalk({ level: 0 }));
    expect(text).toBe('Subject: Hi\n\nHello\n\nps: P.S. see you');
  });

  it('CSV: a column each after body, formulas neutralised; JSONL: keys of their own names after body', async () => {
    const rec = { row: 1, recipient: { email: 'a@x.org' }, subject: 'Hi', body: 'Hello', fields: { ps: '=HYPERLINK("http://x")', icebreaker: 'Yo' }, status: 'approved' as const, model: 'm', version: 1, edited: false };
    const write = async (format: 'csv' | 'jsonl') => {
      const out = new PassThrough();
      let text = '';
      out.on('data', (c: Buffer) => (text += c.toString()));
      const writer = createRecordWriter(format, out, { headers: ['email'], fields: ['ps', 'icebreaker'] });
      await writer.write(rec);
      await writer.end();
      return text;
    };
    expect(await write('csv')).toBe('email,subject,body,ps,icebreaker,status\r\na@x.org,Hi,Hello,"\'=HYPERLINK(""http://x"")",Yo,approved\r\n');
    expect(Object.keys(JSON.parse(await write('jsonl')))).toEqual(['row', 'recipient', 'subject', 'body', 'ps', 'icebreaker', 'status', 'model', 'version', 'edited']);
  });
});
