// Language names and detection. Pure. franc-min gives ISO 639-3 codes for 82 languages; the
// rest of draftsmith speaks ISO 639-1 (what a CRM's `Language` column or a locale holds), so
// both directions go through the tables below.
import { francAll } from 'franc-min';

// franc-min's codes -> ISO 639-1. Languages franc-min knows but that have no 639-1 code
// (Bhojpuri, Saraiki...) are left out: detection then answers "unsure".
const FRANC_TO_ISO1: Record<string, string> = {
  spa: 'es', eng: 'en', rus: 'ru', arb: 'ar', ben: 'bn', hin: 'hi', por: 'pt', ind: 'id',
  jpn: 'ja', fra: 'fr', deu: 'de', jav: 'jv', kor: 'ko', tel: 'te', vie: 'vi', mar: 'mr',
  ita: 'it', tam: 'ta', tur: 'tr', urd: 'ur', guj: 'gu', pol: 'pl', ukr: 'uk', kan: 'kn',
  mal: 'ml', pes: 'fa', mya: 'my', swh: 'sw', sun: 'su', ron: 'ro', pan: 'pa', amh: 'am',
  hau: 'ha', bos: 'bs', hrv: 'hr', nld: 'nl', srp: 'sr', tha: 'th', ckb: 'ku', yor: 'yo',
  uzn: 'uz', zlm: 'ms', ibo: 'ig', npi: 'ne', tgl: 'tl', hun: 'hu', azj: 'az', sin: 'si',
  ell: 'el', ces: 'cs', run: 'rn', bel: 'be', plt: 'mg', nya: 'ny', kin: 'rw', zul: 'zu',
  bul: 'bg', swe: 'sv', lin: 'ln', som: 'so', kaz: 'kk', cmn: 'zh',
};

/** ISO 639-1 codes franc-min can tell apart; checking any other language would be guessing. */
export const DETECTABLE = new Set(Object.values(FRANC_TO_ISO1));

// Languages franc-min confuses with each other on ordinary text: treated as one.
const SAME_GROUP: Record<string, string> = { bs: 'sh', hr: 'sh', sr: 'sh', id: 'ms', ms: 'ms' };
export function sameLanguage(a: string, b: string): boolean {
  return a === b || (SAME_GROUP[a] !== undefined && SAME_GROUP[a] === SAME_GROUP[b]);
}

// Names (English and native, accents removed, lower case) and 639-2/3 codes a CSV might hold.
const NAMES: Record<string, string> = {
  english: 'en', englisch: 'en', anglais: 'en', ingles: 'en', inglese: 'en', eng: 'en',
  german: 'de', deutsch: 'de', allemand: 'de', aleman: 'de', alemao: 'de', tedesco: 'de', deu: 'de', ger: 'de',
  french: 'fr', francais: 'fr', franzosisch: 'fr', frances: 'fr', francese: 'fr', fra: 'fr', fre: 'fr',
  spanish: 'es', espanol: 'es', castellano: 'es', spanisch: 'es', espagnol: 'es', spagnolo: 'es', spa: 'es',
  portuguese: 'pt', portugues: 'pt', portugiesisch: 'pt', portugais: 'pt', portoghese: 'pt', por: 'pt',
  italian: 'it', italiano: 'it', italienisch: 'it', italien: 'it', ita: 'it',
  dutch: 'nl', nederlands: 'nl', flemish: 'nl', vlaams: 'nl', nld: 'nl', dut: 'nl',
  swedish: 'sv', svenska: 'sv', swe: 'sv', danish: 'da', dansk: 'da', dan: 'da',
  norwegian: 'no', norsk: 'no', bokmal: 'nb', nor: 'no', finnish: 'fi', suomi: 'fi', fin: 'fi',
  polish: 'pl', polski: 'pl', pol: 'pl', czech: 'cs', cestina: 'cs', ces: 'cs', cze: 'cs',
  romanian: 'ro', romana: 'ro', ron: 'ro', rum: 'ro', hungarian: 'hu', magyar: 'hu', hun: 'hu',
  greek: 'el', ell: 'el', gre: 'el', turkish: 'tr', turkce: 'tr', tur: 'tr',
  russian: 'ru', rus: 'ru', 'русский': 'ru', ukrainian: 'uk', ukr: 'uk', 'українська': 'uk',
  catalan: 'ca', catala: 'ca', cat: 'ca', galician: 'gl', galego: 'gl', glg: 'gl',
  chinese: 'zh', mandarin: 'zh', zho: 'zh', chi: 'zh', cmn: 'zh', '中文': 'zh',
  japanese: 'ja', jpn: 'ja', '日本語': 'ja', korean: 'ko', kor: 'ko', '한국어': 'ko',
  arabic: 'ar', ara: 'ar', arb: 'ar', hindi: 'hi', hin: 'hi', indonesian: 'id', ind: 'id',
  vietnamese: 'vi', vie: 'vi', thai: 'th', tha: 'th', hebrew: 'he', heb: 'he',
};

function fold(s: string): string {
  return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim();
}

/** 'English' / 'en-US' / 'de_DE' / 'Deutsch' / 'fr' / 'por' -> 'en' / 'de' / 'fr' / 'pt'; undefined if unknown. */
export function normaliseLanguage(value: string): string | undefined {
  const v = fold(value);
  if (v === '') return undefined;
  const named = NAMES[v];
  if (named) return named;
  // A locale tag: the primary subtag decides (pt-BR, de_CH, zh-Hant-TW).
  const tag = /^([a-z]{2,3})(?:[-_][a-z0-9]{2,8})*$/.exec(v);
  if (tag) {
    const primary = tag[1]!;
    if (primary.length === 2) return primary;
    return NAMES[primary];
  }
  // "English (UK)", "Portuguese - Brazil": the first word.
  const first = /^[\p{L}]+/u.exec(v)?.[0];
  return first && first !== v ? NAMES[first] : undefined;
}

/** Text with what carries no language removed: URLs, addresses, digits, punctuation runs. */
function languageText(text: string): string {
  return text
    .replace(/\b(?:https?:\/\/|www\.)\S+/gi, ' ')
    .replace(/\S+@\S+/g, ' ')
    .replace(/[\p{N}\p{P}\p{S}_]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Below this many letters franc's guesses are noise. */
export const MIN_LETTERS = 40;

/**
 * ISO 639-1 -> how far each language is from the best guess: 0 for the best, about 1 for a
 * typical other language of the same script; languages of other scripts are absent. Undefined
 * when the text is too short or undetermined.
 *
 * franc's own scores divide distances by the text length, so on a long draft every language
 * scores near 1; dividing each gap by the median gap makes the measure independent of length.
 */
export function languageGaps(text: string): Map<string, number> | undefined {
  const clean = languageText(text);
  if (clean.replace(/\s/g, '').length < MIN_LETTERS) return undefined;
  const ranked = francAll(clean, { minLength: MIN_LETTERS });
  const top = ranked[0];
  // und, or a best guess with no ISO 639-1 code (Bhojpuri, Iloko...): nothing to say.
  if (!top || !FRANC_TO_ISO1[top[0]]) return undefined;
  const gaps = ranked.map(([, score]) => 1 - score);
  const median = gaps[Math.floor(gaps.length / 2)] ?? 0;
  const out = new Map<string, number>();
  ranked.forEach(([code], i) => {
    const iso = FRANC_TO_ISO1[code];
    if (iso && !out.has(iso)) out.set(iso, median > 0 ? gaps[i]! / median : i === 0 ? 0 : Infinity);
  });
  return out;
}

/** How far (in median gaps) the next different language must be for the best guess to be trusted. */
const SURE_GAP = 0.1;

/** The language of `text` as ISO 639-1, or undefined when the text is too short or the guess is close. */
export function detectLanguage(text: string): string | undefined {
  const gaps = languageGaps(text);
  if (!gaps) return undefined;
  const [best, ...rest] = [...gaps.entries()];
  if (!best) return undefined;
  const runnerUp = rest.find(([code]) => !sameLanguage(code, best[0]));
  if (runnerUp && runnerUp[1] < SURE_GAP) return undefined;
  return best[0];
}
