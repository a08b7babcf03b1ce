/**
 * Every property test runs from one fixed seed by default, so `npm test` (and CI) gives the same
 * verdict on the same commit: a red run always means the code, never the draw. A run that
 * explores fresh inputs is one flag away: `FC_SEED=random npm test` (or `npm run test:explore`,
 * which also runs each property that sets no numRuns of its own 1,000 times). fast-check prints the seed and the shrunk
 * counterexample of any failure; pin that counterexample as an `examples` entry of the property.
 */
const fc = require('fast-check');

const seed = process.env.FC_SEED ?? '20261207';
const numRuns = process.env.FC_NUM_RUNS;
if (seed !== 'random' && !/^-?\d+$/.test(seed)) throw new Error(`FC_SEED must be an integer or 'random', got '${seed}'`);
if (numRuns !== undefined && !/^\d+$/.test(numRuns)) throw new Error(`FC_NUM_RUNS must be a whole number, got '${numRuns}'`);
fc.configureGlobal({
  ...(seed === 'random' ? {} : { seed: Number(seed) }),
  ...(numRuns === undefined ? {} : { numRuns: Number(numRuns) }),
});
