import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/node/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'es2020',
  tsconfig: '../../tsconfig.build.json',
  // The Node entry locates the `mnist` package from its own file: shims give the ES module build a
  // `__filename` derived from import.meta.url.
  shims: true,
  // No shared chunks: the browser-safe main entry must not import the Node-only shim chunk.
  splitting: false,
});
