// One lint finding, the type every check returns. Its own module so that the checks
// (greeting, contacts, …) and the lint that runs them do not import each other.
export type LintLevel = 'error' | 'warning';
export interface LintFinding {
  level: LintLevel;
  code: string;
  message: string;
}
