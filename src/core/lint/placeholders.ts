// Unfilled template slots a model leaves in a draft: {{first_name}}, [Name], <Company>, {company},
// %NAME%. Pure. Square and angle brackets are common in ordinary text ("[sic]", "<3", an address
// in <...>), so they count only when what is inside looks like a field: a field word
// (name, company...), a column of the recipient's row, ALL CAPS or snake_case.

// Words that name a field in the languages draftsmith drafts in (folded: lower case, no accents).
const FIELD_WORDS = new Set([
  'name', 'first', 'last', 'full', 'firstname', 'lastname', 'surname', 'company', 'organization',
  'organisation', 'title', 'role', 'position', 'job', 'link', 'url', 'date', 'time', 'insert',
  'your', 'their', 'recipient', 'recipients', 'contact', 'sender', 'city', 'industry', 'product',
  'topic', 'event', 'phone', 'email', 'number', 'signature', 'placeholder', 'here', 'x',
  // de
  'vorname', 'nachname', 'firma', 'unternehmen', 'ihr', 'ihre', 'ihren', 'datum', 'stadt', 'titel',
  // fr
  'nom', 'prenom', 'entreprise', 'societe', 'votre', 'vos', 'ville', 'poste', 'lien',
  // es / pt / it
  'nombre', 'apellido', 'empresa', 'compania', 'su', 'tu', 'fecha', 'ciudad', 'cargo', 'enlace',
  'nome', 'sobrenome', 'seu', 'sua', 'data', 'cidade', 'cognome', 'azienda', 'societa', 'vostro',
  'vostra', 'citta', 'ruolo',
]);

function fold(s: string): string {
  return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/** Does the text between brackets look like a template field? */
function looksLikeField(inner: string, columns: ReadonlySet<string>): boolean {
  const text = inner.trim();
  if (!/^[\p{L}][\p{L}\p{N}_'’ .-]*$/u.test(text)) return false; // digits first, URLs, sentences with commas: no
  const words = text.split(/[\s_.-]+/).filter(Boolean);
  if (words.length === 0 || words.length > 4) return false;
  if (text.includes('_')) return true;
  if (/^\p{Lu}{2,}$/u.test(text.replace(/[\s'’-]/g, '')) || text === 'X') return true;
  if (columns.has(fold(text).replace(/[\s-]+/g, '_'))) return true;
  return words.some((w) => FIELD_WORDS.has(fold(w).replace(/['’]s$/, '')));
}

/** Curly braces have no use in prose: any short identifier-like content is a slot. */
function looksLikeIdentifier(inner: string): boolean {
  const text = inner.trim();
  return /^[\p{L}_][\p{L}\p{N}_ .-]*$/u.test(text) && text.split(/\s+/).length <= 4;
}

type Check = (inner: string, columns: ReadonlySet<string>) => boolean;
const always: Check = () => true;

const PATTERNS: { re: RegExp; check: Check }[] = [
  { re: /\{\{[^{}\n]{0,60}\}\}/g, check: always }, // {{first_name}}, {{ x }}
  { re: /(?<!\{)\{([^{}\n]{1,40})\}(?!\})/g, check: looksLikeIdentifier }, // {company}
  { re: /\[([^[\]\n]{1,40})\](?!\()/g, check: looksLikeField }, // [Name]; not a markdown link [text](url)
  { re: /<([^<>\n@/:]{1,40})>/g, check: looksLikeField }, // <Company>; not <a@b.c> or <https://...>
  { re: /%([A-Za-z][A-Za-z_]{1,30})%/g, check: always }, // %NAME%
];

/** Placeholders in `text`, as written, in order of appearance, each once. `columns` = snake_case headers. */
export function findPlaceholders(text: string, columns: ReadonlySet<string> = new Set()): string[] {
  const hits: { at: number; text: string }[] = [];
  for (const { re, check } of PATTERNS) {
    for (const m of text.matchAll(re)) {
      if (!check(m[1] ?? '', columns)) continue;
      hits.push({ at: m.index ?? 0, text: m[0] });
    }
  }
  hits.sort((a, b) => a.at - b.at);
  return [...new Set(hits.map((h) => h.text))];
}
