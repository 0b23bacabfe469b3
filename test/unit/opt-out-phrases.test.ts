import { describe, expect, it } from 'vitest';
import { OPT_OUT_PHRASES, asksToStop, findOptOut, foldText } from '../../src/core/memory/opt-out-phrases.js';

// Real-world phrasings of "stop writing to me" (from replies to cold outreach, list-management
// requests and support inboxes), in the languages the lint knows.
const STOP: ReadonlyArray<[lang: string, reply: string]> = [
  ['en', 'Please remove me from your list.'],
  ['en', 'Please remove me from your mailing list, thanks.'],
  ['en', 'Take me off your list'],
  ['en', 'UNSUBSCRIBE'],
  ['en', 'Unsubscribe.'],
  ['en', 'Stop'],
  ['en', 'STOP!!'],
  ['en', 'Please stop emailing me.'],
  ['en', 'Stop sending me these emails, I never signed up.'],
  ['en', 'Do not contact me again.'],
  ['en', 'Don\u2019t email me again'],
  ['en', 'Please unsubscribe me from all future communications.'],
  ['en', 'No more emails please'],
  ['en', 'Not interested.'],
  ['en', "I'm not interested, please don't follow up."],
  ['en', 'Thanks for reaching out, but we are not interested.'],
  ['en', 'Not interested, but thanks.'],
  ['en', 'Hi Sam,\n\nWe are not interested. Please remove my email address from your database.\n\nRegards'],
  ['en', 'Opt me out'],
  ['de', 'Bitte keine E-Mails mehr.'],
  ['de', 'Bitte nehmen Sie mich aus Ihrem Verteiler.'],
  ['de', 'Bitte aus dem Verteiler entfernen.'],
  ['de', 'Bitte nicht mehr kontaktieren.'],
  ['de', 'Kein Interesse.'],
  ['de', 'Tragen Sie mich bitte aus.'],
  ['de', 'Abmelden'],
  ['es', 'Por favor, darme de baja.'],
  ['es', 'Baja'],
  ['es', 'No me contacten más, gracias.'],
  ['es', 'No me interesa.'],
  ['es', 'Por favor, eliminenme de su lista.'],
  ['es', 'Dejen de escribirme.'],
  ['fr', 'Merci de ne plus me contacter.'],
  ['fr', 'Ne me contactez plus.'],
  ['fr', 'Désinscrivez-moi, svp.'],
  ['fr', 'Je ne suis pas intéressée.'],
  ['fr', "Arrêtez de m'écrire."],
  ['pt', 'Não me contactem mais.'],
  ['pt', 'Por favor, remova-me da lista.'],
  ['pt', 'Não tenho interesse.'],
  ['pt', 'Não quero receber mais e-mails.'],
  ['it', 'Non contattatemi più.'],
  ['it', 'Cancellatemi dalla vostra lista.'],
  ['it', 'Non mi interessa, grazie.'],
  ['nl', 'Verwijder mij van de lijst a.u.b.'],
  ['nl', 'Geen e-mails meer graag.'],
  ['nl', 'Niet geïnteresseerd.'],
  ['nl', 'Uitschrijven'],
  ['pl', 'Proszę o usunięcie z listy.'],
  ['pl', 'Nie jestem zainteresowany.'],
];

// Replies that must not opt anyone out.
const KEEP: ReadonlyArray<[why: string, reply: string]> = [
  ['"stop" inside a sentence', "I'll stop by your booth on Thursday."],
  ['"don\'t stop"', "Please don't stop sending these, they are great!"],
  ['"unstoppable"', 'Your team is unstoppable.'],
  ['a negated request', "Please don't remove me from your list, I still want the updates."],
  ['"not interested in X but Y"', "I'm not interested in the webinar but would love a demo."],
  ['not now, try later', 'Not interested right now, try me in Q1.'],
  ['time before the refusal', 'Im Moment kein Interesse, gerne wieder im Frühjahr.'],
  ['Spanish not now', 'Por ahora no me interesa, escríbeme en enero.'],
  ['French not now', "Pas intéressé pour l'instant."],
  ['a newsletter footer line inside a longer text', 'Our October news is out. To unsubscribe, click the link at the bottom.'],
  ['an ordinary yes', 'Sounds good, Thursday at 10 works.'],
  ['"interested"', "We're interested, send details."],
  ['"remove" in a sentence', 'Can you remove the attachment and resend?'],
  ['Dutch "stop" in a sentence', 'We stoppen vrijdag om vier uur.'],
  ['"no more" about something else', 'No more questions from my side, thanks!'],
  ['empty', ''],
];

describe('findOptOut', () => {
  it.each(STOP)('%s: %s', (_lang, reply) => {
    expect(asksToStop(reply)).toBe(true);
  });
  it.each(KEEP)('keeps %s', (_why, reply) => {
    expect(findOptOut(reply)).toBeUndefined();
  });
  it('names the phrase and its language', () => {
    expect(findOptOut('Bitte keine E-Mails mehr.')).toMatchObject({ lang: 'de', kind: 'ask' });
  });
  it('covers the languages the lint greets in', () => {
    expect(new Set(OPT_OUT_PHRASES.map((p) => p.lang))).toEqual(new Set(['en', 'de', 'es', 'fr', 'pt', 'it', 'nl', 'pl']));
  });
  it('folds case, accents, apostrophes and spaces', () => {
    expect(foldText('  Ne  M\u2019écrivez   PLUS ')).toBe("ne m'ecrivez plus");
  });
});
