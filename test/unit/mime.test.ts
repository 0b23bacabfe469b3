import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import {
  buildMessage,
  encodeQuotedPrintable,
  formatDate,
  parseAddress,
  toMboxEntry,
  type MailMessage,
} from '../../src/core/export/mime.js';
import { decodeQuotedPrintable, parseAddressHeader, parseMail } from '../helpers/parse-mail.js';

const DATE = new Date(Date.UTC(2025, 6, 1, 9, 5, 7));

function message(over: Partial<MailMessage> = {}): MailMessage {
  return {
    to: { name: 'Ana Pereira', email: 'ana@example.org' },
    subject: 'Your talk at FOSDEM',
    body: 'Hi Ana,\n\nthanks for the talk.\n\nBest,\nSam',
    date: DATE,
    messageId: '<3.abc123@draftsmith.local>',
    ...over,
  };
}

/** Structural checks every produced message must pass. */
function expectWellFormed(text: string): void {
  expect(text).not.toMatch(/\r(?!\n)|(?<!\r)\n/); // CRLF only
  const lines = text.split('\r\n');
  for (const line of lines) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(998);
  expect(text).toMatch(/^[\x00-\x7f]*$/); // 7-bit: everything non-ASCII is encoded
  const head = text.slice(0, text.indexOf('\r\n\r\n'));
  for (const line of head.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
  // no control characters other than the CRLF pairs
  expect(text.replace(/\r\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f]/);
}

describe('buildMessage', () => {
  it('writes the MIME headers for a UTF-8 plain-text draft', () => {
    const text = buildMessage(message({ from: { name: 'Sam Lee', email: 'sam@example.com' } }));
    expectWellFormed(text);
    const mail = parseMail(text);
    expect(mail.headers['mime-version']).toBe('1.0');
    expect(mail.headers['content-type']).toMatch(/^text\/plain; charset=utf-8$/i);
    expect(mail.headers['content-transfer-encoding']).toBe('quoted-printable');
    expect(mail.headers['date']).toBe('Tue, 01 Jul 2025 09:05:07 +0000');
    expect(mail.headers['message-id']).toBe('<3.abc123@draftsmith.local>');
    expect(parseAddressHeader(mail.raw['from']!)).toEqual({ name: 'Sam Lee', email: 'sam@example.com' });
    expect(parseAddressHeader(mail.raw['to']!)).toEqual({ name: 'Ana Pereira', email: 'ana@example.org' });
    expect(mail.headers['subject']).toBe('Your talk at FOSDEM');
    expect(mail.body).toBe('Hi Ana,\n\nthanks for the talk.\n\nBest,\nSam');
  });

  it('leaves out From when there is no sender', () => {
    const mail = parseMail(buildMessage(message()));
    expect(mail.names.map((n) => n.toLowerCase())).not.toContain('from');
  });

  const international: [string, string, string, string][] = [
    ['German', 'Jürgen Weiß', 'Grüße aus München – Ihr Vortrag über Straßenbahnen', 'Sehr geehrter Herr Weiß,\nvielen Dank für Ihren Vortrag. Schöne Grüße, Ärger gibt es keinen.'],
    ['Japanese', '山田 太郎', 'ご講演ありがとうございました。来月の勉強会についてご相談させてください', '山田様\n\n先日のご講演、大変勉強になりました。\nよろしくお願いいたします。'],
    ['emoji', 'Zoë 🦄 O\u2019Brien', '🎉 Congrats on the launch 👩\u200d💻🚀!', 'Hi Zoë 👋\n\n🎉🎉🎉 family: 👨\u200d👩\u200d👧\u200d👦\n\u00a0non-breaking'],
    ['Arabic + Latin', 'ليلى Haddad', 'مرحبا Layla', 'مرحبا\nشكرا'],
  ];
  it.each(international)('round-trips %s names, subject and body', (_label, name, subject, body) => {
    const text = buildMessage(message({ to: { name, email: 'x@example.org' }, from: { name, email: 'me@example.com' }, subject, body }));
    expectWellFormed(text);
    const mail = parseMail(text);
    expect(mail.headers['subject']).toBe(subject);
    expect(parseAddressHeader(mail.raw['to']!)).toEqual({ name, email: 'x@example.org' });
    expect(parseAddressHeader(mail.raw['from']!)).toEqual({ name, email: 'me@example.com' });
    expect(mail.body).toBe(body);
  });

  it('quotes ASCII display names with specials and escapes quotes and backslashes', () => {
    for (const name of ['Pereira, Ana', 'Ana "AP" Pereira', 'back\\slash (x) <y>', 'a;b:c@d']) {
      const mail = parseMail(buildMessage(message({ to: { name, email: 'ana@example.org' } })));
      expect(parseAddressHeader(mail.raw['to']!)).toEqual({ name, email: 'ana@example.org' });
    }
  });

  it('does not let a name that looks like an encoded-word pass as one', () => {
    const name = '=?UTF-8?B?RXZpbA==?=';
    const mail = parseMail(buildMessage(message({ to: { name, email: 'ana@example.org' } })));
    expect(parseAddressHeader(mail.raw['to']!).name).toBe(name);
  });

  it('folds long subjects under 78 characters and unfolds to the same text', () => {
    const ascii = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    const long = 'x'.repeat(300);
    const mixed = `${'Über '.repeat(40)}end`;
    for (const subject of [ascii, long, mixed, `pre ${long} post`]) {
      const text = buildMessage(message({ subject }));
      expectWellFormed(text);
      expect(parseMail(text).headers['subject']).toBe(subject);
    }
  });

  it('allows an empty subject', () => {
    const mail = parseMail(buildMessage(message({ subject: '' })));
    expect(mail.headers['subject']).toBe('');
  });

  const injections: [string, Partial<MailMessage>][] = [
    ['CRLF in the display name', { to: { name: 'Ana\r\nBcc: evil@x.com', email: 'ana@example.org' } }],
    ['LF in the display name', { to: { name: 'Ana\nBcc: evil@x.com', email: 'ana@example.org' } }],
    ['CRLF in the subject', { subject: 'Hello\r\nBcc: evil@x.com' }],
    ['bare CR in the subject', { subject: 'Hello\rBcc: evil@x.com' }],
    ['CRLF + blank line in the subject (body smuggling)', { subject: 'Hi\r\n\r\nfake body\r\nBcc: evil@x.com' }],
    ['Unicode line separators', { subject: 'Hi\u2028Bcc: evil@x.com\u0085Cc: evil@x.com' }],
    ['CRLF in the sender name', { from: { name: 'Sam\r\nBcc: evil@x.com', email: 'sam@example.com' } }],
    ['NUL and ESC in the subject', { subject: 'Hi\u0000\u001b[2J\r\nBcc: evil@x.com' }],
  ];
  it.each(injections)('header injection via %s yields no extra header', (_label, over) => {
    const text = buildMessage(message(over));
    expectWellFormed(text);
    const mail = parseMail(text);
    const names = mail.names.map((n) => n.toLowerCase());
    expect(names).not.toContain('bcc');
    expect(names).not.toContain('cc');
    expect(new Set(names).size).toBe(names.length);
    // The text is kept, on one line, inside its own header.
    const value = over.subject !== undefined ? mail.headers['subject']! : parseAddressHeader(mail.raw[over.from ? 'from' : 'to']!).name;
    expect(value).toContain('Bcc: evil@x.com');
    expect(value).not.toMatch(/[\r\n\u2028\u0085]/);
  });

  it.each(['ana@example.org\r\nBcc: evil@x.com', 'ana@example.org>, evil@x.com', 'not an address', 'ana@exa mple.org'])(
    'refuses an invalid address in a header: %j',
    (email) => {
      expect(() => buildMessage(message({ to: { email } }))).toThrow(InputError);
      expect(() => buildMessage(message({ from: { email } }))).toThrow(InputError);
    },
  );

  it('refuses a malformed Message-ID (internal misuse)', () => {
    expect(() => buildMessage(message({ messageId: '<a@b>\r\nBcc: x@y.z' }))).toThrow(TypeError);
    expect(() => buildMessage(message({ messageId: 'no-brackets@x' }))).toThrow(TypeError);
  });

  it('keeps body lines short and 7-bit, with a very long line and unbroken text', () => {
    const body = `${'lorem ipsum '.repeat(200)}\n${'ж'.repeat(500)}\n${'=x'.repeat(100)}`;
    const text = buildMessage(message({ body }));
    expectWellFormed(text);
    for (const line of text.slice(text.indexOf('\r\n\r\n') + 4).split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    expect(parseMail(text).body).toBe(body);
  });

  it('strips terminal escapes from the body but keeps tabs and line breaks', () => {
    const mail = parseMail(buildMessage(message({ body: 'a\u001b]52;c;ZXZpbA==\u0007b\tc\r\nd\u001b[31me' })));
    expect(mail.body).toBe('ab\tc\nde');
  });
});

describe('encodeQuotedPrintable', () => {
  it('encodes trailing whitespace, "=" and non-ASCII', () => {
    const qp = encodeQuotedPrintable('end with space \nend with tab\t\na=b\né');
    expect(qp.split('\r\n').every((l) => !/[ \t]$/.test(l))).toBe(true);
    expect(decodeQuotedPrintable(qp)).toBe('end with space \r\nend with tab\t\r\na=b\r\né');
  });

  it('never starts a line with "From " and never leaves a lone "."', () => {
    const qp = encodeQuotedPrintable('From here on\n.\nFrom');
    const lines = qp.split('\r\n');
    expect(lines.some((l) => l.startsWith('From '))).toBe(false);
    expect(lines).not.toContain('.');
    expect(decodeQuotedPrintable(qp)).toBe('From here on\r\n.\r\nFrom');
  });

  it('does not split an escape across a soft line break', () => {
    for (let pad = 0; pad < 4; pad++) {
      const qp = encodeQuotedPrintable(`${'a'.repeat(70 + pad)}éééé`);
      for (const line of qp.split('\r\n')) {
        expect(line.length).toBeLessThanOrEqual(76);
        expect(line.replace(/=$/, '')).not.toMatch(/=[0-9A-F]?$/);
      }
    }
  });
});

describe('parseAddress', () => {
  const valid: [string, string, string | undefined][] = [
    ['ana@example.org', 'ana@example.org', undefined],
    ['  Ana.Pereira+news@Example.ORG ', 'Ana.Pereira+news@example.org', undefined],
    ['<ana@example.org>', 'ana@example.org', undefined],
    ['mailto:ana@example.org', 'ana@example.org', undefined],
    ['Ana Pereira <ana@example.org>', 'ana@example.org', 'Ana Pereira'],
    ['"Pereira, Ana" <ana@example.org>', 'ana@example.org', 'Pereira, Ana'],
    ["o'brien@sub.example.co.uk", "o'brien@sub.example.co.uk", undefined],
    ['info@münchen.de', 'info@xn--mnchen-3ya.de', undefined],
  ];
  it.each(valid)('accepts %j', (input, email, name) => {
    expect(parseAddress(input)).toEqual(name === undefined ? { email } : { name, email });
  });

  it.each([
    '', 'ana', 'ana@', '@example.org', 'ana@localhost', 'ana at example.org', 'ana @example.org',
    'ana@example.org\r\nBcc: evil@x.com', 'ana@example.org\u0000', 'a@b.com, c@d.com', 'a@b.com;c@d.com',
    '"ana smith"@example.org', 'ana..p@example.org', '.ana@example.org', 'ana@-example.org', 'ana@exa_mple.org',
    'jürgen@münchen.de', `${'a'.repeat(65)}@example.org`, 'ana@example.org>', '<ana@example.org',
  ])('rejects %j', (input) => {
    expect(parseAddress(input)).toBeUndefined();
  });
});

describe('toMboxEntry', () => {
  const msg = buildMessage(message({ body: 'intro\nFrom the start\n>From quoted\n>>From deeper\nnot From here' }));

  it('starts with a From_ line in ctime form and uses LF endings', () => {
    const entry = toMboxEntry(msg, 'sam@example.com', DATE);
    expect(entry.split('\n')[0]).toBe('From sam@example.com Tue Jul  1 09:05:07 2025');
    expect(entry).not.toContain('\r');
    expect(entry.endsWith('\n\n')).toBe(true);
  });

  it('escapes every >*From line (mboxrd) so the reader can undo it', () => {
    const raw = 'Subject: x\r\n\r\nFrom a\r\n>From b\r\n>>From c\r\nFromage\r\n';
    const entry = toMboxEntry(raw, 'MAILER-DAEMON', DATE);
    const lines = entry.split('\n').slice(1);
    expect(lines.filter((l) => /^From /.test(l))).toEqual([]);
    expect(lines).toContain('>From a');
    expect(lines).toContain('>>From b');
    expect(lines).toContain('>>>From c');
    expect(lines).toContain('Fromage');
    const unescaped = lines.map((l) => l.replace(/^>(>*From )/, '$1')).join('\n');
    expect(unescaped.replace(/\n+$/, '')).toBe(raw.replace(/\r\n/g, '\n').replace(/\n+$/, ''));
  });

  it('falls back to MAILER-DAEMON for an unusable envelope sender', () => {
    for (const from of ['', 'a b@c.d', 'x\r\nFrom y']) {
      expect(toMboxEntry(msg, from, DATE).split('\n')[0]).toMatch(/^From MAILER-DAEMON /);
    }
  });
});

describe('formatDate', () => {
  it('pads day and time and uses UTC', () => {
    expect(formatDate(new Date(Date.UTC(2024, 1, 3, 4, 5, 6)))).toBe('Sat, 03 Feb 2024 04:05:06 +0000');
  });
});
