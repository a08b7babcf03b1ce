import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    // Keep the bin built by the second config (both configs run at the same time).
    clean: ['!cli.cjs', '!cli.cjs.map'],
    target: 'es2020',
    tsconfig: '../../tsconfig.build.json',
  },
  {
    // The `tapegrad` command (bin): CommonJS is enough for `node dist/cli.cjs`; the shebang is kept.
    entry: ['src/cli.ts'],
    format: ['cjs'],
    dts: false,
    clean: false,
    target: 'es2020',
    tsconfig: '../../tsconfig.build.json',
  },
]);
