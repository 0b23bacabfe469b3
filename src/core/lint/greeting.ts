// Does the draft greet the right person? Pure. The greeting is read from the first line as word
// tokens (so "Olá, Ana!" and "Sehr geehrte Frau Dr. Müller," parse alike); names compare
// folded (case and accents ignored). A generic greeting ("Hi team") is left alone.
import type { LintFinding } from './finding.js';

export interface RecipientNames {
  first?: string;
  last?: string;
  full?: string;
  /** Greeting the company ("Hi Brightwave,") is not greeting a wrong person. */
  company?: string;
}

// Greeting phrases, folded, as word sequences; longest tried first.
const GREETINGS = [
  'hi', 'hello', 'hey', 'dear', 'greetings', 'good morning', 'good afternoon', 'good evening',
  'hallo', 'liebe', 'lieber', 'liebes', 'sehr geehrte', 'sehr geehrter', 'guten tag', 'guten morgen', 'moin', 'servus', 'gruezi', 'gruss gott',
  'bonjour', 'bonsoir', 'salut', 'cher', 'chere', 'chers', 'cheres',
  'hola', 'estimado', 'estimada', 'querido', 'querida', 'buenos dias', 'buenas tardes', 'buenas',
  'ola', 'oi', 'caro', 'cara', 'prezado', 'prezada', 'bom dia', 'boa tarde',
  'ciao', 'salve', 'gentile', 'gentilissimo', 'gentilissima', 'egregio', 'egregia', 'buongiorno', 'buonasera',
  'hej', 'hei', 'beste', 'goedemorgen', 'goedendag', 'dag', 'witam', 'dzien dobry', 'szanowny', 'szanowna', 'drogi', 'droga',
].map((g) => g.split(' ')).sort((a, b) => b.length - a.length);

// Titles between greeting and name (folded, no trailing dot).
const TITLES = new Set([
  'mr', 'mrs', 'ms', 'mx', 'miss', 'dr', 'prof', 'professor', 'sir', 'herr', 'frau', 'monsieur', 'madame',
  'mme', 'mlle', 'm', 'senor', 'senora', 'senorita', 'sr', 'sra', 'srta', 'don', 'dona', 'senhor', 'senhora',
  'dott', 'dottor', 'dottore', 'dottoressa', 'dott.ssa', 'ing', 'avv', 'signor', 'signora', 'sig', 'sig.ra',
  'mevrouw', 'meneer', 'dhr', 'mevr', 'pan', 'pani', 'doctor', 'doktor', 'maitre', 'me',
]);

// Words after a greeting that are not a person: "Hi team", "Hallo zusammen", "Dear Sir or Madam".
const GENERIC = new Set([
  'team', 'all', 'everyone', 'everybody', 'there', 'folks', 'friend', 'friends', 'colleague', 'colleagues',
  'sir', 'madam', 'hiring', 'manager', 'zusammen', 'allerseits', 'damen', 'herren', 'kollegen', 'kolleginnen',
  'tous', 'toutes', 'equipe', 'messieurs', 'mesdames', 'todos', 'todas', 'equipo', 'equipa', 'pessoal',
  'tutti', 'ragazzi', 'again', 'you',
]);

// Capitalised words that start a sentence, not a name: "Hi, I'm Ana from Acme".
const NOT_NAMES = new Set([
  'i', "i'm", "i'd", "i've", "i'll", 'we', 'my', 'hope', 'thanks', 'thank', 'it', 'this', 'just', 'quick',
  'ich', 'wir', 'danke', 'je', "j'ai", "j'espere", 'nous', 'merci', 'yo', 'espero', 'gracias', 'eu', 'obrigado',
  'obrigada', 'io', 'spero', 'grazie', 'and', 'und', 'et', 'y', 'e',
]);

export function fold(s: string): string {
  return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[’]/g, "'");
}

/** Folded name parts of at least 2 letters: "Ana-Luísa Pereira" -> ana, luisa, pereira. */
export function nameTokens(name: string | undefined): string[] {
  if (!name) return [];
  return fold(name)
    .split(/[^\p{L}']+/u)
    .filter((t) => t.length >= 2 && !TITLES.has(t));
}

/** The names after the first line's greeting, as written; [] when there is no personal greeting. */
export function greetedNames(body: string): string[] {
  const first = body.split('\n').find((l) => l.trim() !== '') ?? '';
  const tokens = first.match(/[\p{L}\p{M}]+(?:['’.-][\p{L}\p{M}]+)*\.?|[,!?:;()–—]/gu) ?? [];
  const folded = tokens.map((t) => fold(t).replace(/\.$/, ''));
  const greeting = GREETINGS.find((g) => g.every((w, i) => folded[i] === w));
  if (!greeting) return [];
  let i = greeting.length;
  const afterComma = folded[i] === ',';
  if (afterComma) i++;
  while (i < tokens.length && TITLES.has(folded[i]!) && /^\p{Lu}/u.test(tokens[i]!)) i++;
  const names: string[] = [];
  while (i < tokens.length && names.length < 3) {
    const t = tokens[i]!;
    if (!/^\p{Lu}/u.test(t) || NOT_NAMES.has(folded[i]!)) break;
    if (GENERIC.has(folded[i]!)) return [];
    names.push(t.replace(/\.$/, ''));
    i++;
    if (t.endsWith('.')) break; // "Hi Ana. I saw..." ends the name
  }
  if (names.length === 0) return [];
  // "Hi Brightwave team": the names were a company's.
  if (i < tokens.length && GENERIC.has(folded[i]!)) return [];
  // "Hi, Quick question about X": after a comma, a name must be followed by punctuation or the line end.
  if (afterComma && i < tokens.length && /^[\p{L}]/u.test(tokens[i]!)) return [];
  return names;
}

/** The first line's greeting word(s) as written ("Sehr geehrte", "Hi") and where they end in `body`. */
export function openingGreeting(body: string): { text: string; end: number } | undefined {
  const start = body.search(/\S/);
  if (start < 0) return undefined;
  const lineEnd = body.indexOf('\n', start);
  const line = body.slice(start, lineEnd < 0 ? undefined : lineEnd);
  const words = [...line.matchAll(/[\p{L}\p{M}]+(?:['’.-][\p{L}\p{M}]+)*/gu)];
  const folded = words.map((m) => fold(m[0]));
  const greeting = GREETINGS.find((g) => g.every((w, i) => folded[i] === w));
  if (!greeting) return undefined;
  const last = words[greeting.length - 1]!;
  // Only words and spaces between them: "Hi, Ana" greets with "Hi"; "Hi-Fi" is no greeting.
  const text = line.slice(0, last.index + last[0].length);
  if (!/^[\p{L}\p{M}'’.-]+(?:\s+[\p{L}\p{M}'’.-]+)*$/u.test(text)) return undefined;
  return { text, end: start + text.length };
}

/** One name matches another if equal or one is a short form of the other ("Alex" / "Alexander"). */
function sameName(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return short.length >= 3 && long.startsWith(short);
}

export function checkGreeting(subject: string, body: string, names: RecipientNames): LintFinding[] {
  const known = [...new Set([...nameTokens(names.first), ...nameTokens(names.last), ...nameTokens(names.full)])];
  if (known.length === 0) return [];
  const greeted = greetedNames(body);
  const company = new Set(nameTokens(names.company));
  const greetedTokens = greeted.flatMap((n) => nameTokens(n)).filter((t) => !company.has(t));
  if (greetedTokens.length > 0 && !greetedTokens.some((g) => known.some((k) => sameName(g, k)))) {
    const who = names.full ?? [names.first, names.last].filter(Boolean).join(' ');
    return [{ level: 'error', code: 'wrong-name', message: `the greeting names "${greeted.join(' ')}", the recipient is ${who}` }];
  }
  // First or last name anywhere: formal greetings use the last name ("Sehr geehrte Frau Weber").
  const personal = [...nameTokens(names.first), ...nameTokens(names.last)];
  const wanted = personal.length > 0 ? personal : nameTokens(names.full);
  const words = new Set(fold(`${subject}\n${body}`).split(/[^\p{L}']+/u).flatMap((w) => [w, w.replace(/'s$/, '')]));
  if (!wanted.some((n) => words.has(n))) {
    const shown = names.first ?? names.full ?? names.last ?? '';
    return [{ level: 'warning', code: 'name-missing', message: `the recipient's name (${shown}) does not appear in the draft` }];
  }
  return [];
}
