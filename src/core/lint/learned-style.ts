// The profile keys `draftsmith learn` writes from a reviewer's edits: `greeting` (the opening
// word(s)) and `required_phrases`. Both are warnings, and both are skipped for a draft written in
// another language than the profile's, where the model rightly translates them. Pure.
import type { LintFinding } from './finding.js';
import { normaliseLanguage } from './language.js';
import { phrasesIn, plainText } from './phrase-match.js';

export interface LearnedStyleProfile {
  language?: unknown;
  greeting?: unknown;
  required_phrases?: unknown;
}

/** Findings for a draft that does not open with the greeting, or lacks a required phrase. */
export function learnedStyle(body: string, profile: LearnedStyleProfile, language: string | undefined): LintFinding[] {
  const profileLanguage = normaliseLanguage(typeof profile.language === 'string' ? profile.language : '');
  if (language && profileLanguage && language !== profileLanguage) return [];
  const found: LintFinding[] = [];
  const greeting = typeof profile.greeting === 'string' ? profile.greeting.trim() : '';
  if (greeting !== '') {
    const first = body.split('\n').find((l) => l.trim() !== '') ?? '';
    if (!`${plainText(first)} `.startsWith(`${plainText(greeting)} `)) {
      found.push({ level: 'warning', code: 'greeting-style', message: `the draft does not open with the profile's greeting "${greeting}"` });
    }
  }
  const required = Array.isArray(profile.required_phrases) ? profile.required_phrases.filter((p): p is string => typeof p === 'string') : [];
  // Punctuation aside: "Happy to send the slides." is kept in "happy to send the slides!".
  const present = new Set(phrasesIn(plainText(body), required.map(plainText)));
  for (const phrase of required) {
    if (plainText(phrase) !== '' && !present.has(plainText(phrase))) {
      found.push({ level: 'warning', code: 'required-phrase-missing', message: `the required phrase "${phrase.trim()}" is missing` });
    }
  }
  return found;
}
