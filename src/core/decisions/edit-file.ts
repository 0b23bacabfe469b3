// The text of `approve --rows N --edit FILE`: a person's version of one draft, as a file a script
// writes. Email: a `Subject: ...` line, a blank line, then the body; other channels: the body
// only. A BOM and CRLF line ends are tolerated; trailing blank space is dropped (as review's editor
// does). Anything else is an InputError naming the line and showing the expected shape. Pure.
import { InputError } from '../errors.js';
import type { ShownText } from './rules.js';

const SUBJECT = /^[ \t]*subject[ \t]*:[ \t]*(.*)$/i;

/** `file`: the name to report (`-` reads as "standard input"). */
export function parseEditFile(text: string, o: { withSubject: boolean; file: string }): ShownText {
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  const fail = (line: number, message: string): never => {
    throw new InputError(`${message} in the edit file ${o.file === '-' ? '(standard input)' : o.file}.`, {
      location: { file: o.file === '-' ? '<stdin>' : o.file, line },
      hint: o.withSubject
        ? 'write the subject on the first line as `Subject: ...`, then a blank line, then the body.'
        : 'this channel has no subject: write only the body (no `Subject:` line).',
    });
  };
  let start = 0;
  let subject: string | undefined;
  if (o.withSubject) {
    const m = SUBJECT.exec(lines[0] ?? '');
    if (!m) fail(1, 'the first line is not a `Subject: ...` line');
    subject = m![1]!.trim();
    if (!subject) fail(1, 'the subject is empty');
    if ((lines[1] ?? '').trim() !== '') fail(2, 'the line after the subject is not blank');
    start = 2;
  } else if (SUBJECT.test(lines[0] ?? '')) {
    fail(1, 'a `Subject:` line, but this channel has no subject');
  }
  const body = lines.slice(start).join('\n').replace(/^(?:[ \t]*\n)+/, '').replace(/\s+$/, '');
  if (!body) fail(start + 1, 'the body is empty');
  return { ...(subject !== undefined ? { subject } : {}), body };
}
