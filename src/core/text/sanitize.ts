// Safe text: what may reach a terminal or a spreadsheet. CSV values and model output are
// untrusted, so every string shown on screen goes through stripControls and every exported CSV
// cell through neutraliseFormula. Pure.
//
// stripControls is a small scanner rather than one regex so that unterminated or nested
// sequences (a bare `ESC [`, tmux passthrough with doubled ESCs) are handled the way a terminal
// would parse them, and nothing with an ESC, BEL or C1 byte survives.

const ESC = 0x1b;
const BEL = 0x07;
const ST_C1 = 0x9c;

/**
 * Anything that needs the scanner: C0 except TAB and LF, DEL, C1, and the bidirectional embeddings,
 * overrides and isolates (U+202A-U+202E, U+2066-U+2069): a right-to-left override in a name or a
 * draft makes the screen show text in an order other than the one stored ("Trojan Source").
 */
const NEEDS_SCAN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Removes terminal control sequences, control characters and bidi overrides; keeps `\n` and `\t`. `\r\n` becomes `\n`. */
export function stripControls(text: string): string {
  if (!NEEDS_SCAN.test(text)) return text;
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === ESC) {
      i = skipEscape(text, i + 1);
    } else if (c === 0x9b) {
      i = skipCsi(text, i + 1);
    } else if (c === 0x9d) {
      i = skipString(text, i + 1, true);
    } else if (c === 0x90 || c === 0x98 || c === 0x9e || c === 0x9f) {
      // C1 DCS, SOS, PM, APC: a string up to ST.
      i = skipString(text, i + 1, false);
    } else if (c === 0x0d) {
      // CRLF -> LF; a lone CR (which would let text overwrite itself) is dropped.
      if (text.charCodeAt(i + 1) === 0x0a) out += '\n';
      i += text.charCodeAt(i + 1) === 0x0a ? 2 : 1;
    } else if (isDroppedControl(c)) {
      i++;
    } else {
      // Copy a run of ordinary characters at once.
      let j = i + 1;
      while (j < n && !isSpecial(text.charCodeAt(j))) j++;
      out += text.slice(i, j);
      i = j;
    }
  }
  return out;
}

/** stripControls for one-line fields (names, errors): newlines and tabs become single spaces. */
export function stripControlsInline(text: string): string {
  return stripControls(text).replace(/[\n\t]+/g, ' ');
}

function isDroppedControl(c: number): boolean {
  return (c < 0x20 && c !== 0x09 && c !== 0x0a) || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

function isSpecial(c: number): boolean {
  return isDroppedControl(c) || c === 0x0d;
}

/** After ESC: returns the index just past the whole sequence. */
function skipEscape(text: string, i: number): number {
  if (i >= text.length) return i;
  const c = text.charCodeAt(i);
  if (c === 0x5b) return skipCsi(text, i + 1); // [
  if (c === 0x5d) return skipString(text, i + 1, true); // ] OSC
  // P DCS, X SOS, ^ PM, _ APC: strings up to ST (tmux/screen passthrough are DCS).
  if (c === 0x50 || c === 0x58 || c === 0x5e || c === 0x5f) return skipString(text, i + 1, false);
  // nF sequences: intermediates 0x20-0x2F then a final 0x30-0x7E (ESC ( B, ESC # 8).
  let j = i;
  while (j < text.length && text.charCodeAt(j) >= 0x20 && text.charCodeAt(j) <= 0x2f) j++;
  const f = text.charCodeAt(j);
  if (j < text.length && f >= 0x30 && f <= 0x7e) return j + 1; // ESC c, ESC 7, ESC #8 ...
  // Not a sequence (ESC before a control or non-ASCII): drop ESC and what looked like intermediates.
  return j;
}

/** CSI body: parameters 0x30-0x3F, intermediates 0x20-0x2F, one final byte 0x40-0x7E. */
function skipCsi(text: string, i: number): number {
  let j = i;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c >= 0x20 && c <= 0x3f) j++;
    else if (c >= 0x40 && c <= 0x7e) return j + 1;
    else return j; // interrupted: drop what was read, scan the rest normally
  }
  return j;
}

/**
 * OSC / DCS / SOS / PM / APC body, up to ST (`ESC \` or C1 0x9C); OSC also ends at BEL.
 * Unterminated: only the introducer is dropped, so the rest stays visible (as plain text,
 * still scanned) instead of silently vanishing from what the reviewer sees.
 */
function skipString(text: string, i: number, belEnds: boolean): number {
  for (let j = i; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === ST_C1 || (belEnds && c === BEL)) return j + 1;
    if (c === ESC) {
      if (text.charCodeAt(j + 1) === 0x5c) return j + 2;
      // tmux passthrough doubles the ESCs inside its DCS: skip the pair.
      if (text.charCodeAt(j + 1) === ESC) j++;
    }
  }
  return i;
}

/**
 * Characters that make a spreadsheet read a cell as a formula. OWASP's list (= + - @ TAB CR,
 * and LF from the same source) plus the full-width forms ＝ ＋ － ＠, which East Asian input
 * methods produce and which some spreadsheet locales fold to ASCII. We also look past leading
 * spaces, because Excel and LibreOffice can trim them on import, turning ` =1+2` into a formula.
 */
const FORMULA_START = /^[ \u00a0\u3000]*[=+\-@\t\r\n\uff1d\uff0b\uff0d\uff20]/;

/** OWASP CSV-injection defence: prefix a dangerous cell with `'` so it is read as text. */
export function neutraliseFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}
