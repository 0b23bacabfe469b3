import { describe, expect, it } from 'vitest';
import { stripReply } from '../../src/core/mail/strip-reply.js';

// Shapes as mail clients really write them.
const CASES: ReadonlyArray<{ name: string; input: string; expected: string }> = [
  { name: 'plain text, nothing to strip', input: 'Thanks, Thursday works.\n', expected: 'Thanks, Thursday works.' },
  {
    name: 'Gmail: attribution and > quotes',
    input: 'Sounds good, see you then.\n\nOn Tue, Oct 3, 2026 at 10:12 AM Sam Writer <sam@example.com> wrote:\n> Would Thursday work?\n>\n> Sam\n',
    expected: 'Sounds good, see you then.',
  },
  {
    name: 'Gmail: attribution wrapped over two lines',
    input: 'Yes please.\n\nOn Tue, Oct 3, 2026 at 10:12 AM Sam Writer <\nsam@example.com> wrote:\n\n> Would Thursday work?\n',
    expected: 'Yes please.',
  },
  {
    name: 'Apple Mail attribution',
    input: 'Not now, try me in Q1.\n\n> On 3 Oct 2026, at 10:12, Sam <sam@example.com> wrote:\n> \n> Hi Ana\n',
    expected: 'Not now, try me in Q1.',
  },
  { name: 'German attribution', input: 'Gerne.\n\nAm Di., 3. Okt. 2026 um 10:12 Uhr schrieb Sam Writer <sam@example.com>:\n> Hallo\n', expected: 'Gerne.' },
  { name: 'Spanish attribution', input: 'Perfecto.\n\nEl mar, 3 oct 2026 a las 10:12, Sam (<sam@example.com>) escribió:\n> Hola\n', expected: 'Perfecto.' },
  { name: 'French attribution (space before the colon)', input: 'Parfait.\n\nLe mar. 3 oct. 2026 à 10:12, Sam <sam@example.com> a écrit :\n> Bonjour\n', expected: 'Parfait.' },
  { name: 'Portuguese attribution', input: 'Combinado.\n\nEm ter., 3 de out. de 2026 às 10:12, Sam <sam@example.com> escreveu:\n> Olá\n', expected: 'Combinado.' },
  { name: 'Italian attribution', input: 'Va bene.\n\nIl giorno mar 3 ott 2026 alle ore 10:12 Sam <sam@example.com> ha scritto:\n> Ciao\n', expected: 'Va bene.' },
  { name: 'Dutch attribution', input: 'Prima.\n\nOp di 3 okt. 2026 om 10:12 schreef Sam <sam@example.com>:\n> Hoi\n', expected: 'Prima.' },
  {
    name: 'Outlook: Original Message separator',
    input: 'Please call me.\r\n\r\n-----Original Message-----\r\nFrom: Sam Writer\r\nSent: Tuesday, October 3, 2026 10:12 AM\r\nTo: Ana\r\nSubject: Hello\r\n\r\nHi Ana\r\n',
    expected: 'Please call me.',
  },
  {
    name: 'Outlook: underscore line and a From/Sent block',
    input: 'Thanks!\n\n________________________________\nFrom: Sam Writer <sam@example.com>\nSent: Tuesday, October 3, 2026 10:12\nTo: Ana <ana@example.org>\nSubject: Hello\n\nHi Ana\n',
    expected: 'Thanks!',
  },
  {
    name: 'Outlook (German) header block without a separator',
    input: 'Danke.\n\nVon: Sam Writer <sam@example.com>\nGesendet: Dienstag, 3. Oktober 2026 10:12\nAn: Ana\nBetreff: Hallo\n\nHallo Ana\n',
    expected: 'Danke.',
  },
  {
    name: 'Outlook HTML converted to text: bold header labels',
    input: 'Ok.\n\n*From:* Sam Writer <sam@example.com>\n*Sent:* Tuesday, October 3, 2026 10:12\n*To:* Ana\n',
    expected: 'Ok.',
  },
  { name: 'signature after "-- "', input: 'See you Thursday.\n\n-- \nAna Lima\nHead of Ops, Example Org\n+1 555 0100\n', expected: 'See you Thursday.' },
  { name: 'signature separator with the trailing space trimmed', input: 'See you.\n--\nAna\n', expected: 'See you.' },
  {
    name: 'interleaved answers keep their own lines',
    input: '> Would Thursday work?\nYes.\n\n> And 10am?\nBetter 11.\n',
    expected: 'Yes.\n\nBetter 11.',
  },
  { name: 'forwarded message banner', input: 'FYI, see below.\n\n---------- Forwarded message ---------\nFrom: X <x@example.com>\n', expected: 'FYI, see below.' },
  { name: 'a top-posted reply with nothing of its own', input: 'On Tue, Oct 3, 2026 at 10:12 AM Sam <sam@example.com> wrote:\n> Hi\n', expected: '' },
];

// Text that looks a little like a quote but is the person's own.
const KEEP: ReadonlyArray<{ name: string; input: string }> = [
  { name: 'a sentence starting "On" that is not an attribution', input: 'On Monday we wrote the contract; it is signed.' },
  { name: 'a "From:" line without a header block after it', input: 'From: the desk of Ana\nThanks for the note.' },
  { name: 'a dash line that is not a signature separator', input: 'Options:\n--- a\n--- b' },
  { name: 'a "- " bullet', input: 'We need:\n- one\n- two' },
];

describe('stripReply', () => {
  it.each(CASES)('$name', ({ input, expected }) => {
    expect(stripReply(input)).toBe(expected);
  });
  it.each(KEEP)('keeps: $name', ({ input }) => {
    expect(stripReply(input)).toBe(input);
  });
});
