#!/usr/bin/env node
/**
 * Entry point of the `tapegrad` command (bin): `tapegrad train | eval | sweep | help`.
 * See `tapegrad --help`, or cli/main.ts for the programmatic entry.
 */
import { main } from './cli/main';

// `tapegrad train | head` closes the pipe early: stop quietly instead of crashing on EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

process.exitCode = main(process.argv.slice(2));
