// Tone profiles the tests write beside their CSVs, the same bytes in every file that uses one.

/** An invitation to a short call, by e-mail, from Sam Lee <sam@example.org>. */
export const CALL_PROFILE = `goal: Invite people to a short call about their work.
channel: email
sign_off: Best regards
sender:
  name: Sam Lee
  email: sam@example.org
`;

/** The same invitation with a word limit and a banned phrase, so the lint has something to find. */
export const LINTED_CALL_PROFILE = `goal: Invite people to a short call about their work.
channel: email
length:
  max_words: 60
sign_off: Best regards
banned_phrases: [synergy]
sender:
  name: Sam Lee
  email: sam@example.org
`;
