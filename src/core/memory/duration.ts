// Ages written by people: `365d`, `52w`, `12m`, `1y` (and the same with a space or a long unit:
// `6 months`), as a whole number of days. For `history purge --older-than` and the profile's
// `memory.history_since`. A month is 30 days and a year 365: an age, not a calendar date. Pure.

const UNIT_DAYS: Record<string, number> = { d: 1, day: 1, days: 1, w: 7, week: 7, weeks: 7, m: 30, month: 30, months: 30, y: 365, year: 365, years: 365 };

/** Days, or undefined when the text is not a positive whole number with one of d, w, m, y. */
export function parseDays(text: string): number | undefined {
  const match = /^\s*(\d{1,6})\s*([a-z]+)\s*$/i.exec(text);
  if (!match) return undefined;
  const per = UNIT_DAYS[match[2]!.toLowerCase()];
  const count = Number(match[1]);
  if (per === undefined || count <= 0) return undefined;
  return count * per;
}

export const DURATION_EXAMPLES = '365d, 52w, 12m or 1y';
