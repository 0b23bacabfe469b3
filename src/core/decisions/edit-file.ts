// The text of `approve --rows N --edit FILE`: a person's version of one draft, as a file a script
// writes. Email: a `Subject: ...` line, a blank line, then the body; other channels: the body
// only. A BOM and CRLF line ends are tolerated; trailing blank space is dropped (as review's editor
// does). With the profile's answer fields (output.fields), `name: value` lines may follow the subject
// (or open the file); a field not written keeps the draft's value. Anything else is an InputError naming the line and showing the expected shape. Pure.
import { InputError } from '../errors.js';
import type { ShownText } from './rules.js';
import { parseFieldLines } from '../drafting/output-fields.js';

const SUBJECT = /^[ \t]*subject[ \t]*:[ \t]*(.*)$/i;

/** `file`: the name to report (`-` reads as "standard input"). */
export function parseEditFile(text: string, o: { withSubject: boolean; file: string; fieldNames?: readonly string[] }): ShownText {
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  const fail = (line: number, message: string): never => {
    throw new InputError(`${message} in the edit file ${o.file === '-' ? '(standard input)' : o.file}.`, {
      location: { file: o.file === '-' ? '<stdin>' : o.file, line },
      hint: (o.withSubject
        ? 'write the subject on the first line as `Subject: ...`, then a blank line, then the body.'
        : 'this channel has no subject: write only the body (no `Subject:` line).') + fieldHint(o.fieldNames ?? [], o.withSubject),
    });
  };
  let start = 0;
  let subject: string | undefined;
  if (o.withSubject) {
    const m = SUBJECT.exec(lines[0] ?? '');
    if (!m) fail(1, 'the first line is not a `Subject: ...` line');
    subject = m![1]!.trim();
    if (!subject) fail(1, 'the subject is empty');
    start = 1;
  } else if (SUBJECT.test(lines[0] ?? '')) {
    fail(1, 'a `Subject:` line, but this channel has no subject');
  }
  const names = o.fieldNames ?? [];
  const { fields, next } = parseFieldLines(lines, start, names);
  if (next > start || o.withSubject) {
    if ((lines[next] ?? '').trim() !== '') fail(next + 1, `the line after the ${next > start ? 'fields' : 'subject'} is not blank`);
    start = next + 1;
  }
  const body = lines.slice(start).join('\n').replace(/^(?:[ \t]*\n)+/, '').replace(/\s+$/, '');
  if (!body) fail(start + 1, 'the body is empty');
  return { ...(subject !== undefined ? { subject } : {}), body, ...(names.length > 0 ? { fields } : {}) };
}

function fieldHint(names: readonly string[], withSubject: boolean): string {
  if (names.length === 0) return '';
  return ` The fields (${names.join(', ')}) go as \`name: value\` lines ${withSubject ? 'after the subject' : 'at the top'}, before that blank line.`;
}
