// Who decides: `--reviewer NAME`, else the OS user ($USER when the system cannot say), else `unknown`.
import os from 'node:os';
import { stripControlsInline } from '../core/text/sanitize.js';

export function reviewerName(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const given = stripControlsInline(flag ?? '').trim();
  if (given) return given;
  try {
    const name = os.userInfo().username;
    if (name) return name;
  } catch {
    // No passwd entry (a container's random uid): fall back to the environment.
  }
  return env.USER?.trim() || env.USERNAME?.trim() || 'unknown';
}
