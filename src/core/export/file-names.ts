// File names built from recipient data. Names come from untrusted CSV cells, so the stem is
// rebuilt from scratch out of [a-z0-9-] only: no separator, dot, drive letter, control or
// percent-encoding survives to be interpreted by any filesystem. Pure.

/** Letters NFKD does not decompose into an ASCII base letter. */
const FOLDS: Record<string, string> = {
  ß: 'ss', ẞ: 'ss', æ: 'ae', Æ: 'ae', œ: 'oe', Œ: 'oe', ø: 'o', Ø: 'o', ł: 'l', Ł: 'l',
  đ: 'd', Đ: 'd', ð: 'd', Ð: 'd', þ: 'th', Þ: 'th', ı: 'i', ħ: 'h', Ħ: 'h',
};

/** Windows device names, reserved with any extension (COM¹ etc. count too). */
const RESERVED = /^(con|prn|aux|nul|clock\$|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$/i;

const MAX_STEM = 60;

/**
 * `0003-ana-pereira` for row 3 / "Ana Pereira": the zero-padded row first (unique, sorts in row
 * order, and never a reserved name or a dot file), then the name folded to ASCII. Never empty.
 */
export function safeFileStem(name: string, row: number): string {
  const n = Number.isSafeInteger(row) && row > 0 ? row : 0;
  const prefix = String(n).padStart(4, '0');
  const slug = slugify(name).slice(0, MAX_STEM - prefix.length - 1).replace(/-+$/, '');
  const stem = slug ? `${prefix}-${slug}` : prefix;
  // Unreachable with the digit prefix, but cheap insurance if the shape above ever changes.
  return RESERVED.test(stem) || stem.startsWith('.') ? `_${stem}` : stem;
}

/** "José Müller-Łukasz" -> "jose-muller-lukasz"; scripts without an ASCII form vanish. */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\u0000-\u007f]/g, (ch) => FOLDS[ch] ?? '-')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
