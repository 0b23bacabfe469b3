// The details of a text the `ungrounded-detail` lint weighs: numbers (amounts, percentages, counts,
// times, numeric dates), calendar words (months, weekdays, "March 3rd", "3. März", "3 de marzo")
// and what they stand for, so a draft's details can be looked up in what the model was given.
// Pure. Capitalised names are read in grounded-names.ts; the check itself is grounded.ts.
import { fold } from './greeting.js';

/** A number or date as read: `text` as written, what it means in comparable forms. */
export interface Detail {
  text: string;
  /** Canonical values ("1000", "2.5", "14:30"): any one of them known makes the detail grounded. */
  values?: string[];
  /** 1-12 / 1-7 when the detail names a month / a weekday. */
  month?: number;
  weekday?: number;
  /** Numbers that must all be known (a date's day and year, a numeric date's parts). */
  parts?: string[];
  /** 05.06.2025: one of the parts is a month, which a source may name in words. */
  numericDate?: boolean;
}

/** What the sources hold, folded: the words (and adjacent pairs joined), numbers, months, weekdays. */
export interface Knowledge {
  words: Set<string>;
  numbers: Set<string>;
  months: Set<number>;
  weekdays: Set<number>;
  /** The digits of long digit sequences (phone numbers, IDs): a draft may quote part of one. */
  digits: string[];
}

export function emptyKnowledge(): Knowledge {
  return { words: new Set(), numbers: new Set(), months: new Set(), weekdays: new Set(), digits: [] };
}

/** Lower case, accents off, curly apostrophes straight: the greeting check's fold. */
export const foldWord = fold;

function table(rows: string[]): Map<string, number> {
  const out = new Map<string, number>();
  rows.forEach((row, i) => {
    for (const word of row.split(' ')) {
      out.set(word, i + 1);
      // Unaccented spellings too (marz, miercoles), except where that makes another word: Portuguese
      // "março" folded is the name Marco.
      const folded = foldWord(word);
      if (folded !== 'marco' && !out.has(folded)) out.set(folded, i + 1);
    }
  });
  return out;
}

// Lower case with accents, English, German, French, Spanish, Italian, Portuguese.
const MONTHS = table([
  'january jan januar janvier enero gennaio janeiro jänner',
  'february feb februar février febrero febbraio fevereiro',
  'march mar märz maerz mars marzo março',
  'april apr avril abril aprile',
  'may mai mayo maggio maio',
  'june jun juni juin junio giugno junho',
  'july jul juli juillet julio luglio julho',
  'august aug août agosto',
  'september sep sept septembre septiembre setiembre settembre setembro',
  'october oct oktober octobre octubre ottobre outubro',
  'november nov novembre noviembre novembro',
  'december dec dezember décembre diciembre dicembre dezembro',
]);
const WEEKDAYS = table([
  'monday montag lundi lunes lunedì segunda-feira',
  'tuesday dienstag mardi martes martedì terça-feira',
  'wednesday mittwoch mercredi miércoles mercoledì quarta-feira',
  'thursday donnerstag jeudi jueves giovedì quinta-feira',
  'friday freitag vendredi viernes venerdì sexta-feira',
  'saturday samstag sonnabend samedi sábado sabato',
  'sunday sonntag dimanche domingo domenica',
]);
// Month words that are also ordinary words ("you may", "to march", "Mar" for Mario): a month only
// with a day number next to it, or capitalised after a word that introduces a date ("in May").
const AMBIGUOUS_MONTHS = new Set(['may', 'march', 'mar', 'jan', 'sep', 'dec', 'mai']);
const DATE_LEAD = /(?:^|[^\p{L}])(?:in|on|of|early|late|mid|since|until|till|by|next|last|this|from|before|after|end|im|ab|bis|seit|anfang|ende|mitte|en|de|desde|hasta|a|da|di|em)\s+$/iu;

// Number words a source may spell out ("a twenty-minute call"); a draft's own words are not details.
const NUMBER_WORDS = new Map<string, string>();
[
  // Not the articles (un, une, uno), nor words that are also other words (due, sei, otto, sept, dez, cent).
  'two zwei deux dos dois',
  'three drei trois tres três',
  'four vier quatre cuatro quattro quatro',
  'five fünf cinq cinco cinque',
  'six sechs seis',
  'seven sieben siete sette',
  'eight acht huit ocho oito',
  'nine neun neuf nueve nove',
  'ten zehn dix diez dieci',
  'twelve zwölf douze doce dodici',
  'fifteen fünfzehn quinze quince quindici',
  'twenty zwanzig vingt veinte venti vinte',
  'thirty dreißig trente treinta trenta trinta',
  'forty vierzig quarante cuarenta quaranta quarenta',
  'fifty fünfzig cinquante cincuenta cinquanta',
  'hundred hundert cien cento',
].forEach((row, i) => {
  const value = [2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20, 30, 40, 50, 100][i]!;
  for (const w of row.split(' ')) NUMBER_WORDS.set(foldWord(w), String(value));
});

const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';
const MONTH_ALT = [...MONTHS.keys()].sort((a, b) => b.length - a.length).join('|');
const DAY_MONTH = new RegExp(`${B}(\\d{1,2})(?:st|nd|rd|th|er|º|\\.)?\\s+(?:(?:de|of)\\s+)?(${MONTH_ALT})\\.?(?![\\p{L}])(?:,?\\s+(?:de\\s+)?(\\d{4})${E})?`, 'giu');
const MONTH_DAY = new RegExp(`${B}(${MONTH_ALT})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?${E}(?:,?\\s+(\\d{4})${E})?`, 'giu');
const NUMERIC_DATE = new RegExp(`${B}(\\d{1,4})([./-])(\\d{1,2})\\2(\\d{2,4})${E}`, 'g');
const TIME = new RegExp(`${B}(\\d{1,2})(?::|h)(\\d{2})(?:\\s?(?:am|pm|uhr|h))?${E}`, 'giu');
const MULTIPLIERS: [RegExp, number][] = [
  [/^(k|tsd\.?|mil)$/i, 1e3],
  [/^(m|mn|mio\.?|million(s|en)?|millones|milioni|milh(õ|o)es)$/i, 1e6],
  [/^(bn|b|mrd\.?|billion(s)?|milliard(s|en)?|miliardi)$/i, 1e9],
];
const NUMBER = new RegExp(
  `${B}(?:[$€£¥]\\s?)?(\\d{1,3}(?:[,.' \\u00a0\\u202f]\\d{3}(?!\\d))+(?:[.,]\\d+)?|\\d+(?:[.,]\\d+)?)` +
    `(?:\\s?(?:%|percent|per cent|prozent|pour cent|por ciento|per cento|por cento)${E})?` +
    `(?:\\s?(k|tsd\\.|mn|bn|mio\\.|mrd\\.|million(?:s|en)?|millones|milioni|milhões|billion(?:s)?|milliard(?:s|en)?|miliardi|m|b)(?![\\p{L}\\p{N}]))?` +
    `(?:st|nd|rd|th|er|e|ème|º|ª|am|pm|h)?(?![\\p{L}\\p{N}])(?:\\s?(?:€|\\$|eur|euros?|usd|dollars?)${E})?`,
  'giu',
);

/** Canonical readings of "1,000" (1000 or 1), "1,5" (1.5), "2.5" with a multiplier (2500000). */
function readings(raw: string, multiplier = ''): string[] {
  const factor = MULTIPLIERS.find(([re]) => re.test(multiplier))?.[1] ?? 1;
  const out = new Set<number>();
  if (/^\d{1,3}(?:[,.' \u00a0\u202f]\d{3})+$/.test(raw)) out.add(Number(raw.replace(/\D/g, '')));
  if (/^\d+[.,]\d+$/.test(raw)) out.add(Number(raw.replace(',', '.')));
  if (/^\d+$/.test(raw)) out.add(Number(raw));
  return [...out].map((n) => String(Math.round(n * factor * 1000) / 1000));
}

function blank(text: string, at: number, length: number): string {
  return text.slice(0, at) + ' '.repeat(length) + text.slice(at + length);
}

function monthOf(word: string | undefined): number | undefined {
  return word === undefined ? undefined : MONTHS.get(word.toLowerCase()) ?? MONTHS.get(foldWord(word));
}

const int = (s: string | undefined): string[] => (s === undefined ? [] : [String(Number(s))]);

/** Dates written with a month name: "March 3rd", "3 March 2025", "3. März", "le 3 mars", "3 de marzo". */
function namedDates(text: string, out: Detail[]): string {
  let rest = text;
  for (const re of [DAY_MONTH, MONTH_DAY]) {
    for (const m of rest.matchAll(re)) {
      const dayFirst = re === DAY_MONTH;
      const [day, month] = dayFirst ? [m[1], m[2]] : [m[2], m[1]];
      // "3 mar" / "2 may" lower case is more likely a verb than a date.
      if (AMBIGUOUS_MONTHS.has(month!.toLowerCase()) && !/^\p{Lu}/u.test(month!)) continue;
      out.push({ text: m[0].trim(), month: monthOf(month), parts: [...int(day), ...int(m[3])] });
      rest = blank(rest, m.index, m[0].length);
    }
  }
  return rest;
}

/** Month and weekday words standing alone ("in May", "am Dienstag", "le jeudi"). */
function calendarWords(text: string, out: Detail[]): string {
  let rest = text;
  for (const m of text.matchAll(/[\p{L}\p{M}]+(?:-feira)?/gu)) {
    const word = m[0];
    const lower = word.toLowerCase();
    const weekday = WEEKDAYS.get(lower) ?? WEEKDAYS.get(foldWord(word));
    let month = weekday === undefined ? monthOf(word) : undefined;
    // Abbreviations and the ambiguous words count only capitalised after a date word ("in May").
    if (month !== undefined && (AMBIGUOUS_MONTHS.has(lower) || lower.length <= 3)) {
      if (!/^\p{Lu}/u.test(word) || !DATE_LEAD.test(text.slice(0, m.index))) month = undefined;
    }
    if (weekday === undefined && month === undefined) continue;
    out.push({ text: word, ...(weekday !== undefined ? { weekday } : { month }) });
    rest = blank(rest, m.index, word.length);
  }
  return rest;
}

/**
 * The numbers and dates of `text`, and the text with them blanked out (same length, so positions
 * and sentence boundaries stay where they were).
 */
export function numbersAndDates(text: string): { details: Detail[]; rest: string } {
  const details: Detail[] = [];
  let rest = namedDates(text, details);
  for (const m of rest.matchAll(NUMERIC_DATE)) {
    details.push({ text: m[0], parts: [m[1]!, m[3]!, m[4]!].map((p) => String(Number(p))), numericDate: true });
    rest = blank(rest, m.index, m[0].length);
  }
  for (const m of rest.matchAll(TIME)) {
    details.push({ text: m[0], values: [`${Number(m[1])}:${m[2]}`] });
    rest = blank(rest, m.index, m[0].length);
  }
  for (const m of rest.matchAll(NUMBER)) {
    details.push({ text: m[0].trim(), values: readings(m[1]!, m[2]) });
    rest = blank(rest, m.index, m[0].length);
  }
  rest = calendarWords(rest, details);
  return { details, rest };
}

/** Adds what `text` holds to `known`: its words, joined pairs, numbers (spelt out too) and dates. */
export function learn(text: string, known: Knowledge): void {
  const { details } = numbersAndDates(text);
  for (const d of details) {
    for (const v of [...(d.values ?? []), ...(d.parts ?? [])]) {
      known.numbers.add(v);
      // A source's 16:00 grounds a draft's "16 Uhr", "16 h" and "4 PM".
      const hour = /^(\d+):\d\d$/.exec(v)?.[1];
      if (hour !== undefined) for (const h of [Number(hour), Number(hour) % 12 || 12]) known.numbers.add(String(h));
    }
    if (d.month !== undefined) known.months.add(d.month);
    if (d.weekday !== undefined) known.weekdays.add(d.weekday);
  }
  for (const m of text.matchAll(/\d[\d\s()./-]{4,}\d/g)) {
    const digits = m[0].replace(/\D/g, '');
    if (digits.length >= 6) known.digits.push(digits);
  }
  const words = foldWord(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  words.forEach((w, i) => {
    known.words.add(w);
    if (i > 0) known.words.add(words[i - 1] + w); // "UX London" knows "UXLondon"
    const n = NUMBER_WORDS.get(w);
    if (n) known.numbers.add(n);
    const month = MONTHS.get(w);
    if (month !== undefined && !AMBIGUOUS_MONTHS.has(w)) known.months.add(month);
    const weekday = WEEKDAYS.get(w);
    if (weekday !== undefined) known.weekdays.add(weekday);
  });
  // "20-minute", "twenty-minute": hyphenated number words.
  for (const m of foldWord(text).matchAll(/\b([a-z]+)-/g)) {
    const n = NUMBER_WORDS.get(m[1]!);
    if (n) known.numbers.add(n);
  }
}

/** Whether the sources name this number or date. */
export function isKnownDetail(d: Detail, known: Knowledge): boolean {
  // "912 345 678" from a row's "+351 912 345 678".
  const inDigits = (v: string) => /^\d{6,}$/.test(v) && known.digits.some((k) => k.includes(v));
  if (d.values && !d.values.some((v) => known.numbers.has(v) || inDigits(v))) return false;
  if (d.month !== undefined && !known.months.has(d.month)) return false;
  if (d.weekday !== undefined && !known.weekdays.has(d.weekday)) return false;
  if (d.parts) {
    // A numeric date's month may be named in words by the source ("5 June 2025" for 05.06.2025).
    const monthNumber = (p: string) => d.numericDate === true && known.months.has(Number(p));
    return d.parts.every((p) => known.numbers.has(p) || (Number(p) < 100 && known.numbers.has(String(Number(p) + 2000))) || monthNumber(p));
  }
  return true;
}
