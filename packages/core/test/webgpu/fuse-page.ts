/** The in-browser half of fuse.e2e.test.ts: fuse-checks.ts handed to the test through `window`. */
import { fuseChecks, type FuseReport } from './fuse-checks';

declare global {
  interface Window { fuseChecks: () => Promise<FuseReport> }
}
window.fuseChecks = fuseChecks;
export {};
