// Which of a recipient's fields say what kind of person they are (role, company, industry, city,
// notes...), for finding earlier approved messages to people like them (issue 12's examples). Names,
// addresses, links, phone numbers and ids say who someone is, not what they are like: they are left
// out by header and by the shape of the value, so the memory's search index never holds them. Pure.
import { buildColumns, snakeCase } from '../recipients/recipients.js';

/** Headers (snake_case) whose values identify a person rather than describe them. */
const IDENTIFYING_HEADER =
  /(^|_)names?$|^(first|last|surname|forename|salutation|anrede|vorname|nachname|nombre|apellidos?|prenom|nom)$|e_?mail|^mail$|url|website|^web|homepage|linkedin|twitter|github|^x$|phone|mobile|^tel|fax|whatsapp|^id$|_id$|^id_|uuid|^key$|street|address|zip|postal|postcode|plz|birthday|date_of_birth|^dob$/;
/** A company's or an organisation's name describes where someone works: kept although it is a "name". */
const DESCRIBING_HEADER = /compan|organi[sz]ation|account|employer|firm|business|industry|team|department/;

const identifyingByHeader = new Map<string, boolean>();

/** By the CSV's own canonical fields first (`Work Email`, `Surname`), then by the header's words. */
function isIdentifying(header: string): boolean {
  let known = identifyingByHeader.get(header);
  if (known !== undefined) return known;
  const canonical = Object.keys(buildColumns([header]).columns.canonical)[0];
  const key = snakeCase(header);
  if (canonical === 'company' || canonical === 'role' || canonical === 'notes') known = false;
  else if (canonical !== undefined && canonical !== 'language') known = true;
  else known = !DESCRIBING_HEADER.test(key) && IDENTIFYING_HEADER.test(key);
  if (identifyingByHeader.size > 1024) identifyingByHeader.clear();
  identifyingByHeader.set(header, known);
  return known;
}

const EMAIL = /[^\s@<>()"',;]+@[^\s@<>()"',;]+\.[^\s@<>()"',;]+/gu;
const URL_LIKE = /\b(?:https?:\/\/|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|de|fr|es|uk|eu|co|ai|dev|app)(?:\/\S*)?\b/giu;
/** A value that is only a phone number, a number, a date or an id-like code. */
const ID_LIKE = /^(?:\+?[\d\s().\-/]{5,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|[A-Za-z]{0,4}[-_#]?\d{3,}[A-Za-z0-9-]*)$/iu;
const PHONE_IN_TEXT = /\+?\d[\d\s().\-/]{6,}\d/gu;

/**
 * The field values worth matching people on, one per line in the fields' order: identifying
 * columns skipped by header, addresses, links and phone numbers cut out of the rest, values that
 * are only an id, a number or a date dropped.
 */
export function searchableText(fields: Readonly<Record<string, string>>): string {
  return describingValues(fields).join('\n');
}

function describingValues(fields: Readonly<Record<string, string>>): string[] {
  return Object.values(describingFields(fields));
}

/**
 * The describing fields by header, cleaned as searchableText cleans them: what a prompt shows of
 * an example's recipient (their role, company, notes; never their name, address or number).
 */
export function describingFields(fields: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [header, raw] of Object.entries(fields)) {
    if (isIdentifying(header)) continue;
    const value = raw.trim();
    if (value === '' || ID_LIKE.test(value)) continue;
    const text = value.replace(EMAIL, ' ').replace(URL_LIKE, ' ').replace(PHONE_IN_TEXT, ' ').replace(/\s+/gu, ' ').trim();
    if (/\p{L}/u.test(text)) out[header] = text;
  }
  return out;
}

/** Lower-case, accents off (é -> e, ü -> u), as the memory's search index folds them (unicode61 remove_diacritics 2). */
export function foldWord(word: string): string {
  // Plain ASCII has no accents to take off: most words, on every drafted row.
  if (ASCII.test(word)) return word.toLowerCase();
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

const ASCII = /^[\x00-\x7f]*$/;

// Words that match everyone: a small list in the languages draftsmith's users mostly write.
const STOPWORDS = new Set(
  (
    'a an and are as at be by for from has have in is it of on or our that the their they this to was we were with you your ' +
    'der die das den dem des ein eine einen einem einer und oder ist sind im in am an auf aus bei mit von vom zu zur zum fur uber als auch nicht wir sie ihr unser ' +
    'le la les un une des du de et ou est sont au aux en dans sur pour par avec chez ce cette ces nous vous leur ' +
    'el la los las un una unos unas y o es son en de del al con por para sin sobre su sus nuestro que'
  ).split(' '),
);

/**
 * The search words for a recipient: distinct folded words of searchableText with at least two
 * letters, not stopwords, at most `max`. Deterministic: fields with fewer words come first (a role
 * or a company says more per word than a paragraph of notes, and must not be crowded out by it),
 * ties in the fields' order, words in their order within a field.
 */
export function exampleTerms(fields: Readonly<Record<string, string>>, max = 12): string[] {
  const perField = describingValues(fields)
    .map((value, index) => ({ index, words: wordsOf(value) }))
    .sort((a, b) => a.words.length - b.words.length || a.index - b.index);
  const terms: string[] = [];
  const seen = new Set<string>();
  for (const { words } of perField) {
    for (const word of words) {
      if (terms.length >= max) return terms;
      if (seen.has(word)) continue;
      seen.add(word);
      terms.push(word);
    }
  }
  return terms;
}

function wordsOf(value: string): string[] {
  return foldWord(value)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => (w.match(/\p{L}/gu)?.length ?? 0) >= 2 && !STOPWORDS.has(w));
}
