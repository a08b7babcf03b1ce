import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { decodeBase64 } from '../../src/kernels/base64';
import { SIMD_PROBE } from '../../src/kernels/wasm-module';
import { GEMM_WASM_BASE64 } from '../../src/kernels/wasm-bytes.generated';

const script = join(__dirname, '..', '..', 'scripts', 'build-wasm.mjs');

describe('embedded wasm module', () => {
  it('is exactly what scripts/build-wasm.mjs compiles from src/kernels/wasm/gemm.as', () => {
    // --check recompiles the AssemblyScript source and exits non-zero on any difference.
    const out = execFileSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
    expect(out).toMatch(/build-wasm --check: OK \(\d+ bytes reproduced\)/);
  }, 120000);

  it('decodes to a valid WebAssembly SIMD module exporting the kernels', () => {
    const bytes = decodeBase64(GEMM_WASM_BASE64);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]); // "\0asm", version 1
    expect(WebAssembly.validate(bytes)).toBe(true);
    const names = WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name).sort();
    const conv = ['col2imF32', 'col2imF64', 'im2colF32', 'im2colF64', 'maxPool2dF32', 'maxPool2dF64', 'scatterAddF32', 'scatterAddF64', 'maxPool2x2BackwardF32', 'maxPool2x2BackwardF64', 'fillRowsF32', 'fillRowsF64']; // issue 12
    const rows = ['layerNormF32', 'layerNormBackwardF32', 'scaledSoftmaxF32', 'softmaxBackwardF32', 'moveHeads', 'squaredErrorSumF32', 'squaredErrorGradF32']; // Transformer row kernels (issue 13)
    expect(names).toEqual(['adamF32', 'addF32', 'dgemm', 'dgemmBatched', 'lstmCellBackwardF32', 'lstmCellF32', 'memory', 'mulF32', 'reluBackwardF32', 'reluF32', 'sgdF32', 'sgdMomentumF32', 'sgemm', 'sgemmBatched', 'softmaxRowsF32', 'sumRowsF32', 'workspaceBytes', ...conv, ...rows].sort());
    expect(WebAssembly.Module.imports(new WebAssembly.Module(bytes))).toEqual([]);
    // No data section (id 11): the JS side owns all of linear memory, starting at offset 0.
    const ids: number[] = [];
    for (let i = 8; i < bytes.length; ) {
      ids.push(bytes[i++]);
      let size = 0;
      for (let shift = 0; ; shift += 7) {
        const b = bytes[i++];
        size |= (b & 0x7f) << shift;
        if (!(b & 0x80)) break;
      }
      i += size;
    }
    expect(ids).not.toContain(11);
    expect(ids).toContain(10); // code section present: the scan walked real sections
  });

  it('SIMD probe is a valid module on this engine and invalid once its SIMD opcode is broken', () => {
    expect(WebAssembly.validate(SIMD_PROBE)).toBe(true);
    const broken = SIMD_PROBE.slice();
    broken[broken.length - 2] = 0xff; // unknown 0xfd-prefixed opcode
    expect(WebAssembly.validate(broken)).toBe(false);
  });
});

describe('decodeBase64', () => {
  it('matches Buffer on every padding length', () => {
    for (const text of ['', 'a', 'ab', 'abc', 'abcd', 'tapegrad \u00ff\u0000']) {
      const b64 = Buffer.from(text, 'latin1').toString('base64');
      expect(Array.from(decodeBase64(b64))).toEqual(Array.from(Buffer.from(text, 'latin1')));
    }
    expect(Array.from(decodeBase64('AGFzbQ=='))).toEqual([0, 97, 115, 109]);
  });
  it('rejects characters outside the alphabet', () => {
    expect(() => decodeBase64('ab$d')).toThrow("decodeBase64: invalid character '$' at position 2");
  });
});
