// Sentiment labels from a real model (issue 13 §2): replies in five languages with the label a
// person gives them, classified by the request draftsmith sends (core/analysis/sentiment.ts). Runs
// only when a real model is configured for tests; a fake's label would prove nothing, so without
// one the whole table is skipped, with a message saying how to run it:
//   DRAFTSMITH_TEST_MODEL=llama3.2 npx vitest run test/integration/sentiment-labels.test.ts
//   (optional: DRAFTSMITH_TEST_ENGINE=ollama|openai|llama-cpp, DRAFTSMITH_TEST_HOST=URL; a .gguf path
//   as the model runs in-process)
// Sources: the `realdata` ones are the text parts of public test mails (/work/shared/realdata/
// mail-mailparser, SOURCES.md); the others are constructed in the way customers write, one
// unambiguous feeling each (a `mixed` one holds praise and a complaint side by side).
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseEngine } from '../../src/app/choose-engine.js';
import { parseSentiment, sentimentRequest } from '../../src/core/analysis/sentiment.js';
import type { Engine, EngineChoice } from '../../src/core/engine.js';
import { parseProfile, type Sentiment } from '../../src/core/profile.js';

const model = process.env.DRAFTSMITH_TEST_MODEL?.trim();
if (!model) console.warn('skipping the sentiment label table: no real model configured (set DRAFTSMITH_TEST_MODEL, e.g. llama3.2; labels from a fake would prove nothing)');

const TABLE: [lang: string, source: string, text: string, expected: Sentiment][] = [
  ['en', 'realdata: delivery-status.eml', 'An error occurred while trying to deliver the mail to the following recipients: xxxx@xxxx.com', 'neutral'],
  ['en', 'realdata: mixed.eml', 'This e-mail message has been scanned for Viruses and Content and cleared', 'neutral'],
  ['en', 'constructed', 'Thanks so much for the quick turnaround — the new dashboard is exactly what our team needed. Happy to talk next week!', 'positive'],
  ['en', 'constructed', 'This is the third time I have asked you to fix our invoice. Frankly, I am fed up and considering other vendors.', 'negative'],
  ['en', 'constructed', 'I am out of the office until 4 March with limited access to email.', 'neutral'],
  ['en', 'constructed', 'Love the product itself, but your support team took two weeks to answer a simple question. Not acceptable.', 'mixed'],
  ['de', 'constructed', 'Vielen Dank für die schnelle Hilfe! Die Migration lief reibungslos, das Team ist begeistert.', 'positive'],
  ['de', 'constructed', 'Ich habe jetzt zum dritten Mal wegen derselben falschen Rechnung geschrieben. Das ist wirklich ärgerlich und unprofessionell.', 'negative'],
  ['de', 'constructed', 'Bitte schicken Sie mir die Unterlagen an meine neue Adresse in Hamburg.', 'neutral'],
  ['fr', 'constructed', 'Merci beaucoup pour votre présentation, c\'était très clair. Nous aimerions avancer dès que possible.', 'positive'],
  ['fr', 'constructed', 'Je suis très déçu : le service est en panne depuis hier et personne ne répond à nos appels.', 'negative'],
  ['es', 'constructed', 'No me interesa y ya les he pedido que dejen de escribirme. Es la última vez que lo digo.', 'negative'],
  ['es', 'constructed', '¡Genial! Justo lo que buscábamos, muchas gracias por pensar en nosotros.', 'positive'],
  ['ja', 'constructed', 'ご提案ありがとうございます。製品はとても気に入っていますが、価格が高すぎて今回は見送ります。', 'mixed'],
];

describe.skipIf(!model)(`sentiment labels from a real model (${model ?? 'none configured'})`, () => {
  let engine: Engine;
  beforeAll(async () => {
    const parsed = parseProfile({ goal: 'sentiment labels' });
    if (!parsed.ok) throw new Error('bad test profile');
    const io = { stdin: new PassThrough(), stderr: process.stderr, env: process.env, cwd: process.cwd() };
    const engineName = process.env.DRAFTSMITH_TEST_ENGINE as EngineChoice | undefined;
    const host = process.env.DRAFTSMITH_TEST_HOST;
    engine = await chooseEngine({ model, timeout: 120, ...(engineName ? { engine: engineName } : {}), ...(host ? { host } : {}) }, parsed.profile, io, () => () => undefined);
    await engine.prepare();
  }, 600_000);
  afterAll(async () => {
    await engine?.close();
  });

  it.each(TABLE)('%s (%s): %s -> %s', async (_lang, _source, text, expected) => {
    const result = await engine.generate(sentimentRequest(text, { seed: 1 }));
    expect(parseSentiment(result.text).label).toBe(expected);
  }, 120_000);
});
