/**
 * `node scripts/run-ts.cjs bench/webgpu-structure.ts [--json]`
 *
 * The webgpu device's structural figures per training step (issue 17), measured in headless Chromium with
 * SwiftShader (/usr/bin/chromium; no GPU needed, and timings there would mean nothing): dispatches,
 * command-buffer submissions, bytes read back and uploaded, buffers created, for the MLP (8-32-16-3, batch
 * 64, SGD with momentum) and CNN (conv-ReLU-maxpool-conv-ReLU-linear, batch 8, Adam) steps of
 * packages/core/test/webgpu/structure.ts, eager and through compile() (with its elementwise chains fused,
 * webgpu/fuse.ts, and with fusion off: "compiled-unfused"). "warm" is the last of 8 steps in a
 * row; "collected" a step after the collector has returned freed tensors' buffers to the pool. The
 * targets (asserted by packages/core/test/webgpu/compile.e2e.test.ts): a compiled step submits one command
 * buffer, reads nothing back and creates no buffer; dispatches per MLP step ≤ 2 × its ops.
 */
import path from 'node:path';
import { haveChromium, openGpuPage, CHROMIUM } from '../packages/core/test/webgpu/browser';
import type { StructureRow } from '../packages/core/test/webgpu/structure';

async function main(): Promise<void> {
  if (!haveChromium()) {
    console.error(`webgpu-structure: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
    process.exit(2);
  }
  const root = path.resolve(__dirname, '..');
  const gp = await openGpuPage(path.join(root, 'packages/core/test/webgpu/compile-page.ts'), path.join(root, 'packages'));
  let rows: StructureRow[];
  try {
    await gp.page.waitForFunction(() => typeof window.structureChecks === 'function');
    rows = await gp.page.evaluate(() => window.structureChecks());
  } finally {
    await gp.close();
  }
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(rows.map(({ losses: _l, params: _p, ...r }) => r), null, 1));
    return;
  }
  const head = ['step', 'mode', 'ops', 'dispatches', 'submissions', 'bytes read back', 'bytes uploaded', 'buffers created (warm / collected)'];
  const table = rows.map((r) => {
    const warm = r.steps[r.steps.length - 1], c = r.collected;
    return [r.model, r.mode, String(r.ops), String(c.dispatches), String(c.submissions), String(c.bytesReadBack), String(c.bytesUploaded), `${warm.buffersCreated} / ${c.buffersCreated}`];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log('webgpu: per training step (SwiftShader in headless Chromium; counts, not timings)');
  console.log(line(head));
  for (const t of table) console.log(line(t));
  // fusion (issue 17): the dispatches of one step, side by side
  for (const model of ['mlp', 'cnn']) {
    const d = (mode: string): string => String(rows.find((r) => r.model === model && r.mode === mode)?.collected.dispatches ?? '-');
    const ops = rows.find((r) => r.model === model)?.ops ?? 0;
    console.log(`${model}: ${ops} ops; dispatches eager ${d('eager')}, compiled unfused ${d('compiled-unfused')}, compiled fused ${d('compiled')}`);
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
