// What a reviewer's edits teach (core/learning): a table over real-looking edits in English,
// German, Spanish and French, each row a memory of edits and the proposals it should (and should
// not) give.
import { describe, expect, it } from 'vitest';
import type { LearnedEdit } from '../../src/core/memory/records.js';
import { applicable, learnFromEdits, strongEnough, type CurrentProfile, type Proposal } from '../../src/core/learning/proposals.js';
import { maskNames, messageParts, nameWords, prepareEdit } from '../../src/core/learning/edit-parts.js';

let nextId = 1;
function edit(who: string, name: string, original: { subject?: string; body: string }, approved: { subject?: string; body: string }, fields: Record<string, string> = {}): LearnedEdit {
  const id = nextId++;
  return { id, campaign: '/c/a.drafts.jsonl', recipientKey: `${who}@example.org`, name, at: `2026-10-${String(id).padStart(2, '0')}T10:00:00Z`, original, approved, fields: { first_name: name.split(' ')[0]!, ...fields } };
}

const EN_PEOPLE: [string, string, string][] = [
  ['ana', 'Ana Pereira', 'you run on-call at Acme Tools'],
  ['bo', 'Bo Lindqvist', 'your team at Northwind ships the billing API'],
  ['cy', 'Cyrus Haddad', 'you spoke about tracing at KubeCon'],
  ['dee', 'Dee Okafor', 'Brightwave moved to OpenTelemetry this year'],
];
const en = EN_PEOPLE.map(([who, name, fact]) => {
  const first = name.split(' ')[0];
  const model = `Hi ${first},\n\nI hope this email finds you well. I saw that ${fact}, so our meetup on alert fatigue may interest you.\n\nWould you like a seat?\n\nBest regards,\nAlex`;
  const kept = `Hi ${first},\n\nI saw that ${fact}, so our meetup on alert fatigue may interest you.\n\nWould you like a seat?\n\nCheers,\nAlex`;
  return edit(who, name, { subject: `${first}, a seat at our meetup?`, body: model }, { subject: `${first}, a seat at our meetup?`, body: kept });
});

const DE_PEOPLE: [string, string, string][] = [
  ['jonas', 'Jonas Weber', 'Sie bei der Stadtwerke München das Monitoring verantworten'],
  ['lena', 'Lena Fischer', 'Ihr Team bei Zalando gerade auf Prometheus umstellt'],
  ['jonas', 'Jonas Weber', 'Sie im Frühjahr über Alarmmüdigkeit gesprochen haben'],
  ['mia', 'Mia Schäfer', 'Sie bei der Allianz die Bereitschaft leiten'],
];
const de = DE_PEOPLE.map(([who, name, fact]) => {
  const first = name.split(' ')[0];
  const model = `Hallo ${first},\n\nich habe gesehen, dass ${fact}. Unser nächstes Treffen am Donnerstag dreht sich um Alarmmüdigkeit.\n\nHätten Sie Lust dabei zu sein?\n\nViele Grüße\nAlex`;
  const kept = `Guten Tag ${first},\n\nich habe gesehen, dass ${fact}. Unser nächstes Treffen am Donnerstag dreht sich um Alarmmüdigkeit. Die Folien schicke ich Ihnen gern danach.\n\nHätten Sie Lust dabei zu sein?\n\nViele Grüße\nAlex`;
  return edit(who, name, { body: model }, { body: kept });
});

const ES_PEOPLE: [string, string, string, string][] = [
  ['lucia', 'Lucía Gómez', 'diriges la guardia en Cabify', 'Reducir el ruido de alertas'],
  ['mateo', 'Mateo Ruiz', 'tu equipo en Glovo mantiene la plataforma de pagos', 'Alertas con sentido'],
  ['sofia', 'Sofía Navarro', 'hablaste sobre trazas en la T3chFest', 'Menos alertas, mejores noches'],
];
const es = ES_PEOPLE.map(([who, name, fact, subject]) => {
  const first = name.split(' ')[0];
  const model = `Hola ${first},\n\nHe visto que ${fact}. Organizamos un encuentro el jueves a las 18:30 sobre la fatiga de alertas, con tres charlas cortas de equipos que han pasado por lo mismo y una mesa redonda al final para compartir experiencias y trucos prácticos que funcionan en producción.\n\n¿Te guardo una plaza?\n\nUn saludo,\nAlex`;
  const kept = `Hola ${first},\n\nHe visto que ${fact}. El jueves a las 18:30 hablamos de fatiga de alertas.\n\n¿Te guardo una plaza?\n\nUn saludo,\nAlex`;
  return edit(who, name, { subject: `Invitación al encuentro, ${first}`, body: model }, { subject, body: kept });
});

const FR_WHITESPACE = ['Camille Martin', 'Hugo Bernard', 'Léa Dubois'].map((name, i) => {
  const body = `Bonjour ${name.split(' ')[0]},\n\nNotre prochaine rencontre porte sur la fatigue des alertes.\nSeriez-vous des nôtres ?\n\nBien cordialement,\nAlex`;
  return edit(`fr${i}`, name, { subject: 'Rencontre', body }, { subject: 'Rencontre ', body: body.replace('\nSeriez', ' Seriez').replace('  ', ' ') });
});

const find = (ps: Proposal[], kind: string) => ps.filter((p) => p.kind === kind);
const values = (ps: Proposal[], kind: string) => find(ps, kind).map((p) => p.value);

describe('learning from edits', () => {
  it.each<[string, LearnedEdit[], CurrentProfile, Record<string, unknown[]>, { edits: number }]>([
    ['en: a phrase cut from 4 drafts, the sign-off changed in 4 (not also banned)', en, {},
      { sign_off: ['Cheers,\nAlex'], banned_phrase: ['I hope this email finds you well'], greeting: [], required_phrase: [], length: [], subject: [] }, { edits: 4 }],
    ['en: what the profile already has is not proposed again', en, { sign_off: 'Cheers,\nAlex', banned_phrases: ['i hope this email finds you well'] },
      { sign_off: [], banned_phrase: [] }, { edits: 4 }],
    ['de: the greeting replaced and a sentence added each time (3 recipients, Jonas twice)', de, {},
      { greeting: ['Guten Tag'], required_phrase: ['Die Folien schicke ich Ihnen gern danach'], banned_phrase: [], sign_off: [], length: [] }, { edits: 4 }],
    ['es: drafts cut to about a third, subjects rewritten', es, { length: { max_words: 120 } },
      { length: [35], subject: [[
        { before: 'Invitación al encuentro, NAME', after: 'Reducir el ruido de alertas' },
        { before: 'Invitación al encuentro, NAME', after: 'Alertas con sentido' },
        { before: 'Invitación al encuentro, NAME', after: 'Menos alertas, mejores noches' },
      ]], sign_off: [], greeting: [] }, { edits: 3 }],
    ['es: no length proposal when the profile already allows less', es, { length: { max_words: 30 } }, { length: [] }, { edits: 3 }],
    ['fr: whitespace-only edits teach nothing', FR_WHITESPACE, {}, { sign_off: [], banned_phrase: [], subject: [], length: [] }, { edits: 0 }],
  ])('%s', (_label, edits, current, expected, counts) => {
    const learned = learnFromEdits(edits, current);
    expect(learned.edits).toBe(counts.edits);
    for (const [kind, want] of Object.entries(expected)) expect(values(learned.proposals, kind), kind).toEqual(want);
  });

  it('gives evidence: counts, recipients, two example diffs, a confidence; strong enough at 3 edits in 2 recipients', () => {
    const [banned] = find(learnFromEdits(en).proposals, 'banned_phrase');
    expect(banned!.evidence).toMatchObject({ edits: 4, recipients: 4 });
    expect(banned!.evidence.examples).toEqual([
      { id: en[0]!.id, diff: 'NAME, [-I hope this email finds you well.-] I saw that you …' },
      { id: en[1]!.id, diff: 'NAME, [-I hope this email finds you well.-] I saw that your …' },
    ]);
    expect(banned!.confidence).toBe(1);
    expect(banned!.key).toBe('banned_phrases');
    expect(strongEnough(banned!)).toBe(true);
    const [signOff] = find(learnFromEdits(en).proposals, 'sign_off');
    expect(signOff!.evidence.examples[0]!.diff).toBe('[-Best regards, ⏎ Alex-] {+Cheers, ⏎ Alex+}');
    // The same three edits from one person: not enough recipients to be shown by default.
    const one = [0, 1, 2].map(() => edit('ana', 'Ana Pereira', en[0]!.original, en[0]!.approved));
    const [alone] = find(learnFromEdits(one).proposals, 'banned_phrase');
    expect(alone!.evidence).toMatchObject({ edits: 3, recipients: 1 });
    expect(strongEnough(alone!)).toBe(false);
  });

  it('counts a phrase kept elsewhere in the approved text as not deleted, and a subject proposal writes no key', () => {
    const moved = en.map((e) => edit(e.recipientKey, e.name!, e.original, { body: e.approved.body.replace('Would you like', 'I hope this email finds you well. Would you like') }));
    expect(values(learnFromEdits(moved).proposals, 'banned_phrase')).toEqual([]);
    const [subject] = find(learnFromEdits(es).proposals, 'subject');
    expect(applicable(subject!)).toBe(false);
    expect(subject!.confidence).toBe(1);
  });

  it.each<[string, Record<string, string>, string, string]>([
    ['Ana Pereira', { company_name: 'Ana Labs', nachname: 'Pereira' }, 'Hi Ana, Pereira here? Ana Labs, Anatomy', 'Hi NAME, NAME here? NAME Labs, Anatomy'],
    ['Jörg Müller', {}, 'Hallo Jörg, lieber JÖRG', 'Hallo NAME, lieber NAME'],
    ['', { Prénom: 'Léa', company: 'Léa Conseil' }, 'Bonjour Léa,', 'Bonjour NAME,'],
  ])('masks the names of %j', (name, fields, text, masked) => {
    expect(maskNames(text, nameWords({ name, fields }))).toBe(masked);
  });

  it.each([
    ['Hi Ana,\n\nShort body here.\n\nBest,\nAlex', { greeting: 'Hi', closing: 'Best,\nAlex', middle: 'Ana,\n\nShort body here.' }],
    ['Sehr geehrte Frau Weber,\nwir laden Sie ein.\nMit freundlichen Grüßen\nAlex Morgan', { greeting: 'Sehr geehrte', middle: 'Frau Weber,\nwir laden Sie ein.', closing: 'Mit freundlichen Grüßen\nAlex Morgan' }],
    ['Quick note: would you like a seat?', { middle: 'Quick note: would you like a seat?' }],
  ])('splits %j into greeting, middle and closing', (body, parts) => {
    expect(messageParts({ body })).toEqual({ words: expect.any(Number), middleWords: expect.any(Number), ...parts });
  });

  it('ignores an edit that changed only whitespace', () => {
    expect(prepareEdit(FR_WHITESPACE[0]!)).toBeUndefined();
  });
});
