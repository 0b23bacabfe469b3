// The shape of a profile's `rules:` (issue 13): conditions, effects, a rule. Shapes only: the
// rest of core/rules checks what a schema cannot (regexes compile, sentiment never of a private
// column) and evaluates them.
import * as z from 'zod';
import { cell, text, textList } from '../profile-values.js';

const SENTIMENTS = ['positive', 'neutral', 'negative', 'mixed'] as const;
export type Sentiment = (typeof SENTIMENTS)[number];
const sentimentSchema = z.union([z.enum(SENTIMENTS), z.array(z.enum(SENTIMENTS)).min(1)]);
const columnTest = {
  column: text,
  equals: cell.optional(),
  in: z.array(cell).min(1).optional(),
  contains: cell.optional(),
  matches: text.optional(),
  empty: z.boolean().optional(),
};
const columnConditionSchema = z.strictObject(columnTest);
/** Every key a condition may have, for "did you mean" on a misspelt one (`equal:`). */
export const CONDITION_KEYS: readonly string[] = [...Object.keys(columnTest), 'sentiment', 'of', 'all', 'any'];
const sentimentConditionSchema = z.strictObject({ sentiment: sentimentSchema, of: text.optional() });
export type ColumnCondition = z.output<typeof columnConditionSchema>;
export type SentimentCondition = z.output<typeof sentimentConditionSchema>;
export type RuleCondition = ColumnCondition | SentimentCondition | { all: RuleCondition[] } | { any: RuleCondition[] };
const conditionSchema: z.ZodType<RuleCondition> = z.lazy(() =>
  z.union([
    columnConditionSchema,
    sentimentConditionSchema,
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
  ]),
);
export const effectSchema = z.strictObject({
  tone: z
    .union([text, textList])
    .optional()
    .transform((t) => (t === undefined ? undefined : typeof t === 'string' ? [t] : t)),
  instructions: text.optional(),
  language: text.optional(),
  sign_off: text.optional(),
  template: text.optional(),
  skip: z.boolean().optional(),
});
export const ruleSchema = z.strictObject({ name: text.optional(), when: conditionSchema, then: effectSchema });
export type Rule = z.output<typeof ruleSchema>;
export type RuleEffect = z.output<typeof effectSchema>;
