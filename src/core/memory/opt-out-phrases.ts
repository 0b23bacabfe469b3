// Does a reply ask not to be contacted again? Pure. Read the reply's own words only (quotes and
// signature stripped: core/mail/strip-reply.ts), so our own text quoted back never counts.
//
// The phrases are data, per language (those the lint greets in: en, de, es, fr, pt, it, nl, pl),
// matched on folded text (lower case, accents removed, one space, straight apostrophes) at word
// boundaries. Three kinds:
// - `ask`: an explicit request ("please remove me from your list", "bitte keine E-Mails mehr").
//   Not when a negation comes just before it ("please don't remove me").
// - `alone`: a word that is an opt-out only as the whole reply ("STOP", "Unsubscribe", "Baja"),
//   because inside a sentence it is ordinary ("I'll stop by", a newsletter's "unsubscribe here").
// - `soft`: a refusal ("not interested", "kein Interesse"). Decision: it opts out, unless the same
//   sentence goes on with a contrast or a time ("not interested in the webinar but would love a
//   demo", "not interested right now, try me in Q1"): that is a "not this" or "not now", which the
//   memory keeps as history for the next draft rather than as a ban. "Not interested, but thanks"
//   still opts out (a thank-you is not a contrast).

export type PhraseKind = 'ask' | 'alone' | 'soft';

export interface OptOutPhrase {
  lang: string;
  kind: PhraseKind;
  /** A regular expression on folded text (see foldText), without word-boundary anchors. */
  pattern: string;
}

const P = (lang: string, kind: PhraseKind, ...patterns: string[]): OptOutPhrase[] => patterns.map((pattern) => ({ lang, kind, pattern }));
const ME = '(me|us)';
const LIST = '(your |the |this |our )?(mailing |email |e-mail |contact |distribution )?(list|lists|database)';

export const OPT_OUT_PHRASES: readonly OptOutPhrase[] = [
  ...P('en', 'ask', `unsubscribe ${ME}`, 'please unsubscribe', `remove ${ME} from ${LIST}`, `take ${ME} off ${LIST}`,
    'remove my (email|e-mail|address|email address|e-mail address|details|name|contact)',
    `(stop|quit|cease) (emailing|e-mailing|mailing|messaging|contacting|writing to|spamming|sending me|sending us|sending emails|sending these)`,
    `(do not|don't|dont|please never|never) (contact|email|e-mail|mail|message|write to|reach out to) ${ME}`,
    "no (more|further) (emails|e-mails|mails|messages|contact)", `opt ${ME} out`, 'i (want|would like|wish) to opt out',
    'leave me alone', `(delete|remove) ${ME} from your (records|system|crm)`),
  ...P('en', 'alone', 'stop', 'unsubscribe', 'remove', 'remove me', 'opt out', 'opt-out'),
  ...P('en', 'soft', 'not interested'),
  ...P('de', 'ask', 'keine (e-mails|emails|mails|nachrichten|werbung|newsletter|zusendungen|post) mehr',
    '(aus|von) (ihrem|ihrer|dem|der|eurem|eurer|deinem|deiner|diesem|dieser) (verteiler|e-mail-verteiler|liste|mailingliste|adressliste|kartei|datenbank) (entfernen|austragen|streichen|loschen|nehmen)',
    '(nicht mehr|nie wieder) (kontaktieren|anschreiben|anmailen|schreiben|zu kontaktieren|anzuschreiben)',
    '(nehmen|streichen|entfernen|loschen) sie (mich|uns) (bitte )?(aus|von) (ihrem|ihrer|dem|der) (verteiler|liste|mailingliste|adressliste|kartei|datenbank)',
    '(tragen sie|tragt|trag) (mich|uns) (bitte )?aus', '(melden sie|meldet|meld) (mich|uns) (bitte )?ab',
    '(loschen|entfernen) sie (bitte )?(meine|unsere) (daten|adresse|e-mail-adresse|kontaktdaten)',
    'ich mochte (mich )?(abmelden|austragen|keine (e-mails|mails|nachrichten) mehr)'),
  ...P('de', 'alone', 'abmelden', 'austragen', 'stopp'),
  ...P('de', 'soft', 'kein interesse', 'nicht interessiert'),
  ...P('es', 'ask', 'dar(me|nos) de baja', 'den(me)? de baja', 'de(me|nos) de baja', '(eliminen|eliminad|elimina|borren|quiten|saquen|sacad|saca)(me|nos)? de (su|la|vuestra|tu|esta) (lista|base de datos)',
    'no (me|nos) (contacten|contactes|contacteis|escriban|escribas|envien|envies|manden|mandes) mas',
    'no (quiero|queremos|deseo|deseamos) recibir mas', 'dej(en|a|ad) de (escribir|enviar|contactar|mandar)(me|nos)',
    '(quiero|quisiera|deseo) (darme|que me den) de baja'),
  ...P('es', 'alone', 'baja', 'de baja'),
  ...P('es', 'soft', 'no (me|nos) interesa', 'no (estoy|estamos) interesad[oa]s?'),
  ...P('fr', 'ask', 'ne plus (me|nous) (contacter|ecrire|envoyer)', 'ne (me|nous) (contactez|ecrivez|envoyez|sollicitez) plus',
    "ne m'(ecrivez|envoyez) plus", "(desinscrivez|desabonnez|retirez|supprimez|enlevez|rayez)[- ](moi|nous)", '(me|nous) (desinscrire|desabonner)',
    "(arretez|cessez) de (m'|me |nous )(ecrire|envoyer|contacter|solliciter)"),
  ...P('fr', 'alone', 'desinscription', 'desabonnement'),
  ...P('fr', 'soft', '(je ne suis|nous ne sommes) pas interesse(e|s|es)?', "(ca|cela) ne (m'|nous )interesse pas", 'pas interesse(e|s|es)?'),
  ...P('pt', 'ask', 'nao (me|nos) (contactem|contacte|contatem|contate|escrevam|escreva|enviem|envie|mandem|mande) mais',
    'nao (quero|queremos|desejo) (mais )?receber', '(remova|removam|retire|retirem|tire|tirem|exclua|excluam)[- ](me|nos) d(a|e) (sua |vossa |esta )?(lista|base)',
    '(parem|pare) de (me |nos )?(enviar|mandar|escrever|contactar|contatar)', 'descadastr(ar|e|em)[- ]?(me|nos)?'),
  ...P('pt', 'soft', 'nao (tenho|temos) interesse', 'nao (estou|estamos) interessad[oa]s?'),
  ...P('it', 'ask', 'non (contattatemi|scrivetemi|contattateci|scriveteci|mandatemi|inviatemi) piu', 'non (voglio|vogliamo|desidero) piu ricevere',
    '(cancellatemi|rimuovetemi|toglietemi|cancellateci|rimuoveteci|toglieteci) (dalla|dalle|dai|dal) (vostra |tua |sua )?(lista|liste|mailing list|contatti|indirizzi)',
    '(disiscrivetemi|disiscrivermi|disiscrivere)', 'smettete(la)? di (scrivermi|contattarmi|inviarmi|mandarmi|scriverci|contattarci)'),
  ...P('it', 'alone', 'cancellami', 'cancellatemi', 'disiscrivimi'),
  ...P('it', 'soft', 'non (mi|ci) interessa', 'non (sono|siamo) interessat[oaie]'),
  ...P('nl', 'ask', '(verwijder|haal) (mij|me|ons) (van|uit) (de|uw|jullie|je|deze) (lijst|mailinglijst|verzendlijst|database|bestand)',
    'geen (e-mails|emails|mails|berichten|nieuwsbrieven) meer', '(schrijf|meld) (mij|me|ons) (alstublieft |aub |a\\.u\\.b\\. )?(uit|af)',
    '(neem|neemt) (alstublieft )?geen contact meer', '(stop|stopt|stoppen) met (mailen|e-mailen|mailtjes|berichten|sturen|benaderen)', 'niet meer (benaderen|mailen|contacteren)'),
  ...P('nl', 'alone', 'uitschrijven', 'afmelden'),
  ...P('nl', 'soft', 'niet geinteresseerd', 'geen interesse'),
  ...P('pl', 'ask', '(wypisz|wypiszcie|usun|usuncie) (mnie|nas)', 'prosze o (usuniecie|wypisanie)', 'nie (kontaktujcie|kontaktuj|piszcie|pisz) (sie )?(ze mna |z nami )?wiecej',
    'nie (chce|chcemy) (wiecej )?(otrzymywac|dostawac)'),
  ...P('pl', 'alone', 'wypisz', 'rezygnuje'),
  ...P('pl', 'soft', 'nie (jestem|jestesmy) zainteresowan[yai]', 'nie interesuje (mnie|nas)'),
];

const NEGATION = /(?:^|\s)(don't|dont|do not|never|nicht|no|ne|nao|non|niet|nie)\s+(?:\S+\s+)?$/;
/** A contrast after the refusal: "not interested in X but ...". */
const CONTRAST = /\b(but|however|though|although|aber|jedoch|sondern|pero|sin embargo|sino|mais|cependant|porem|contudo|ma|pero|tuttavia|maar|echter|ale)\b/;
/** A time anywhere in the refusal's sentence: "not now", "derzeit kein Interesse". */
const TIME = /\b(yet|right now|at the moment|at this (time|point|stage)|for now|currently|later|next (week|month|quarter|year)|in q[1-4]|until|derzeit|momentan|im moment|gerade|spater|noch nicht|zurzeit|aktuell|por ahora|ahora mismo|de momento|en este momento|mas adelante|todavia|pour l'instant|pour le moment|actuellement|en ce moment|plus tard|no momento|por enquanto|mais tarde|agora|ainda|per ora|al momento|in questo momento|piu avanti|ancora|op dit moment|momenteel|voorlopig|nu even|later|teraz|obecnie|pozniej|na razie)\b/;
const THANKS_TAIL = /\b(but|aber|pero|mais|mas|ma|maar|ale),? (thanks|thank you|thx|danke|vielen dank|gracias|merci|obrigad[oa]|grazie|bedankt|dank je|dank u|dziekuje)\b.*$/;

/** Lower case, accents removed, straight apostrophes, one space between words. */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

const COMPILED = OPT_OUT_PHRASES.map((p) => ({
  ...p,
  re: new RegExp(`(?<![\\p{L}\\p{N}'-])(?:${p.pattern})(?![\\p{L}\\p{N}])`, 'gu'),
  whole: new RegExp(`^(?:${p.pattern})$`, 'u'),
}));

/** The phrase a reply's own text asks to stop with, or undefined. `text` must already be stripped of quotes. */
export function findOptOut(text: string): OptOutPhrase | undefined {
  const folded = foldText(text);
  if (folded === '') return undefined;
  const bare = folded.replace(/[^\p{L}\p{N}' -]/gu, ' ').replace(/\b(please|pls|bitte|por favor|s'il vous plait|svp|por favor|per favore|alstublieft|prosze|thanks|thank you|danke|gracias|merci|obrigad[oa]|grazie|bedankt)\b/g, ' ').replace(/\s+/g, ' ').trim();
  for (const p of COMPILED) {
    if (p.kind === 'alone') {
      if (p.whole.test(bare)) return p;
      continue;
    }
    for (const m of folded.matchAll(p.re)) {
      if (p.kind === 'ask' && NEGATION.test(folded.slice(Math.max(0, m.index - 20), m.index))) continue;
      if (p.kind === 'soft' && softIsQualified(folded, m.index, m.index + m[0].length)) continue;
      return p;
    }
  }
  return undefined;
}

/** Does the reply ask not to be contacted again? */
export function asksToStop(text: string): boolean {
  return findOptOut(text) !== undefined;
}

/** The refusal's sentence names a time ("right now"), or goes on with a contrast ("but ..."). */
function softIsQualified(folded: string, start: number, end: number): boolean {
  const before = folded.slice(0, start).split(/[.!?;]\s/).pop() ?? '';
  const after = (folded.slice(end).split(/[.!?;](\s|$)|\s-\s/)[0] ?? '').replace(THANKS_TAIL, '');
  return TIME.test(`${before} ${after}`) || CONTRAST.test(after);
}
