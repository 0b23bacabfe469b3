// URLs, e-mail addresses and phone numbers in a draft that nobody gave the model: a model that
// invents a calendar link or a phone number sends the recipient nowhere. Pure. Known contacts are
// every string value of the profile (sender, examples, goal...) and of the recipient's row.

export interface Contact {
  kind: 'URL' | 'e-mail address' | 'phone number';
  text: string;
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
// Scheme or www. URLs, and bare domains followed by a path (calendly.com/ana).
const URL = /\b(?:https?:\/\/|www\.)[^\s<>"'()]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\/[^\s<>"'()]*/gi;
// International (+49 30 123456), trunk-prefixed (030 123456), bracketed ((555) 123-4567) and
// US-style (555-123-4567) numbers. Dates and years start with neither + nor 0 nor "(".
const PHONE = /(?:\+|\b0|\(\d)[\d\s()./-]{6,}\d|\b\d{3}[-. ]\d{3}[-. ]\d{4}\b/g;

/** 05.06.2024, 04/05/24: dates that start with a 0 look like trunk-prefixed numbers. */
const DATE = /^\d{1,2}[./-]\d{1,2}[./-](\d{2}|\d{4})$/;

const TRAILING = /[.,;:!?)\]}'"]+$/;

function normaliseUrl(url: string): string {
  return url
    .toLowerCase()
    .replace(TRAILING, '')
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/\/+$/, '');
}

/** Phone digits without the international or trunk prefix, so +49 30 1234 and 030 1234 compare. */
function phoneDigits(phone: string): string {
  return phone.replace(/\D/g, '').replace(/^0+/, '');
}

function stringsIn(value: unknown, out: string[], depth = 0): string[] {
  if (depth > 8 || value === null || value === undefined) return out;
  if (typeof value === 'string' || typeof value === 'number') out.push(String(value));
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out, depth + 1);
  else if (typeof value === 'object') for (const v of Object.values(value)) stringsIn(v, out, depth + 1);
  return out;
}

export function findContacts(text: string): Contact[] {
  const out: Contact[] = [];
  // Most drafts hold no contact at all: each pattern runs only where its one required
  // character is present (an @, a / or "www.", a digit).
  let rest = text;
  if (rest.includes('@')) {
    for (const m of rest.matchAll(EMAIL)) out.push({ kind: 'e-mail address', text: m[0].replace(TRAILING, '') });
    // An address's domain is not a URL of its own.
    rest = rest.replace(EMAIL, ' ');
  }
  if (rest.includes('/') || /www\./i.test(rest)) {
    for (const m of rest.matchAll(URL)) out.push({ kind: 'URL', text: m[0].replace(TRAILING, '') });
    rest = rest.replace(URL, ' ');
  }
  if (/\d/.test(rest)) {
    for (const m of rest.matchAll(PHONE)) {
      const digits = m[0].replace(/\D/g, '');
      if (DATE.test(m[0].trim())) continue;
      if (digits.length >= 7 && digits.length <= 15) out.push({ kind: 'phone number', text: m[0].trim() });
    }
  }
  return out;
}

interface KnownContacts {
  /** Every known string, lower case, without URL schemes and "www.", one a line. */
  blob: string;
  phones: string[];
}

function knownContacts(values: unknown): KnownContacts {
  const known = stringsIn(values, []);
  return {
    blob: known.map((s) => s.toLowerCase().replace(/https?:\/\//g, '').replace(/\bwww\./g, '')).join('\n'),
    // A CSV phone cell may be in a shape PHONE does not match (4930123456): take such cells whole.
    phones: known
      .flatMap((s) => [...s.matchAll(PHONE)].map((m) => m[0]).concat(/^[\d\s()+./-]+$/.test(s) ? [s] : []))
      .map(phoneDigits)
      .filter((d) => d.length >= 6),
  };
}

// A run lints thousands of drafts against one profile: collect its contacts once.
const profileContacts = new WeakMap<object, KnownContacts>();

/** Contacts in `text` that appear nowhere in the profile, the recipient's row or `more` (a draft's catalog links). */
export function unknownContacts(text: string, profile: unknown, recipient: Record<string, string>, more: readonly string[] = []): Contact[] {
  const found = findContacts(text);
  if (found.length === 0) return [];
  const cacheable = profile !== null && typeof profile === 'object';
  let fromProfile = cacheable ? profileContacts.get(profile) : undefined;
  if (!fromProfile) {
    fromProfile = knownContacts(profile);
    if (cacheable) profileContacts.set(profile, fromProfile);
  }
  const fromRow = knownContacts([...Object.values(recipient), ...more]);
  const blob = `${fromProfile.blob}\n${fromRow.blob}`;
  const knownPhones = [...fromProfile.phones, ...fromRow.phones];
  const seen = new Set<string>();
  return found.filter((c) => {
    const key = `${c.kind}:${c.text.toLowerCase()}`;
    if (seen.has(key)) return false;
    seen.add(key);
    if (c.kind === 'e-mail address') return !blob.includes(c.text.toLowerCase());
    if (c.kind === 'URL') return !blob.includes(normaliseUrl(c.text));
    const d = phoneDigits(c.text);
    return !knownPhones.some((k) => k.endsWith(d) || d.endsWith(k));
  });
}
