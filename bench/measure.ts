// One run of the built CLI, timed, with its peak RSS (the kernel's VmHWM, polled): shared by the
// benchmark's sections.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Measured {
  code: number | null;
  ms: number;
  peakRssKb: number;
  stderr: string;
}

export function runMeasured(bin: string, args: string[], opts: { cwd: string; env?: Record<string, string> }): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [bin, ...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let peak = 0;
    // VmHWM is the kernel's own peak-RSS counter for the process.
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]));
      } catch {
        /* exited */
      }
    }, 20);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ code, ms: performance.now() - start, peakRssKb: peak, stderr });
    });
  });
}
