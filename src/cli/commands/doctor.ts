// `draftsmith doctor`: runs the checks (src/app/doctor.ts) and prints the report (src/ui/doctor-report.ts).
// The report is the command's data: stdout. Exit 1 when no draft could run.
import { ExitError } from '../../core/errors.js';
import { splitHostList } from '../../core/host-address.js';
import { runDoctor, type DoctorOptions } from '../../app/doctor.js';
import { painter, renderDoctorReport } from '../../ui/doctor-report.js';
import type { CliIo } from '../streams.js';

export type { DoctorOptions };

export async function runDoctorCommand(opts: DoctorOptions, io: CliIo): Promise<void> {
  // Several hosts: doctor checks the first.
  const { facts, report } = await runDoctor({ ...opts, host: splitHostList(opts.host)[0] }, io);
  io.stdout.write(renderDoctorReport(report, painter(facts.terminal.colorLevel)));
  if (report.exitCode !== 0) throw new ExitError(report.exitCode);
}
