/** The `window.playground` object: a small scripting API over the page, used by the end-to-end test. */
import type { ConfigChanges, PlaygroundConfig } from './config';

export type { ConfigChanges };

/** What the page shows, as numbers. Loss and accuracy are measured after each completed epoch. */
export interface PlaygroundState {
  running: boolean;
  /** The loss became NaN or infinite; training stopped. */
  diverged: boolean;
  /** Message of an unexpected error that stopped training, else null. */
  error: string | null;
  epoch: number;
  steps: number;
  trainLoss: number;
  testLoss: number;
  /** In [0, 1]. */
  trainAccuracy: number;
  testAccuracy: number;
  config: PlaygroundConfig;
  /** GEMM kernel in use: 'wasm' (WebAssembly SIMD) or 'js'. */
  backend: string;
  /** Where the network trains: 'webgpu' when the browser has WebGPU, else 'cpu'. */
  device: string;
}

/**
 * @example
 * // in the browser console or from Playwright's page.evaluate:
 * playground.setConfig({ dataset: 'circles', hidden: '8,8', activation: 'tanh' });
 * (await playground.train(500)).testAccuracy; // about 0.99
 */
export interface PlaygroundApi {
  /** Changes settings (the form follows) and starts a new model; throws a ConfigError on a bad value. */
  setConfig(changes: ConfigChanges): PlaygroundConfig;
  getConfig(): PlaygroundConfig;
  /** Takes `steps` optimizer steps right away (blocking on the cpu; on the GPU it waits for their results), redraws, and returns the new state. */
  train(steps: number): Promise<PlaygroundState>;
  /** Same as clicking Train / Pause. */
  start(): void;
  pause(): void;
  /** Same as clicking Reset: pauses and starts a new model with the current settings. */
  reset(): void;
  /** Training and test accuracy after the last completed epoch, in [0, 1]. */
  accuracy(): { train: number; test: number };
  state(): PlaygroundState;
}

declare global {
  interface Window {
    playground: PlaygroundApi;
  }
}
