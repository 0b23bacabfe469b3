// A reply's own words: quoted earlier messages and the signature removed, so the memory keeps what
// the person wrote and the opt-out check never reads our own text quoted back. Pure.
//
// Cut at the first of: an attribution line ("On ... wrote:", "Am ... schrieb ...:", "El ...
// escribió:", "Le ... a écrit :", and the Portuguese, Italian, Dutch and Polish forms; clients wrap
// long ones, so up to three lines are joined), an Outlook separator ("-----Original Message-----"
// in its translations, a line of underscores before a header block), an Outlook header block
// ("From: ..." followed within four lines by "Sent:"/"Date:" or a translation), a forwarded-message
// banner, or a signature separator (a line that is exactly "-- "; "--" too, as clients that trim
// trailing spaces send it). Lines starting with ">" are dropped wherever they are (interleaved
// answers keep their own lines).

const ATTRIBUTION: readonly RegExp[] = [
  /^on\b.{3,}\bwrote:?$/i, // English, Apple Mail "On 3 Oct 2026, at 10:00, Jane <j@x> wrote:"
  /^am\b.{3,}\bschrieb\b.*:$/i, // German
  /^el\b.{3,}\bescribi[oó]:?$/i, // Spanish
  /^le\b.{3,}\b[aà] [ée]crit ?:?$/i, // French
  /^em\b.{3,}\bescreveu:?$/i, // Portuguese
  /^il\b.{3,}\bha scritto:?$/i, // Italian
  /^op\b.{3,}\bschreef\b.*:$/i, // Dutch
  /^(w dniu\b.{3,}\bnapisa[łl]\S*|.{3,}\bpisze):?$/i, // Polish
  /^.{3,}<[^<>\s]+@[^<>\s]+>\s*(wrote|schrieb|escribió|a écrit|escreveu|ha scritto|schreef|napisał\S*) ?:$/i,
];

const SEPARATOR = /^-{3,}\s*(original message|ursprüngliche nachricht|originalnachricht|mensaje original|message d'origine|mensagem original|messaggio originale|oorspronkelijk bericht|wiadomość oryginalna|forwarded message|weitergeleitete nachricht|mensaje reenviado|message transféré)\s*-{3,}$/i;
const FORWARD_BANNER = /^(begin forwarded message|anfang der weitergeleiteten nachricht|inicio del mensaje reenviado|début du message réexpédié)\s*:$/i;
const UNDERSCORES = /^_{10,}$/;
const HEADER_FROM = /^\*?(from|von|de|da|van|od|fra|från)\s?:\*?\s/i;
const HEADER_SENT = /^\*?(sent|date|gesendet|datum|enviado|fecha|envoyé|inviato|data|verzonden|wysłano|sendt|skickat)\s?:\*?\s/i;
const SIGNATURE = /^-- ?$/;

/** The reply's own text: quotes, attributions, forwarded parts and the signature removed, trimmed. */
export function stripReply(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const end = cutAt(lines);
  const own = lines.slice(0, end).filter((line) => !line.trimStart().startsWith('>'));
  return own
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/^\n+|\n+$/g, '')
    .replace(/\n{3,}/g, '\n\n');
}

/** Index of the first line that starts quoted or signature text (lines.length when none). */
function cutAt(lines: readonly string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    if (SIGNATURE.test(lines[i]!)) return i;
    if (SEPARATOR.test(line) || FORWARD_BANNER.test(line)) return i;
    if (isAttribution(lines, i)) return i;
    if (HEADER_FROM.test(line) && headerBlockFollows(lines, i)) return i;
    if (UNDERSCORES.test(line) && HEADER_FROM.test((lines[i + 1] ?? '').trim())) return i;
  }
  return lines.length;
}

/** An attribution on this line, or wrapped over up to three lines starting here. */
function isAttribution(lines: readonly string[], i: number): boolean {
  let joined = '';
  for (let k = i; k < Math.min(lines.length, i + 3); k++) {
    const part = lines[k]!.trim();
    if (part === '' || part.startsWith('>')) break;
    joined = joined === '' ? part : `${joined} ${part}`;
    if (joined.length > 300) return false;
    if (ATTRIBUTION.some((re) => re.test(joined))) return true;
  }
  return false;
}

function headerBlockFollows(lines: readonly string[], i: number): boolean {
  for (let k = i + 1; k < Math.min(lines.length, i + 5); k++) {
    if (HEADER_SENT.test(lines[k]!.trim())) return true;
  }
  return false;
}
