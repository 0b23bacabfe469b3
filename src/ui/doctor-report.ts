// `draftsmith doctor`'s report as text: one line per check, then the verdict, painted by level
// when the terminal has colour.
import { Chalk } from 'chalk';
import type { CheckLevel, CheckResult } from '../core/doctor-checks.js';
import { stripControlsInline } from '../core/text/sanitize.js';

export type Paint = (level: CheckLevel, text: string) => string;

/** What the renderer needs of a report (src/app/doctor-report.ts builds it). */
export interface RenderableReport {
  checks: CheckResult[];
  exitCode: number;
  verdict: string;
}

/** One line per check, then the verdict. Every outside string is made safe for a terminal here. */
export function renderDoctorReport(report: RenderableReport, paint: Paint = (_l, t) => t): string {
  const nameWidth = Math.max(...report.checks.map((c) => c.name.length)) + 2;
  const lines = report.checks.map((c) => {
    const label = paint(c.level, c.level.padEnd(4));
    const fix = c.fix ? `; fix: ${stripControlsInline(c.fix)}` : '';
    return `${label}  ${c.name.padEnd(nameWidth)}${stripControlsInline(c.detail)}${fix}`;
  });
  lines.push('', paint(report.exitCode === 0 ? 'ok' : 'fail', stripControlsInline(report.verdict)));
  return `${lines.join('\n')}\n`;
}

/** Green, yellow, red by level at the terminal's colour level; plain text at level 0. */
export function painter(level: number): Paint {
  if (level === 0) return (_l, t) => t;
  const chalk = new Chalk({ level: level as 1 | 2 | 3 });
  return (l, t) => (l === 'ok' ? chalk.green(t) : l === 'warn' ? chalk.yellow(t) : chalk.red(t));
}
