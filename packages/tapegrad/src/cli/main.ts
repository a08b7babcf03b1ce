/**
 * The `tapegrad` command: parses the arguments, runs the command, maps failures to exit codes
 * (0 success, 1 the command failed, 2 bad command line) and prints errors on stderr.
 */
import { helpText, parseArgs, UsageError } from './args';
import { runEval } from './eval';
import { runSweep } from './sweep';
import { runTrain, type CliIO } from './train';

export type { CliIO } from './train';

/**
 * Runs `tapegrad` with the arguments after the program name and returns the exit code.
 *
 * @example
 * process.exitCode = main(process.argv.slice(2));
 */
export function main(argv: readonly string[], io: CliIO = { stdout: process.stdout, stderr: process.stderr }): number {
  let command = '';
  try {
    const args = parseArgs(argv);
    command = args.command;
    switch (args.command) {
      case 'help':
        io.stdout.write(helpText(args.topic));
        return 0;
      case 'train':
        runTrain(args, io);
        return 0;
      case 'eval':
        runEval(args, io);
        return 0;
      case 'sweep':
        runSweep(args, io);
        return 0;
    }
  } catch (err) {
    if (err instanceof UsageError) {
      const cmd = err.command ?? (['train', 'eval', 'sweep'].includes(argv[0]) ? argv[0] : undefined);
      io.stderr.write(`${err.message.startsWith('tapegrad') ? '' : `tapegrad${cmd ? ` ${cmd}` : ''}: `}${err.message}\n`);
      return err.exitCode;
    }
    const e = err as Error;
    io.stderr.write(`tapegrad ${command}: error: ${e?.message ?? String(err)}\n`);
    if (process.env.TAPEGRAD_DEBUG && e?.stack) io.stderr.write(e.stack + '\n');
    return 1;
  }
}
