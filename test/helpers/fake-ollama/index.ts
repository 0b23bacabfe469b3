// A fake Ollama server (node:http, 127.0.0.1, port 0) that speaks the wire protocol as
// ../shared/docs/ollama-and-libraries.md describes it: NDJSON streaming by default, Go field order,
// metrics in the final chunk, {"error"} bodies with Ollama's statuses, plain-text / and 404 pages.
// What it "generates" is derived from the request (the recipient JSON in the last user message, the
// `format` schema), so tests can check that the right recipient got the right draft. Behaviour
// knobs (latency, slots, errors before/after output, cut connections, stalls) are set per server,
// per request via a queue, or by a function of the request. It records every request.
//
// server.ts      the HTTP server, its handle (start, close, counters)
// requests.ts    each request recorded and routed; Ollama's 404/405/400 pages
// chat.ts        /api/chat and /api/generate, streamed or whole, behind the slots (slots.ts)
// endpoints.ts   /api/version, /api/tags, /api/ps, /api/show, /api/pull over the models (models.ts)
// embed.ts       /api/embed, and the hashed bag-of-words vectors both fakes answer with
// behaviour.ts   what a test scripts: delays, errors, cuts, stalls; the one-shot answer queue
// content.ts     the answer derived from the request when a test gives none
// wire.ts        bodies, content types, timestamps and writes as Ollama's Go server makes them
export { startFakeOllama, type FakeOllama, type FakeOllamaOptions } from './server.js';
export type { RecordedRequest } from './requests.js';
export type { Behaviour, BehaviourFn } from './behaviour.js';
export type { FakeModel } from './models.js';
export { defaultContent, findJsonObject } from './content.js';
export { fakeEmbedding, embedWords } from './embed.js';
