// Is a pid still the process that wrote it down? A pid alone cannot say: once that process dies,
// the kernel hands the same number to the next program (sooner on a busy machine, and after every
// reboot). On Linux, /proc names a process unambiguously by boot id + start time; elsewhere only
// kill(pid, 0) is available.
import { readFileSync } from 'node:fs';

/** kill(pid, 0): ESRCH means no such process; EPERM means one exists that is not ours to signal. */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * `<boot id>/<start time>` of a running process (Linux), undefined where /proc cannot tell.
 * Two different processes never share it, even across reboots.
 */
export function processIdentity(pid: number): string | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  const boot = readProc('/proc/sys/kernel/random/boot_id')?.trim();
  if (stat === undefined || !boot) return undefined;
  // Field 2 (the command name) is in parentheses and may hold spaces or ')': count fields after
  // the last ')'. What follows starts at field 3, so field 22 (starttime) is the 20th.
  const start = stat.slice(stat.lastIndexOf(')') + 1).trim().split(/\s+/)[19];
  return start && /^\d+$/.test(start) ? `${boot}/${start}` : undefined;
}

/** The process's command line with its arguments space-separated (Linux), else undefined. */
export function processCommandLine(pid: number): string | undefined {
  return readProc(`/proc/${pid}/cmdline`)?.replace(/\0/g, ' ').trim();
}

function readProc(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
