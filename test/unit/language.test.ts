import { describe, expect, it } from 'vitest';
import { detectLanguage, languageGaps, normaliseLanguage, sameLanguage } from '../../src/core/lint/language.js';

describe('normaliseLanguage', () => {
  it.each([
    ['en', 'en'], ['EN', 'en'], ['en-US', 'en'], ['en_GB', 'en'], ['English', 'en'], [' english ', 'en'],
    ['English (UK)', 'en'], ['de', 'de'], ['de_DE', 'de'], ['de-CH', 'de'], ['Deutsch', 'de'], ['German', 'de'],
    ['fr', 'fr'], ['fr-CA', 'fr'], ['Français', 'fr'], ['francais', 'fr'], ['French', 'fr'],
    ['Español', 'es'], ['es-419', 'es'], ['Spanish', 'es'], ['castellano', 'es'],
    ['Português', 'pt'], ['pt-BR', 'pt'], ['Portuguese - Brazil', 'pt'], ['por', 'pt'],
    ['Italiano', 'it'], ['it_IT', 'it'], ['Nederlands', 'nl'], ['zh-Hant-TW', 'zh'], ['deu', 'de'], ['ger', 'de'],
  ])('%s -> %s', (input, expected) => {
    expect(normaliseLanguage(input)).toBe(expected);
  });

  it.each(['', '   ', 'Klingon', 'n/a', '12', 'xx-yy-zz-!!'])('%j is unknown', (input) => {
    expect(normaliseLanguage(input)).toBeUndefined();
  });
});

describe('detectLanguage', () => {
  it.each([
    ['en', 'Thanks for the great session last week. Would you be open to a quick call about how your team runs its research?'],
    ['de', 'Vielen Dank für Ihren Vortrag letzte Woche. Ich würde gern mehr darüber erfahren, wie Ihr Team Studien plant.'],
    ['fr', "Merci pour votre présentation de la semaine dernière. J'aimerais en savoir plus sur la façon dont votre équipe prépare ses études."],
    ['es', 'Gracias por tu charla de la semana pasada. Me encantaría saber más sobre cómo tu equipo planifica sus estudios.'],
    ['pt', 'Obrigado pela sua palestra da semana passada. Gostaria de saber mais sobre como a sua equipa planeia os estudos.'],
    ['it', 'Grazie per il tuo intervento della settimana scorsa. Mi piacerebbe sapere di più su come il tuo team organizza gli studi.'],
    ['nl', 'Bedankt voor je presentatie van vorige week. Ik zou graag meer willen weten over hoe jullie team onderzoek plant.'],
  ])('%s', (expected, text) => {
    expect(detectLanguage(text)).toBe(expected);
  });

  it('ignores URLs, addresses and numbers when judging', () => {
    const text = 'Vielen Dank für Ihren Vortrag. https://cal.com/some-english-words/book-a-meeting-now sam@example.com 2024 Ich würde mich über ein Gespräch freuen.';
    expect(detectLanguage(text)).toBe('de');
  });

  it.each([
    ['empty', ''],
    ['short', 'Hi Ana, thanks!'],
    ['emoji only', '🙂🎉👋 '.repeat(30)],
    ['numbers and links only', 'https://example.com/a/b/c 0123 456 789 sam@example.com '.repeat(5)],
  ])('is unsure for %s text', (_name, text) => {
    expect(detectLanguage(text)).toBeUndefined();
  });

  it('handles a very long text (franc reads the first 2048 characters)', () => {
    const text =
      'Thanks for the great session last week. Would you be open to a quick call about how your team runs its research? ' +
      'We are building a small tool that keeps study plans, notes and recordings together, and we would love your view. '.repeat(500);
    expect(text.length).toBeGreaterThan(50_000);
    expect(detectLanguage(text)).toBe('en');
  });

  it('gaps put the detected language first at 0 and others further away', () => {
    const gaps = languageGaps('Gracias por tu charla de la semana pasada. Me encantaría saber más sobre tu equipo.');
    expect([...gaps!.entries()][0]).toEqual(['es', 0]);
    expect(gaps!.get('pt')).toBeGreaterThan(0);
    expect(gaps!.get('en')).toBeGreaterThan(gaps!.get('pt')!);
    expect(gaps!.has('ru')).toBe(false); // another script
  });

  it('gaps do not shrink on long texts', () => {
    const short = 'Vielen Dank für Ihren Vortrag letzte Woche. Ich würde gern mehr darüber erfahren, wie Ihr Team Studien plant. ';
    const long = short + 'Wir bauen ein kleines Werkzeug, das Studienpläne, Notizen und Aufnahmen zusammenhält. '.repeat(100);
    expect(languageGaps(long)!.get('en')).toBeGreaterThan(0.3);
    expect(languageGaps(short)!.get('en')).toBeGreaterThan(0.3);
  });

  it('a text in another script than the expected language has no gap for it', () => {
    const gaps = languageGaps('Спасибо за ваш доклад на прошлой неделе. Мне было бы интересно узнать больше о вашей команде.');
    expect(gaps!.has('ru')).toBe(true);
    expect(gaps!.has('de')).toBe(false);
    // franc-min cannot tell Russian from Ukrainian on two sentences: unsure rather than wrong.
    expect(detectLanguage('Спасибо за ваш доклад на прошлой неделе. Мне было бы интересно узнать больше о вашей команде.')).toBeUndefined();
  });

  it('treats languages franc confuses as one', () => {
    expect(sameLanguage('hr', 'sr')).toBe(true);
    expect(sameLanguage('ms', 'id')).toBe(true);
    expect(sameLanguage('es', 'pt')).toBe(false);
    expect(sameLanguage('en', 'en')).toBe(true);
  });
});
