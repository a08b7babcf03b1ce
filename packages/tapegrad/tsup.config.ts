import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    // Declarations come from tsc (tsconfig.dts.json): the bundled .d.ts of rollup-plugin-dts turns the
    // merged `data` namespace (browser + Node loaders) into JavaScript, which consumers cannot type-check.
    dts: false,
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
