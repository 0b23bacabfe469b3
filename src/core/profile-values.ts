// The small value shapes every part of a profile's schema uses.
import * as z from 'zod';

/** Text with something in it (trimmed). */
export const text = z.string().trim().min(1);
export const textList = z.array(text);
/** YAML reads `age: 42` as a number and `company:` as null; a cell is text either way. */
export const cell = z
  .union([z.string(), z.number(), z.boolean(), z.null()])
  .transform((v) => (v === null ? '' : String(v)));
