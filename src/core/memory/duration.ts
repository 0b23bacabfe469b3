// A span of time as a person writes it in a profile or on the command line: `365d`, `12w`, `6m`,
// `1y` (a month is 30 days, a year 365). Pure.

const UNIT_DAYS: Record<string, number> = { d: 1, w: 7, m: 30, y: 365 };
const DURATION = /^\s*(\d{1,6})\s*([dwmy])\s*$/i;

/** `365d` -> 365, `2w` -> 14; undefined when the text is not one number and a unit (d, w, m, y). */
export function parseDays(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * UNIT_DAYS[m[2]!.toLowerCase()]!;
}
