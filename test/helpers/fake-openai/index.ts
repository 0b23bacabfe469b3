// A fake OpenAI-compatible server (node:http, 127.0.0.1, port 0) speaking the wire format as
// ../shared/docs/openai-compatible.md describes vLLM, llama-server and LM Studio: GET /v1/models,
// POST /v1/chat/completions streamed (SSE) or whole, structured output, an optional API key,
// error bodies in their shapes. What it generates is derived from the request as the fake Ollama's
// is. It records every request.
//
// server.ts     the server, routing, the key check, /v1/models
// chat.ts       /v1/chat/completions: request checks, slots, the SSE stream or the whole answer
// behaviour.ts  what a test scripts: latency, errors with Retry-After, stream errors, cuts, finish reason
// wire.ts       error bodies and the SSE writes (split events, several per write)
export { startFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions } from './server.js';
export type { Behaviour, BehaviourFn } from './behaviour.js';
