// What the fake model "generates" when a test does not say: an answer derived from the request
// (the recipient JSON in the last user message, shaped to the `format` schema), so a test can
// check that the right recipient got the right draft.
import { tryParse } from './wire.js';

/**
 * A deterministic answer built from the request: it greets the recipient found in the last user
 * message's JSON block and mentions their company, shaped to the `format` schema.
 */
export function defaultContent(body: Record<string, any>): string {
  const messages: { role?: string; content?: string }[] = Array.isArray(body.messages) ? body.messages : [];
  const lastUser = [...messages].reverse().find((m) => m.role === 'user')?.content ?? String(body.prompt ?? '');
  // The recipient's block, not an example's, a history item's or a catalog item's before it.
  const data = lastUser.indexOf('Recipient data');
  const recipient = findJsonObject(data >= 0 ? lastUser.slice(data) : lastUser) ?? {};
  const fullName = pick(recipient, /^(full.?name|name|display.?name|contact.?name)$/i);
  const first = pick(recipient, /^(first.?name|given.?name|firstname|vorname|pr[ée]nom)$/i) ?? fullName?.split(/\s+/)[0] ?? 'there';
  const company = pick(recipient, /^(company|company.?name|organi[sz]ation|employer|account.?name)$/i);
  const subject = `A note for ${first}${company ? ` at ${company}` : ''}`;
  const text =
    `Hi ${first} — I came across ${company ? `${company}'s` : 'your'} work and wanted to say hello. ` +
    `Would a short call next week suit you? Best regards…`;
  const format = body.format;
  if (format === 'json') return JSON.stringify({ subject, body: text });
  if (format && typeof format === 'object') return JSON.stringify(shapedAnswer(format, subject, text, first));
  return text;
}

/** The answer as the `format` schema's object: subject and body, and a plain value for any other key. */
function shapedAnswer(format: object, subject: string, text: string, first: string): Record<string, unknown> {
  const props = (format as { properties?: Record<string, { type?: string }> }).properties ?? { body: { type: 'string' } };
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(props)) {
    if (key === 'subject') out[key] = subject;
    else if (key === 'body') out[key] = text;
    else if (schema?.type === 'number' || schema?.type === 'integer') out[key] = 1;
    else if (schema?.type === 'boolean') out[key] = true;
    else if (schema?.type === 'array') out[key] = [];
    else out[key] = `${key} for ${first}`;
  }
  return out;
}

/** The first balanced {...} in the text that parses as a JSON object. */
export function findJsonObject(text: string): Record<string, unknown> | undefined {
  for (let start = text.indexOf('{'); start >= 0; start = text.indexOf('{', start + 1)) {
    let depth = 0;
    let inString = false;
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) {
        const parsed = tryParse(text.slice(start, i + 1));
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
        break;
      }
    }
  }
  return undefined;
}

function pick(obj: Record<string, unknown>, key: RegExp): string | undefined {
  for (const [k, v] of Object.entries(obj)) {
    if (key.test(k) && typeof v === 'string' && v.trim() !== '') return v.trim();
  }
  for (const v of Object.values(obj)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const found = pick(v as Record<string, unknown>, key);
      if (found) return found;
    }
  }
  return undefined;
}
