/**
 * The webgpu device's Node-side behaviour without a device (issue 17): Node has no WebGPU, and here the
 * optional `webgpu` package (Dawn) is made absent, so init() must say what to install, and everything that
 * needs the device must fail with a message naming the call to make, while cpu tensors keep their behaviour
 * (`device`, the async readers on the host). The kernels themselves run in webgpu.e2e.test.ts (headless
 * Chromium with SwiftShader) and node-gpu.test.ts (Dawn in Node).
 */
import { tensor, webgpu, zeros, zerosLike, Tensor } from '@tapegrad/core';
import * as nn from '@tapegrad/nn';

// As in a project that did not install the optional package (jest's module system could not load it anyway:
// it is an ES module).
jest.mock('webgpu', () => {
  throw Object.assign(new Error("Cannot find module 'webgpu' from 'node-gpu.ts'"), { code: 'MODULE_NOT_FOUND' });
}, { virtual: true });

describe('webgpu in Node without the webgpu package', () => {
  test('init() rejects, naming the package to install and why', async () => {
    await expect(webgpu.init()).rejects.toThrow(/^webgpu\.init: WebGPU is not available: this is Node \d+\.\d+\.\d+, which has no navigator\.gpu; the webgpu device needs the optional `webgpu` package \(Dawn's Node bindings\): npm install webgpu$/);
    expect(webgpu.isReady()).toBe(false);
    // A failed init can be retried (and fails the same way).
    await expect(webgpu.init()).rejects.toThrow(/npm install webgpu/);
  });

  test('init() names a missing adapter and a failing requestAdapter', async () => {
    const g = globalThis as { navigator?: unknown };
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    try {
      Object.defineProperty(globalThis, 'navigator', { value: { gpu: { requestAdapter: async () => null } }, configurable: true, writable: true });
      await expect(webgpu.init()).rejects.toThrow(/requestAdapter\(\) returned no adapter .*--use-webgpu-adapter=swiftshader/);
      g.navigator = { gpu: { requestAdapter: async () => { throw new Error('blocked'); } } };
      await expect(webgpu.init()).rejects.toThrow(/^webgpu\.init: navigator\.gpu\.requestAdapter\(\) failed: Error: blocked/);
    } finally {
      if (saved) Object.defineProperty(globalThis, 'navigator', saved);
      else delete g.navigator;
    }
  });

  test("creating or moving a tensor to 'webgpu' before init() says to call it", () => {
    expect(() => tensor([1, 2], { device: 'webgpu' })).toThrow(/the webgpu device is not initialised; call `await webgpu.init\(\)` first/);
    expect(() => tensor([1, 2]).to('webgpu')).toThrow(/await webgpu\.init\(\)/);
    expect(() => zeros(2, { device: 'webgpu' })).toThrow(/await webgpu\.init\(\)/);
    expect(() => new nn.Linear(2, 3).to('webgpu')).toThrow(/await webgpu\.init\(\)/);
  });

  test('float64 cannot move to the device (checked before the device is needed)', () => {
    expect(() => tensor([1, 2], { dtype: 'float64' }).to('webgpu')).toThrow(/^to\('webgpu'\): float64 tensors cannot move to the webgpu device .*x\.float\(\)\.to\('webgpu'\)/);
  });

  test('device option values are checked', () => {
    expect(() => tensor([1], { device: 'cuda' as never })).toThrow(/^tensor: device must be 'cpu' or 'webgpu', got 'cuda'/);
    expect(() => zeros(2, { device: 'gpu' as never })).toThrow(/^zeros: device must be 'cpu' or 'webgpu'/);
  });

  test('cpu tensors: device, to(device), and the async readers', async () => {
    const x = tensor([[1, 2], [3, 4]], { device: 'cpu' });
    expect(x.device).toBe('cpu');
    expect(x.to('cpu')).toBe(x);
    expect(zerosLike(x).device).toBe('cpu');
    expect(Array.from(await x.dataAsync())).toEqual([1, 2, 3, 4]);
    expect(await x.toArrayAsync()).toEqual([[1, 2], [3, 4]]);
    expect(await x.sum().itemAsync()).toBe(10);
    expect(await x.cpuAsync()).toBe(x);
    const view = x.t();
    const d = await view.dataAsync();
    expect(Array.from(d)).toEqual([1, 3, 2, 4]);
    // a copy: writing it leaves the tensor alone
    d[0] = 100;
    expect(x.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(x.to('float64')).toBeInstanceOf(Tensor);
    expect(new nn.Linear(2, 3).to('cpu').weight.device).toBe('cpu');
  });
});
