// Capitalised names and organisations in a draft, for the `ungrounded-detail` lint. Pure.
// A name is a run of capitalised words ("Series B", "Acme Corp", "Oliveira & Filhos"); a word
// that only starts a sentence or a line is not taken for a name unless it is shaped like one
// (HubSpot, IBM, Q3), nor are common capitalised words (I, titles, pronouns, acronyms of the
// trade, the tools people meet on), nor the words of a Title Case line (a subject line).
//
// German capitalises every noun, so there a capitalised word, or two in a row ("in den nächsten
// Wochen Zeit"), says nothing. Chosen rule: in a German draft a name is (a) a word shaped like one
// (HubSpot, SAP), (b) a word after a title (Herr Schneider), or (c) a run joined by "&" or ending
// in a legal form (Müller & Söhne, Kiebitz GmbH), which is grounded if any of its words is known.
// An invented plain-word name in German ("bei Siemens", "die Deutsche Bank") is therefore missed:
// a miss costs less than a warning on every noun.
import { foldWord, type Knowledge } from './grounded-details.js';

export interface NameDetail {
  text: string;
  /** Where it stands in the text read. */
  at: number;
  /** Words that must be in the sources (folded); for German runs, any one of them suffices. */
  words: string[];
  anyOf: boolean;
}

const COMMON = new Set([
  // Pronouns and the formal address, capitalised mid-sentence.
  'i', "i'm", "i'd", "i've", "i'll", 'sie', 'ihr', 'ihre', 'ihren', 'ihrem', 'ihrer', 'ihres', 'ihnen',
  'du', 'dich', 'dir', 'dein', 'deine', 'deinen', 'deinem', 'deiner', 'euch', 'euer', 'eure', 'usted', 'ud', 'vd', 'uds',
  // Acronyms of the trade and of the channel.
  'ai', 'ki', 'ia', 'ux', 'ui', 'ceo', 'cto', 'cfo', 'coo', 'cmo', 'cio', 'vp', 'hr', 'rh', 'b2b', 'b2c', 'saas',
  'crm', 'erp', 'api', 'seo', 'roi', 'kpi', 'okr', 'okrs', 'kpis', 'faq', 'pdf', 'q&a', 'ok', 'asap', 'fyi', 'btw', 'pr',
  'ps', 'p.s', 'pps', 'gdpr', 'dsgvo', 'rgpd', 'it', 'mvp', 'r&d', 'pme', 'pyme', 'kmu', 'sme', 'smes', 'pmi',
  // Languages (what a draft is written in, not a fact about anyone).
  'english', 'german', 'french', 'spanish', 'italian', 'portuguese', 'dutch', 'deutsch', 'englisch', 'anglais',
  // Where people meet and write.
  'linkedin', 'zoom', 'teams', 'slack', 'meet', 'whatsapp', 'skype', 'email', 'e-mail', 'mail', 'internet', 'web',
  'team', 'hello', 'hi', 'thanks', 'dear',
  // Function words capitalised by a sentence start or Title Case ("And IBM", "The Acme team").
  'and', 'or', 'the', 'a', 'an', 'for', 'to', 'in', 'on', 'at', 'with', 'from', 'by', 'about', 'our', 'your',
  'my', 'we', 'you', 'this', 'that', 'is', 'are', 'how', 'what', 'why', 'when', 'und', 'oder', 'der', 'die',
  'das', 'le', 'la', 'les', 'et', 'el', 'los', 'las',
  // Time zones and halves of the day.
  'am', 'pm', 'a.m', 'p.m', 'cet', 'cest', 'gmt', 'utc', 'bst', 'est', 'edt', 'pst', 'pdt', 'mez', 'mesz',
]);
const TITLES = new Set([
  'mr', 'mrs', 'ms', 'mx', 'dr', 'prof', 'herr', 'herrn', 'frau', 'hr', 'fr', 'monsieur', 'madame', 'mme', 'mlle', 'm',
  'sr', 'sra', 'srta', 'senor', 'senora', 'don', 'dona', 'dott', 'sig', 'signor', 'signora', 'senhor', 'senhora',
]);
// Legal forms: part of a name, but "Kiebitz AG" for "Kiebitz GmbH" is the same company.
const LEGAL = new Set([
  'gmbh', 'ag', 'se', 'kg', 'ug', 'ev', 'e.v', 'inc', 'ltd', 'llc', 'corp', 'co', 'plc', 'sa', 's.a', 'sl', 's.l',
  'sas', 'sarl', 'srl', 'spa', 's.p.a', 'bv', 'nv', 'lda', 'ltda', 'oy', 'ab', 'as',
]);
// Lower-case words inside a name: "Bank of America", "Banco de España", "Ludwig van Beethoven". Not
// German von/der: "Herrn Müller von der Nordwind GmbH" is two names.
const CONNECTORS = new Set(['&', 'of', 'de', 'del', 'della', 'van']);
// A dot after these does not end the sentence.
const ABBREVIATIONS = new Set([...TITLES, 'e.g', 'i.e', 'etc', 'vs', 'z.b', 'bzw', 'ca', 'st', 'jr', 'no', 'nr']);

const TOKEN = /[\p{L}\p{M}\p{N}]+(?:['’.&-][\p{L}\p{M}\p{N}]+)*\.?|[^\s\p{L}\p{M}\p{N}]/gu;

const bare = (t: string) => foldWord(t.replace(/\.$/, ''));
const capitalised = (t: string) => /^\p{Lu}/u.test(t);

/** HubSpot, UXLondon, IBM, Q3, B2B: shaped like a name wherever it stands. */
export function nameShaped(token: string): boolean {
  const t = token.replace(/\.$/, '');
  return /\p{Ll}\p{Lu}/u.test(t) || /^\p{Lu}[\p{Lu}&]+$/u.test(t) || (/\p{Lu}/u.test(t) && /\p{N}/u.test(t));
}

/** A word is known when it, its capitalised parts, or its form without a possessive are in the sources. */
export function knownWord(token: string, known: Knowledge): boolean {
  const t = token.replace(/\.$/, '');
  const whole = foldWord(t).replace(/[^\p{L}\p{N}]/gu, '');
  if (known.words.has(whole)) return true;
  const parts = t.split(/['’.&-]/).filter((p) => capitalised(p) || nameShaped(p));
  if (parts.length === 0) return true;
  return parts.every((p) => {
    const f = foldWord(p);
    return known.words.has(f) || (f.length >= 4 && f.endsWith('s') && known.words.has(f.slice(0, -1)));
  });
}

interface Run {
  tokens: string[];
  checked: string[];
  /** Checked words shaped like a name or after a title: a name in any language. */
  strong: string[];
  /** Joined by "&" or holding a legal form: an organisation in any language. */
  organisation: boolean;
  /** Where the shown name starts in the line: not at a sentence's first word ("Glad Maria Lopez" shows "Maria Lopez"). */
  at: number;
  end: number;
}

/** Runs of capitalised words in one line; a line opens a sentence. */
function runsOfLine(line: string): Run[] {
  const matches = [...line.matchAll(TOKEN)];
  const words = matches.map((m) => m[0]).filter((t) => /\p{L}/u.test(t));
  // Title Case (a subject, a heading: short, no comma, no full stop) capitalises the content words
  // and leaves short ones (on, the, of) alone. A list of names is not Title Case.
  const long = words.filter((w) => w.replace(/[^\p{L}]/gu, '').length >= 4);
  const heading = words.length <= 12 && !/[,;]|\.\s*$/.test(line);
  const titleCase = heading && long.length >= 3 && long.filter(capitalised).length / long.length >= 0.8;
  const runs: Run[] = [];
  let run: Run | undefined;
  let pending: string[] = [];
  let start = true;
  let afterTitle = false;
  const close = () => {
    if (run && run.checked.length > 0) runs.push(run);
    run = undefined;
    pending = [];
  };
  for (const { 0: token, index } of matches) {
    const f = bare(token);
    if (!/[\p{L}\p{N}]/u.test(token) && token !== '&') {
      close();
      if (/[.!?:;…]/.test(token)) start = true;
      continue;
    }
    if (run && CONNECTORS.has(f) && (token === '&' || !capitalised(token))) {
      pending.push(token);
      continue;
    }
    const isTitle = TITLES.has(f) && capitalised(token);
    if (!capitalised(token) || COMMON.has(f) || isTitle) {
      close();
      afterTitle = isTitle;
      start = token.endsWith('.') && !ABBREVIATIONS.has(f);
      continue;
    }
    const shaped = nameShaped(token);
    // A word that opens a sentence, or any word of a Title Case line, is read only if shaped like a name.
    const weighed = shaped || afterTitle || (!start && !titleCase);
    run ??= { tokens: [], checked: [], strong: [], organisation: false, at: -1, end: 0 };
    run.organisation ||= LEGAL.has(f) || pending.includes('&');
    run.tokens.push(...pending, token);
    pending = [];
    run.end = index + token.length;
    // "Series B" is not "Series C": a single letter is checked joined to the word before it.
    const letter = /^\p{Lu}$/u.test(token) && run.tokens.length > 1 ? `${run.tokens[run.tokens.length - 2]}${token}` : undefined;
    if (weighed && letter && run.at >= 0) run.checked.push(letter);
    else if (weighed && !LEGAL.has(f) && f.replace(/[^\p{L}\p{N}]/gu, '').length > 1) {
      run.checked.push(token);
      if (run.at < 0) run.at = index;
      if (shaped || afterTitle) run.strong.push(token);
    }
    afterTitle = false;
    start = token.endsWith('.') && !ABBREVIATIONS.has(f) && !LEGAL.has(f);
    if (start) close();
  }
  close();
  return runs;
}

/** The capitalised names of `text` (greeting and sign-off already removed) to look up in the sources. */
export function namesIn(text: string, german: boolean): NameDetail[] {
  const out: NameDetail[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    for (const run of runsOfLine(line)) {
      const name = { text: line.slice(run.at, run.end).replace(/\.$/, ''), at: offset + run.at };
      if (!german) out.push({ ...name, words: run.checked, anyOf: false });
      else if (run.strong.length > 0) out.push({ ...name, words: run.strong, anyOf: false });
      else if (run.organisation) out.push({ ...name, words: run.checked, anyOf: true });
    }
    offset += line.length + 1;
  }
  return out;
}

/** Whether the sources hold the name: every word of it (any one, for a German run), or it written together. */
export function isKnownName(name: NameDetail, known: Knowledge): boolean {
  if (known.words.has(foldWord(name.text).replace(/[^\p{L}\p{N}]/gu, ''))) return true;
  return name.anyOf ? name.words.some((w) => knownWord(w, known)) : name.words.every((w) => knownWord(w, known));
}
