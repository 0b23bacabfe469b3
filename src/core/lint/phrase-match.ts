// Phrase matching for the lint: texts compared folded (case, accents, curly quotes and whitespace
// runs ignored), a phrase never matching inside a longer word. Banned and required phrases both use
// it. Pure.

/** Case-, accent-free comparison form with whitespace runs collapsed and curly quotes straightened. */
export function foldText(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[’‘]/g, "'")
    .replace(/[“”„]/g, '"')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A folded phrase as a regex that does not match inside a longer word ("ai" is not in "said"). */
function phraseRegExp(folded: string): RegExp {
  const src = escapeRegExp(folded).replace(/ /g, '\\s+');
  return new RegExp(`(?<![\\p{L}\\p{N}])${src}(?![\\p{L}\\p{N}])`, 'u');
}

/** The phrases (as given) that occur in `text`. */
export function phrasesIn(text: string, phrases: readonly string[]): string[] {
  const haystack = foldText(text);
  return phrases.filter((p) => {
    const folded = foldText(String(p));
    return folded !== '' && phraseRegExp(folded).test(haystack);
  });
}

/** Folded with punctuation and symbols as spaces: "Best,\nSam." and "best sam" compare equal. */
export function plainText(s: string): string {
  return foldText(s.replace(/[\p{P}\p{S}]+/gu, ' '));
}
