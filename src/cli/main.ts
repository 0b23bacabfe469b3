// The one place that turns errors into messages and exit codes.
import { CommanderError } from 'commander';
import { DraftsmithError, EXIT, InputError, formatLocation, isBrokenPipe } from '../core/errors.js';
import { stripControls } from '../core/text/sanitize.js';
import { processIo, type CliIo } from './streams.js';
import { buildProgram } from './program.js';

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const debug = argv.includes('--debug') || Boolean(io.env.DRAFTSMITH_DEBUG);
  // dist/ is bundled: with --debug, stack traces name src/ files and lines through the source maps.
  if (debug) process.setSourceMapsEnabled(true);
  // `draftsmith --help | head -3`: the reader leaves early. A write error on stdout is then the
  // reader's choice, not a crash; commands that stream records see it through their writers.
  const quietPipe = (err: NodeJS.ErrnoException) => {
    if (!isBrokenPipe(err)) throw err;
  };
  (io.stdout as NodeJS.WritableStream).on?.('error', quietPipe);
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    return report(err, io, debug);
  }
}

function report(err: unknown, io: CliIo, debug: boolean): number {
  if (err instanceof CommanderError) {
    // Help and version, already printed. program.ts turns commander's real errors into UsageErrors.
    return err.exitCode === 0 || err.code === 'commander.help' ? EXIT.ok : EXIT.usage;
  }
  if (err instanceof DraftsmithError) {
    if (err.message) io.stderr.write(renderError(err));
    if (debug && err.cause) io.stderr.write(`${String((err.cause as Error)?.stack ?? err.cause)}\n`);
    return err.exitCode;
  }
  if (isBrokenPipe(err)) return EXIT.ok; // the reader of stdout went away (e.g. `| head`): not our failure
  const e = err as Error;
  io.stderr.write(`draftsmith: internal error: ${stripControls(String(e?.message ?? err))}\n`);
  if (debug) io.stderr.write(`${e?.stack ?? ''}\n`);
  else io.stderr.write('  Re-run with --debug for details, and please report it with the command you ran.\n');
  return EXIT.runtime;
}

export function renderError(err: DraftsmithError): string {
  const where = formatLocation(err.location);
  const lines = [`draftsmith: error: ${where ? `${where}: ` : ''}${err.message}`];
  if (err instanceof InputError) {
    for (const detail of err.details.slice(0, 20)) lines.push(`  ${detail}`);
    if (err.details.length > 20) lines.push(`  ... and ${err.details.length - 20} more`);
  }
  if (err.hint) lines.push(`  hint: ${err.hint}`);
  return `${lines.map((l) => stripControls(l)).join('\n')}\n`;
}
