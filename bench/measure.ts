// One run of the built CLI, timed, with its peak RSS (the kernel's VmHWM, polled): shared by the
// benchmark's sections.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Measured {
  code: number | null;
  ms: number;
  peakRssKb: number;
  stderr: string;
  /** The child's own CPU time, user + system, all its threads (ms); only with `cpu: true`. */
  cpuMs?: number;
}

/**
 * The memory every run of the benchmark uses unless it names another (`--memory` wins over it):
 * a file in the bench's temporary folder, so no run opens the user's real memory. run.ts sets it
 * in its own environment first, so every child (here, hosts.ts, startup.ts, engines-cpu.ts) inherits it.
 */
export function benchMemoryEnv(work: string): { DRAFTSMITH_MEMORY: string } {
  return { DRAFTSMITH_MEMORY: path.join(work, 'bench-memory.db') };
}

/** A preload that writes the process's own rusage (user + system, µs) to $BENCH_RUSAGE_FILE at exit. */
function cpuPreload(dir: string): string {
  const file = path.join(dir, 'bench-rusage.cjs');
  writeFileSync(
    file,
    "process.on('exit', () => { const u = process.resourceUsage(); require('node:fs').writeFileSync(process.env.BENCH_RUSAGE_FILE, String(u.userCPUTime + u.systemCPUTime)); });\n",
  );
  return file;
}

export function runMeasured(bin: string, args: string[], opts: { cwd: string; env?: Record<string, string>; cpu?: boolean; nodeArgs?: string[] }): Promise<Measured> {
  const usage = path.join(opts.cwd, `bench-rusage-${process.pid}.txt`);
  rmSync(usage, { force: true });
  const pre = [...(opts.nodeArgs ?? []), ...(opts.cpu ? ['--require', cpuPreload(opts.cwd)] : [])];
  const env = { ...process.env, ...benchMemoryEnv(opts.cwd), ...opts.env, ...(opts.cpu ? { BENCH_RUSAGE_FILE: usage } : {}) };
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [...pre, bin, ...args], { cwd: opts.cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
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
      const ms = performance.now() - start;
      const cpuMs = opts.cpu && existsSync(usage) ? Number(readFileSync(usage, 'utf8')) / 1000 : undefined;
      resolve(cpuMs === undefined ? { code, ms, peakRssKb: peak, stderr } : { code, ms, peakRssKb: peak, stderr, cpuMs });
    });
  });
}
