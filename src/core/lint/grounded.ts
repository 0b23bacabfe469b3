// `ungrounded-detail` (warning): numbers, dates, amounts and capitalised names in a draft that
// appear nowhere in what the model was given: the recipient's non-private columns (by the same
// rule as the prompts, core/drafting/private-columns.ts), their remembered history, the profile
// (goal, sender, do/dont, sign-off, examples...) and any further texts (`grounding`, e.g. catalog
// picks). The typical invented "congrats on your Series B", "your 40% growth", "see you on March
// 3rd". Pure.
//
// Precision over recall, as for every lint check: the greeting line and the sign-off block are not
// read (names there are the greeting check's business), nor contacts (unknown-contact's), nor a
// sentence's first word unless shaped like a name; numbers compare by value (1,000 = 1000 = 1.000,
// $2M = 2 million, a source's "twenty" = 20), months and weekdays by meaning across languages
// (the goal's "Tuesday" grounds a German draft's "Dienstag"). German: see grounded-names.ts.
import type { ToneProfile } from '../profile.js';
import { storedRow } from '../recipients/recipients.js';
import { sentColumns } from '../drafting/private-columns.js';
import { findContacts } from './contacts.js';
import { findPlaceholders } from './placeholders.js';
import { detectLanguage } from './language.js';
import { emptyKnowledge, foldWord, isKnownDetail, learn, numbersAndDates, type Knowledge } from './grounded-details.js';
import { isKnownName, namesIn } from './grounded-names.js';
import type { LintMemory } from './repeats.js';
import type { LintFinding } from './finding.js';

export interface GroundingInput {
  subject: string;
  body: string;
  /** All CSV columns by header, private ones included (they are left out here). */
  recipient: Record<string, string>;
  memory?: LintMemory;
  /** Further texts the model was given (catalog picks...). */
  grounding?: readonly string[];
}

/** At most this many details are named in the finding. */
const SHOWN = 5;

// Profile keys that never reach a prompt: their values ground nothing.
const UNSENT_KEYS = new Set(['model', 'prompts', 'fields', 'identity', 'memory']);

function stringsIn(value: unknown, out: string[], depth = 0): string[] {
  if (depth > 8 || value === null || value === undefined) return out;
  if (typeof value === 'string' || typeof value === 'number') out.push(String(value));
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out, depth + 1);
  else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (depth > 0 || !UNSENT_KEYS.has(k)) stringsIn(v, out, depth + 1);
  }
  return out;
}

// A run lints thousands of drafts against one profile: read it once.
const profileKnowledge = new WeakMap<object, Knowledge>();
const privacyOf = new WeakMap<object, ToneProfile>();

function knownFromProfile(profile: object): Knowledge {
  let known = profileKnowledge.get(profile);
  if (!known) {
    known = emptyKnowledge();
    for (const s of stringsIn(profile, [])) learn(s, known);
    profileKnowledge.set(profile, known);
  }
  return known;
}

/** The profile's `fields` as the column plan reads them (a LintProfile may lack them). */
function privacy(profile: object): ToneProfile {
  let p = privacyOf.get(profile);
  if (!p) {
    const fields = (profile as { fields?: { private?: unknown; use?: unknown } }).fields;
    const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
    p = { fields: { private: list(fields?.private) ?? [], use: list(fields?.use) } } as unknown as ToneProfile;
    privacyOf.set(profile, p);
  }
  return p;
}

/** What the model was given about this recipient, over what the profile gave it. */
function knowledge(input: GroundingInput, profile: object): Knowledge {
  const fromProfile = knownFromProfile(profile);
  const known: Knowledge = {
    words: new Set(fromProfile.words),
    numbers: new Set(fromProfile.numbers),
    months: new Set(fromProfile.months),
    weekdays: new Set(fromProfile.weekdays),
    digits: [...fromProfile.digits],
  };
  const stored = storedRow(input.recipient);
  for (const i of sentColumns(privacy(profile), stored.columns)) learn(`${stored.headers[i]}: ${stored.cells[i]}`, known);
  for (const h of input.memory?.history ?? []) learn(`${h.subject}\n${h.text}`, known);
  for (const g of input.grounding ?? []) if (typeof g === 'string') learn(g, known);
  return known;
}

const GREETING = /^(hi|hello|hey|dear|greetings|good (morning|afternoon|evening)|hallo|moin|servus|liebe[rs]?|sehr geehrte[rs]?|guten (tag|morgen)|bonjour|bonsoir|salut|chere?s?|madame|monsieur|hola|buen[oa]s|estimad[oa]s?|querid[oa]s?|ola|oi|prezad[oa]s?|caro|cara|ciao|salve|gentile|buongiorno)\b/;
const CLOSINGS = [
  'best', 'best regards', 'kind regards', 'regards', 'warm regards', 'warmly', 'cheers', 'thanks', 'thank you', 'many thanks',
  'sincerely', 'yours', 'all the best', 'talk soon', 'viele grusse', 'beste grusse', 'liebe grusse', 'herzliche grusse',
  'freundliche grusse', 'mit freundlichen grussen', 'gruss', 'grusse', 'bien a vous', 'cordialement', 'bien cordialement',
  'a bientot', 'amities', 'merci', 'un saludo', 'saludos', 'un abrazo', 'abrazos', 'atentamente', 'hasta pronto',
  'a presto', 'cordiali saluti', 'saluti', 'un saluto', 'cumprimentos', 'abraco', 'atenciosamente', 'obrigado', 'obrigada',
];
const plain = (s: string) => foldWord(s).replace(/ß/g, 'ss').replace(/[^\p{L}\s]/gu, ' ').replace(/\s+/g, ' ').trim();

/** The body without its greeting line and its sign-off block (from the closing words on). */
function messageCore(body: string, profile: object): string {
  const lines = body.split('\n');
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first >= 0) {
    const line = lines[first]!.trim();
    if (line.split(/\s+/).length <= 8 && (GREETING.test(plain(line)) || /[,:!]$/.test(line))) lines[first] = '';
  }
  const signOff = (profile as { sign_off?: unknown }).sign_off;
  const own = typeof signOff === 'string' ? plain(signOff.split('\n')[0] ?? '') : '';
  const filled = lines.map((l, i) => [l, i] as const).filter(([l]) => l.trim() !== '');
  for (const [line, i] of filled.slice(-6)) {
    const p = plain(line);
    const closing = (p !== '' && p === own) || CLOSINGS.some((c) => p === c || p.startsWith(`${c} `));
    if (closing && p.split(' ').length <= 5) return lines.slice(0, i).join('\n');
  }
  return lines.join('\n');
}

// French and Italian elisions (d'Atelier, l'Oréal, dell'Università): the name starts after them.
const ELISION = /(?<![\p{L}])(?:qu|dell|all|nell|sull|dall|[dljmnstc])['’](?=\p{L})/giu;

/** The text a reader weighs: subject and message core, contacts and placeholders blanked. */
function readable(input: GroundingInput, profile: object): string {
  const subject = findPlaceholders(input.subject).reduce((t, p) => t.split(p).join(' '), input.subject);
  let text = `${subject.replace(/\n/g, ' ')}\n${messageCore(input.body, profile)}`;
  for (const c of findContacts(text)) text = text.split(c.text).join(' '.repeat(c.text.length));
  // "<3" is a heart, not a number.
  return text.replace(ELISION, (m) => ' '.repeat(m.length)).replace(/<3(?!\d)/g, '  ');
}

/**
 * The draft's details the sources do not hold, as written, each once, in order of appearance.
 * `language` is the recipient's (else the profile's); without one the draft's is detected.
 */
export function ungroundedDetails(input: GroundingInput, profile: object, language?: string): string[] {
  const text = readable(input, profile);
  const known = knowledge(input, profile);
  const { details, rest } = numbersAndDates(text);
  // The recipient's language, else the draft's (detection costs more than the rest of the check).
  const german = (language ?? detectLanguage(input.body)) === 'de';
  const found: { at: number; text: string }[] = [];
  for (const d of details) if (!isKnownDetail(d, known)) found.push({ at: text.indexOf(d.text), text: d.text });
  for (const n of namesIn(rest, german)) if (!isKnownName(n, known)) found.push({ at: n.at, text: n.text });
  found.sort((a, b) => a.at - b.at);
  const seen = new Set<string>();
  return found.map((f) => f.text).filter((t) => !seen.has(foldWord(t)) && seen.add(foldWord(t)));
}

export function groundingFindings(input: GroundingInput, profile: object, language?: string): LintFinding[] {
  const details = ungroundedDetails(input, profile, language);
  if (details.length === 0) return [];
  const shown = details.slice(0, SHOWN).map((d) => `"${d}"`).join(', ');
  const more = details.length > SHOWN ? ` and ${details.length - SHOWN} more` : '';
  return [{
    level: 'warning',
    code: 'ungrounded-detail',
    message: `not in the recipient's data, history or the profile: ${shown}${more} (invented? check before approving)`,
  }];
}
