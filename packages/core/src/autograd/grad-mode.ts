/** Global grad mode (`torch.no_grad` / `torch.enable_grad`) and anomaly mode. */

let enabled = true;
let anomaly = false;

export function isGradEnabled(): boolean {
  return enabled;
}

/** JS has no `with` block: the mode applies to a callback, which a plain-JS caller may forget to pass. */
function checkFn(op: string, fn: unknown): void {
  if (typeof fn !== 'function') throw new TypeError(`${op}: expected a function to run (${op}(() => model.call(x))), got ${typeof fn}`);
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

/** Runs `fn` with gradient recording off, like `with torch.no_grad():`. @example const y = noGrad(() => model.call(x)); // y.requiresGrad === false */
export function noGrad<T>(fn: () => T): T {
  checkFn('noGrad', fn);
  return withMode(false, fn);
}

/** Runs `fn` with gradient recording on, even inside `noGrad`. @example noGrad(() => enableGrad(() => w.mul(2))).requiresGrad; // true */
export function enableGrad<T>(fn: () => T): T {
  checkFn('enableGrad', fn);
  return withMode(true, fn);
}

/** Sets grad mode globally (like `torch.set_grad_enabled`). Prefer `noGrad(fn)`. @example setGradEnabled(false); */
export function setGradEnabled(on: boolean): void {
  if (typeof on !== 'boolean') throw new TypeError(`setGradEnabled: expected a boolean, got ${typeof on === 'string' ? `the string '${on}'` : typeof on}`);
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
  checkFn('detectAnomaly', fn);
  const prev = anomaly;
  anomaly = true;
  try {
    return fn();
  } finally {
    anomaly = prev;
  }
}
