// The answer asked of the model and read back: the JSON schema of a draft (subject and body for an
// email, a body otherwise) and a tolerant parse of what came back. Pure.
import type { JsonSchema } from '../engine.js';
import { EngineError } from '../errors.js';
import type { Channel } from '../profile.js';

export interface DraftText {
  subject?: string;
  body: string;
  /** User-defined answer fields (profile `output.fields`, issue 13), by name. */
  fields?: Record<string, string>;
}

export function draftSchema(channel: Channel): JsonSchema {
  return channel === 'email'
    ? {
        type: 'object',
        properties: { subject: { type: 'string' }, body: { type: 'string' } },
        required: ['subject', 'body'],
      }
    : { type: 'object', properties: { body: { type: 'string' } }, required: ['body'] };
}

/**
 * The model's JSON answer -> subject and body. Tolerates whitespace, a ```json fence and chatter
 * around the object. A missing subject is left for the lint to report; no body is a failure worth
 * retrying (a new generation may well succeed).
 */
export function parseDraftOutput(text: string, channel: Channel): DraftText {
  const value = parseJsonObject(text);
  if (value === undefined) {
    throw new EngineError(`the model's answer is not the JSON object asked for: ${excerpt(text)}`, {
      retryable: true,
      hint: 'try again; if it keeps happening, try another model (`--model`) or a lower --temperature.',
    });
  }
  const body = typeof value.body === 'string' ? value.body.trim() : '';
  if (!body) {
    throw new EngineError(`the model's answer has no message body: ${excerpt(text)}`, { retryable: true });
  }
  const subject = channel === 'email' && typeof value.subject === 'string' ? value.subject.replace(/\s*[\r\n]+\s*/g, ' ').trim() : '';
  return subject ? { subject, body } : { body };
}

/** The first JSON object a model's answer holds (whole, in a ```json fence, or amid chatter), or undefined. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  const trimmed = text.trim();
  const fenced = /^```[a-zA-Z]*\s*\n([\s\S]*?)\n?```$/.exec(trimmed)?.[1];
  const start = trimmed.indexOf('{');
  const end = trimmed.lastIndexOf('}');
  const candidates = [trimmed, fenced, start >= 0 && end > start ? trimmed.slice(start, end + 1) : undefined];
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    try {
      const value: unknown = JSON.parse(candidate);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // try the next reading
    }
  }
  return undefined;
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (!flat) return '(empty answer)';
  return JSON.stringify(flat.length > 80 ? `${flat.slice(0, 77)}...` : flat);
}
