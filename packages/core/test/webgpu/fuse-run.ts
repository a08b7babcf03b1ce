/**
 * The Node half of fuse-node.test.ts: fuse-checks.ts on Dawn (the optional `webgpu` package) in this
 * process, the report printed as one JSON line (`node --expose-gc scripts/run-ts.cjs …/fuse-run.ts`).
 */
import { fuseChecks } from './fuse-checks';

fuseChecks().then(
  (r) => {
    // exit once the line is out (a pipe takes it asynchronously), not left to Dawn (a live instance can keep Node running)
    process.stdout.write(`${JSON.stringify(r)}\n`, () => process.exit(0));
  },
  (e: unknown) => {
    process.stderr.write(`${String((e as Error).stack ?? e)}\n`);
    process.exit(1);
  },
);
