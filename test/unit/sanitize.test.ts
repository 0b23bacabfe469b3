import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { neutraliseFormula, stripControls, stripControlsInline } from '../../src/core/text/sanitize.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const badInputs = path.resolve(repoRoot, '../shared', 'realdata/bad-inputs');
const hasShared = existsSync(badInputs);
if (!hasShared) console.warn(`skipping real-data sanitize tests: ${badInputs} not found`);

/** Anything a terminal could act on: ESC, BEL, any C0 but LF/TAB, DEL, C1. */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('stripControls', () => {
  const cases: [string, string, string][] = [
    ['plain text is untouched', 'Hello Ana, thanks for the talk.', 'Hello Ana, thanks for the talk.'],
    ['newline and tab are kept', 'a\n\tb', 'a\n\tb'],
    ['CRLF becomes LF', 'one\r\ntwo\r\n', 'one\ntwo\n'],
    ['a lone CR (overwrite trick) is dropped', 'Approved\rRejected', 'ApprovedRejected'],
    ['SGR colour', '\u001b[31mred\u001b[0m text', 'red text'],
    ['private-mode CSI (hide cursor)', 'a\u001b[?25lb', 'ab'],
    ['CSI with intermediate byte', 'a\u001b[2 qb', 'ab'],
    ['bare CSI at the end', 'tail\u001b[', 'tail'],
    ['8-bit C1 CSI', 'x\u009b31my', 'xy'],
    ['OSC 0 title with BEL', '\u001b]0;pwned\u0007visible', 'visible'],
    ['OSC 8 hyperlink keeps the link text', '\u001b]8;;https://evil.example/\u001b\\click me\u001b]8;;\u001b\\', 'click me'],
    ['OSC 52 clipboard write', 'a\u001b]52;c;ZWNobyBoaQ==\u0007b', 'ab'],
    ['C1 OSC ended by C1 ST', '\u009d0;title\u009cafter', 'after'],
    ['unterminated OSC keeps the rest visible', '\u001b]0;hello world', '0;hello world'],
    ['DCS (tmux passthrough, doubled ESC)', 'a\u001bPtmux;\u001b\u001b]52;c;eA==\u0007\u001b\\b', 'ab'],
    ['APC string', 'a\u001b_payload\u001b\\b', 'ab'],
    ['PM and SOS strings', 'a\u001b^pm\u001b\\b\u001bXsos\u001b\\c', 'abc'],
    ['RIS reset', 'a\u001bcb', 'ab'],
    ['DECALN', 'a\u001b#8b', 'ab'],
    ['charset designation', 'a\u001b(Bb', 'ab'],
    ['save/restore cursor', '\u001b7a\u001b8', 'a'],
    ['ESC before non-ASCII drops just the ESC', 'a\u001bé', 'aé'],
    ['lone ESC at the end', 'end\u001b', 'end'],
    ['BEL, backspace, NUL, VT, FF', 'a\u0007\b\u0000\u000b\u000cb', 'ab'],
    ['DEL', 'a\u007fb', 'ab'],
    ['C1 NEL and others', 'a\u0085b\u0080\u009fc', 'abc'],
    ['emoji, CJK, RTL and combining marks survive', '👋 日本語 עברית é', '👋 日本語 עברית é'],
    ['literal backslash escapes are inert text', 'Hello \\x1b[32mgreen', 'Hello \\x1b[32mgreen'],
  ];
  it.each(cases)('%s', (_label, input, expected) => {
    expect(stripControls(input)).toBe(expected);
  });

  it('is idempotent', () => {
    for (const [, input] of cases) expect(stripControls(stripControls(input))).toBe(stripControls(input));
  });

  it('inline variant turns newlines and tabs into single spaces', () => {
    expect(stripControlsInline('Ana\r\n\tPereira\u001b[2J')).toBe('Ana Pereira');
    expect(stripControlsInline('a\tb\nc')).toBe('a b c');
  });
});

describe.skipIf(!hasShared)('stripControls on real payloads', () => {
  const payloads: { id: string; payload: string }[] = hasShared
    ? JSON.parse(readFileSync(path.join(badInputs, 'terminal-escapes/terminal-escape-payloads.json'), 'utf8'))
    : [];

  it('leaves no ESC, BEL, C1 or C0 (other than LF/TAB) in any of the payloads', () => {
    expect(payloads.length).toBeGreaterThan(50);
    for (const { id, payload } of payloads) {
      const out = stripControls(payload);
      expect(UNSAFE.test(out), `${id}: ${JSON.stringify(out)}`).toBe(false);
    }
  });

  it('keeps the visible text of the payloads', () => {
    const byId = new Map(payloads.map((p) => [p.id, p.payload]));
    const strip = (id: string) => stripControls(byId.get(id)!);
    expect(strip('T05')).toBe('NVIDIA');
    for (const id of ['T27', 'T29', 'T31']) expect(strip(id)).toBe('click');
    for (const id of ['T28', 'T30', 'T32']) expect(strip(id)).toBe('mail-me');
    expect(strip('T35')).toBe('foobar');
    expect(strip('T55')).toBe('Roses are red, violets are blue. Hope you enjoy terminal hue');
    expect(strip('T57')).toBe('The quick brown fox... [Beeeep]');
    for (const id of ['T49', 'T50', 'T51', 'T52', 'T53', 'T54', 'T44', 'T45', 'T42']) expect(strip(id)).toBe('');
  });

  it('does not change payloads that contain no control characters (escaped literals)', () => {
    const inert = payloads.filter((p) => !UNSAFE.test(p.payload) && !p.payload.includes('\r'));
    expect(inert.length).toBeGreaterThan(10);
    for (const { payload } of inert) expect(stripControls(payload)).toBe(payload);
  });

  it.each([
    ['a right-to-left override', 'invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['embeddings and the pop', '\u202Aleft\u202C \u202Bright\u202C', 'left right'],
    ['isolates', 'Ana \u2067مرحبا\u2069 \u2066x\u2069\u2068y\u2069', 'Ana مرحبا xy'],
  ])('drops bidirectional controls: %s', (_what, input, expected) => {
    expect(stripControls(input)).toBe(expected);
    expect(stripControlsInline(input)).toBe(expected);
  });

  it('keeps right-to-left text and the marks it needs (LRM, RLM)', () => {
    const arabic = 'مرحبا بك \u200Fيا سارة\u200E!';
    expect(stripControls(arabic)).toBe(arabic);
  });

  it('survives the Big List of Naughty Strings and keeps ordinary text', () => {
    const blns: string[] = JSON.parse(readFileSync(path.join(badInputs, 'blns/blns.json'), 'utf8'));
    let unchanged = 0;
    for (const s of blns) {
      const out = stripControls(s);
      expect(UNSAFE.test(out)).toBe(false);
      expect(out.includes('\r')).toBe(false);
      if (!UNSAFE.test(s) && !s.includes('\r')) {
        expect(out).toBe(s);
        unchanged++;
      }
    }
    expect(unchanged).toBeGreaterThan(400);
  });
});

describe('neutraliseFormula', () => {
  const dangerous = ['=1+2', '+1+2', '-1+2', '@SUM(1+1)', '\t1+2', '\r1+2', '\n1+2', '＝1+2', '＋1', '－1', '＠x', '  =1+2'];
  it.each(dangerous)('prefixes %j with a quote', (cell) => {
    expect(neutraliseFormula(cell)).toBe(`'${cell}`);
  });

  const safe = ['Ana', '1+2', 'a=b', 'ana@example.com', '', "'=already", '– en dash', 'Müller'];
  it.each(safe)('leaves %j alone', (cell) => {
    expect(neutraliseFormula(cell)).toBe(cell);
  });
});

describe.skipIf(!hasShared)('neutraliseFormula on OWASP and PayloadsAllTheThings material', () => {
  it('neutralises every OWASP leading character', () => {
    const owasp = JSON.parse(readFileSync(path.join(badInputs, 'formula-injection/owasp-leading-chars-and-examples.json'), 'utf8'));
    for (const ch of owasp.dangerous_leading_characters as string[]) {
      expect(neutraliseFormula(`${ch}1+2`)).toBe(`'${ch}1+2`);
    }
  });

  it('neutralises every payload line that starts with = + - @', () => {
    const lines = readFileSync(path.join(badInputs, 'formula-injection/payloads-PayloadsAllTheThings.txt'), 'utf8')
      .split(/\r?\n/)
      .filter((l) => /^[=+\-@]/.test(l));
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(neutraliseFormula(line).startsWith("'")).toBe(true);
  });
});
