/**
 * The preflight of the Dawn tests (dawn.ts): opens the webgpu device in this Node process and runs one
 * kernel with a readback, then prints `{"ok": adapter}` or `{"initError": message}`. A machine whose Vulkan
 * stack crashes Dawn dies here, before any check of ours runs.
 */
import { tensor, webgpu } from '@tapegrad/core';

async function main(): Promise<void> {
  try {
    await webgpu.init();
  } catch (e) {
    process.stdout.write(`${JSON.stringify({ initError: (e as Error).message })}\n`);
    return;
  }
  const v = await tensor([1, 2, 3], { device: 'webgpu' }).mul(2).dataAsync();
  if (Array.from(v).join() !== '2,4,6') throw new Error(`a doubling kernel read back ${Array.from(v).join()}`);
  process.stdout.write(`${JSON.stringify({ ok: webgpu.info() })}\n`);
}

main().then(
  () => process.exit(0), // Dawn's live instance could keep Node running
  (e: unknown) => {
    process.stderr.write(`${String((e as Error).stack ?? e)}\n`);
    process.exit(1);
  },
);
