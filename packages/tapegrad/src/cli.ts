#!/usr/bin/env node
/**
 * Entry point of the `tapegrad` command (bin): `tapegrad train | eval | sweep | help`.
 * See `tapegrad --help`, or cli/main.ts for the programmatic entry.
 */
import { main } from './cli/main';

process.exitCode = main(process.argv.slice(2));
