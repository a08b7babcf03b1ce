/** Global grad mode (`torch.no_grad` / `torch.enable_grad`) and anomaly mode. */

let enabled = true;
let anomaly = false;

export function isGradEnabled(): boolean {
  return enabled;
}

function withMode<T>(on: boolean, fn: () => T): T {
  const prev = enabled;
  enabled = on;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/** Runs `fn` with gradient recording off, like `with torch.no_grad():`. */
export function noGrad<T>(fn: () => T): T {
  return withMode(false, fn);
}

/** Runs `fn` with gradient recording on, even inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  return withMode(true, fn);
}

/** Sets grad mode globally (like `torch.set_grad_enabled`). Prefer `noGrad(fn)`. */
export function setGradEnabled(on: boolean): void {
  enabled = on;
}

export function isAnomalyEnabled(): boolean {
  return anomaly;
}

/**
 * Runs `fn` with anomaly detection on (like `torch.autograd.detect_anomaly`): every recorded op keeps
 * the stack trace of its creation, and a backward that produces NaN or Inf throws naming the op and
 * where its forward was created.
 */
export function detectAnomaly<T>(fn: () => T): T {
  const prev = anomaly;
  anomaly = true;
  try {
    return fn();
  } finally {
    anomaly = prev;
  }
}
