/**
 * Fused recurrent-cell updates (the elementwise half of an LSTM / GRU step) and `unbind`, which the
 * recurrent modules use to read one time step of a precomputed input projection without the cost of a
 * `narrow` gradient per step.
 *
 * Each cell is one primitive: the forward is one pass over the gate pre-activations, and the VJP has two
 * forms that compute the same values. With grad mode off (an ordinary backward) it is one fused pass over
 * the activations saved by the forward; with grad mode on (`createGraph`) it is written in Tensor ops from
 * the inputs, so second derivatives are taped like any other op's.
 */
import { Tensor } from '../tensor';
import { allocate, allocateUninit, promote, isFloating, FloatArray, DType, FloatDType, TypedArray } from '../dtype';
import { runKernel } from '../compile/capture';
import { lstmCellBackwardWasm, lstmCellWasm } from '../kernels/rnn-cell';
import { fmt } from '../shape';
import { record } from '../autograd/tape';
import { isGradEnabled, noGrad } from '../autograd/grad-mode';
import { cat, select, stack } from './view';
import { contigReader } from './kernels';
import { zerosOf } from './cast';
import { linear } from './linear';
import * as WG from '../webgpu/ops'; // webgpu (issue 17)


// The kernels are top-level functions of typed arrays only, so that V8 optimises their loops once
// (inlined into the ops they deopted over and over on the tensors' maps) and each stays at most
// bimorphic (Float32Array / Float64Array).
type Arr = TypedArray;

function lstmForward(X: Arr, Hh: Arr, C: Arr, out: FloatArray, acts: FloatArray | null, rows: number, H: number): void {
  const n = rows * H;
  for (let r = 0; r < rows; r++) {
    const gb = r * 4 * H, sb = r * H;
    for (let j = 0; j < H; j++) {
      const i = 1 / (1 + Math.exp(-(X[gb + j] + Hh[gb + j])));
      const f = 1 / (1 + Math.exp(-(X[gb + H + j] + Hh[gb + H + j])));
      const g = Math.tanh(X[gb + 2 * H + j] + Hh[gb + 2 * H + j]);
      const o = 1 / (1 + Math.exp(-(X[gb + 3 * H + j] + Hh[gb + 3 * H + j])));
      const c2 = f * C[sb + j] + i * g;
      const tc = Math.tanh(c2);
      out[sb + j] = o * tc;
      out[n + sb + j] = c2;
      if (acts !== null) {
        const a = sb + j;
        acts[a] = i; acts[n + a] = f; acts[2 * n + a] = g; acts[3 * n + a] = o; acts[4 * n + a] = tc;
      }
    }
  }
}

function lstmBackward(G: Arr, A: FloatArray, C: Arr, dgd: FloatArray, dcd: FloatArray, rows: number, H: number): void {
  const n = rows * H;
  for (let r = 0; r < rows; r++) {
    const gb = r * 4 * H, sb = r * H;
    for (let j = 0; j < H; j++) {
      const a = sb + j;
      const i = A[a], f = A[n + a], g = A[2 * n + a], o = A[3 * n + a], tc = A[4 * n + a];
      const gh_ = G[sb + j];
      const dct = G[n + sb + j] + gh_ * o * (1 - tc * tc);
      dgd[gb + j] = dct * g * i * (1 - i);
      dgd[gb + H + j] = dct * C[sb + j] * f * (1 - f);
      dgd[gb + 2 * H + j] = dct * i * (1 - g * g);
      dgd[gb + 3 * H + j] = gh_ * tc * o * (1 - o);
      dcd[sb + j] = dct * f;
    }
  }
}

/**
 * @internal The LSTM cell update on arrays (lstmCell's forward, also run per step by ops/rnn-layer.ts):
 * X, Hh [rows, 4H], C [rows, H] → out [2, rows, H] (h', c'), acts (if given) five [rows, H] planes i, f,
 * g, o, tanh(c'). The SIMD kernel when everything is float32 and the wasm backend applies, else the JS loop.
 */
export function lstmCellArrays(X: TypedArray, Hh: TypedArray, C: TypedArray, out: FloatArray, acts: FloatArray | null, rows: number, H: number): void {
  if (X instanceof Float32Array && Hh instanceof Float32Array && C instanceof Float32Array && out instanceof Float32Array &&
    (acts === null || acts instanceof Float32Array) && lstmCellWasm(X, Hh, C, out, acts, rows, H)) return;
  lstmForward(X, Hh, C, out, acts, rows, H);
}

/**
 * @internal lstmCellArrays' backward: G [2, rows, H] (∂L/∂h', ∂L/∂c'), its acts, C [rows, H] → dg
 * [rows, 4H] (∂L/∂(gx + gh)), dc [rows, H].
 */
export function lstmCellBackwardArrays(G: TypedArray, A: FloatArray, C: TypedArray, dg: FloatArray, dc: FloatArray, rows: number, H: number): void {
  if (A instanceof Float32Array && G instanceof Float32Array && C instanceof Float32Array && dg instanceof Float32Array && dc instanceof Float32Array &&
    lstmCellBackwardWasm(G, A, C, dg, dc, rows, H)) return;
  lstmBackward(G, A, C, dg, dc, rows, H);
}

function gruForward(X: Arr, Hh: Arr, Hd: Arr, out: FloatArray, acts: Float64Array | null, rows: number, H: number): void {
  for (let row = 0; row < rows; row++) {
    const gb = row * 3 * H, sb = row * H;
    for (let j = 0; j < H; j++) {
      const r = 1 / (1 + Math.exp(-(X[gb + j] + Hh[gb + j])));
      const z = 1 / (1 + Math.exp(-(X[gb + H + j] + Hh[gb + H + j])));
      const nn = Math.tanh(X[gb + 2 * H + j] + r * Hh[gb + 2 * H + j]);
      out[sb + j] = (1 - z) * nn + z * Hd[sb + j];
      if (acts !== null) {
        const a = 3 * (sb + j);
        acts[a] = r; acts[a + 1] = z; acts[a + 2] = nn;
      }
    }
  }
}

function gruBackward(G: Arr, A: Float64Array, Hh: Arr, Hd: Arr, dx: FloatArray, dhh: FloatArray, dhd: FloatArray, rows: number, H: number): void {
  for (let row = 0; row < rows; row++) {
    const gb = row * 3 * H, sb = row * H;
    for (let j = 0; j < H; j++) {
      const a = 3 * (sb + j);
      const r = A[a], z = A[a + 1], nn = A[a + 2], g = G[sb + j];
      const dan = g * (1 - z) * (1 - nn * nn);
      const dar = dan * Hh[gb + 2 * H + j] * r * (1 - r);
      const daz = g * (Hd[sb + j] - nn) * z * (1 - z);
      dx[gb + j] = dar; dx[gb + H + j] = daz; dx[gb + 2 * H + j] = dan;
      dhh[gb + j] = dar; dhh[gb + H + j] = daz; dhh[gb + 2 * H + j] = dan * r;
      dhd[sb + j] = g * z;
    }
  }
}

/** Whether a cell's result will be recorded, so its fused backward needs the activations kept. */
const recorded = (ts: Tensor[]): boolean => isGradEnabled() && ts.some((t) => t.requiresGrad);

function cellDtype(op: string, ts: Tensor[]): FloatDType {
  let dtype: DType | null = null;
  for (const t of ts) {
    if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected Tensor arguments`);
    if (!isFloating(t.dtype)) throw new TypeError(`${op}: expected floating point tensors, got ${ts.map((x) => x.dtype).join(', ')}`);
    dtype = dtype === null ? t.dtype : promote(dtype, false, t.dtype, false);
  }
  return dtype as FloatDType; // each was checked floating, and floats promote to floats
}

/** Checks gx, gh: [..., k·H] and the state [..., H] with the same leading dims; returns [rows, H]. */
function cellShapes(op: string, k: number, gx: Tensor, gh: Tensor, state: Tensor, stateName: string): [number, number] {
  const H = state.ndim === 0 ? -1 : state._shape[state.ndim - 1];
  const ok = (t: Tensor) => t.ndim === state.ndim && t._shape.every((s, i) => (i === t.ndim - 1 ? s === k * H : s === state._shape[i]));
  if (state.ndim === 0 || !ok(gx) || !ok(gh)) {
    throw new RangeError(`${op}: expected gx and gh of shape [..., ${k}·H] and ${stateName} of shape [..., H] with the same leading dims, got gx ${fmt(gx._shape)}, gh ${fmt(gh._shape)}, ${stateName} ${fmt(state._shape)}`);
  }
  return [state.numel() / Math.max(H, 1), H];
}

/**
 * @internal lstmCell's VJP in Tensor ops from its inputs (so that it is itself differentiable), for the
 * cotangents gH of h' and gC of c': returns [∂L/∂(gx + gh), ∂L/∂c]. Also the createGraph backward of
 * ops/rnn-layer.ts's lstmLayer, step by step.
 */
export function lstmCellGradOps(gx: Tensor, gh: Tensor, c: Tensor, gH: Tensor, gC: Tensor, dtype: DType): [Tensor, Tensor] {
  const [ai, af, ag, ao] = gx.to(dtype).add(gh.to(dtype)).chunk(4, -1);
  const i = ai.sigmoid(), f = af.sigmoid(), g = ag.tanh(), o = ao.sigmoid();
  const cc = c.to(dtype);
  const tc = f.mul(cc).add(i.mul(g)).tanh();
  const dct = gC.add(gH.mul(o).mul(tc.mul(tc).neg().add(1)));
  const dg = cat([
    dct.mul(g).mul(i.mul(i.neg().add(1))),
    dct.mul(cc).mul(f.mul(f.neg().add(1))),
    dct.mul(i).mul(g.mul(g).neg().add(1)),
    gH.mul(tc).mul(o.mul(o.neg().add(1))),
  ], -1);
  return [dg, dct.mul(f)];
}

/**
 * One LSTM cell update from the gate pre-activations, gate order i, f, g, o (PyTorch's):
 * a = gx + gh, c' = σ(a_f)·c + σ(a_i)·tanh(a_g), h' = σ(a_o)·tanh(c'). gx, gh are [..., 4H], c is
 * [..., H]; the result is h' and c' stacked, [2, ..., H] (select(0, 0) is h', select(0, 1) is c').
 * @example
 * const hc = lstmCell(linear(x, wIh, bIh), linear(h, wHh, bHh), c);
 * const [h1, c1] = [hc.select(0, 0), hc.select(0, 1)];
 */
export function lstmCell(gx: Tensor, gh: Tensor, c: Tensor): Tensor {
  const dtype = cellDtype('lstmCell', [gx, gh, c]);
  const [rows, H] = cellShapes('lstmCell', 4, gx, gh, c, 'c');
  if ([gx, gh, c].some((t) => t._storage.gpu !== null)) { // webgpu (issue 17): the cell in device ops, taped
    WG.checkAllOnDevice('lstmCell', gx, gh, c);
    const [ai, af, ag, ao] = gx.add(gh).chunk(4, -1);
    const c2 = af.sigmoid().mul(c).add(ai.sigmoid().mul(ag.tanh()));
    return stack([ao.sigmoid().mul(c2.tanh()), c2], 0);
  }
  const n = rows * H;
  const out = allocateUninit(dtype, 2 * n);
  // i, f, g, o and tanh(c') as five [rows, H] planes, kept for the fused backward (not needed when nothing
  // is recorded), in the op's dtype.
  const acts = recorded([gx, gh, c]) ? (dtype === 'float32' ? new Float32Array(5 * n) : new Float64Array(5 * n)) : null;
  { // copies of non-contiguous inputs made here, not per run (compile's replay); a block, so the VJP's closure does not keep them
    const gxR = contigReader(gx), ghR = contigReader(gh), cR = contigReader(c);
    runKernel(() => lstmCellArrays(gxR(), ghR(), cR(), out, acts, rows, H), out);
  }
  const res = Tensor._fromData(out, [2, ...c._shape], dtype);
  return record('lstmCell', [gx, gh, c], res, (grad) => {
    let dg: Tensor, dc: Tensor;
    if (isGradEnabled()) {
      [dg, dc] = lstmCellGradOps(gx, gh, c, select(grad, 0, 0), select(grad, 0, 1), dtype);
    } else {
      const A = acts as FloatArray; // kept: this VJP runs only when recorded
      const dgd = allocateUninit(dtype, 4 * n), dcd = allocateUninit(dtype, n);
      const gradR = contigReader(grad), cR = contigReader(c); // copies of non-contiguous inputs made here, not per run (compile's replay)
      runKernel(() => lstmCellBackwardArrays(gradR(), A, cR(), dgd, dcd, rows, H), dgd, dcd);
      dg = Tensor._fromData(dgd, gx.shape, dtype);
      dc = Tensor._fromData(dcd, c.shape, dtype);
    }
    return [dg.to(gx.dtype), dg.to(gh.dtype), dc.to(c.dtype)];
  }, [gx, gh, c]);
}

/**
 * One GRU cell update from the gate pre-activations, gate order r, z, n (PyTorch's):
 * r = σ(gx_r + gh_r), z = σ(gx_z + gh_z), n = tanh(gx_n + r·gh_n), h' = (1 − z)·n + z·h, where gh
 * includes the hidden bias (PyTorch applies r to W_hn·h + b_hn). gx, gh are [..., 3H], h is [..., H].
 * @example
 * const h1 = gruCell(linear(x, wIh, bIh), linear(h, wHh, bHh), h);
 */
export function gruCell(gx: Tensor, gh: Tensor, h: Tensor): Tensor {
  const dtype = cellDtype('gruCell', [gx, gh, h]);
  const [rows, H] = cellShapes('gruCell', 3, gx, gh, h, 'h');
  if ([gx, gh, h].some((t) => t._storage.gpu !== null)) { // webgpu (issue 17): the cell in device ops, taped
    WG.checkAllOnDevice('gruCell', gx, gh, h);
    const [xr, xz, xn] = gx.chunk(3, -1);
    const [hr, hz, hn] = gh.chunk(3, -1);
    const r = xr.add(hr).sigmoid(), z = xz.add(hz).sigmoid();
    const nn = xn.add(r.mul(hn)).tanh();
    return z.neg().add(1).mul(nn).add(z.mul(h));
  }
  const n = rows * H;
  const out = allocate(dtype, n) as FloatArray;
  const acts = recorded([gx, gh, h]) ? new Float64Array(3 * n) : null; // r, z, n, for the fused backward
  { // copies of non-contiguous inputs made here, not per run (compile's replay); a block, so the VJP's closure does not keep them
    const gxR = contigReader(gx), ghR = contigReader(gh), hR = contigReader(h);
    runKernel(() => gruForward(gxR(), ghR(), hR(), out, acts, rows, H), out);
  }
  const res = Tensor._fromData(out, h.shape, dtype);
  return record('gruCell', [gx, gh, h], res, (grad) => {
    let dgx: Tensor, dgh: Tensor, dh: Tensor;
    if (isGradEnabled()) {
      const [xr, xz, xn] = gx.to(dtype).chunk(3, -1);
      const [hr, hz, hn] = gh.to(dtype).chunk(3, -1);
      const hh = h.to(dtype);
      const r = xr.add(hr).sigmoid(), z = xz.add(hz).sigmoid(), nn = xn.add(r.mul(hn)).tanh();
      const dan = grad.mul(z.neg().add(1)).mul(nn.mul(nn).neg().add(1));
      const dar = dan.mul(hn).mul(r.mul(r.neg().add(1)));
      const daz = grad.mul(hh.sub(nn)).mul(z.mul(z.neg().add(1)));
      dgx = cat([dar, daz, dan], -1);
      dgh = cat([dar, daz, dan.mul(r)], -1);
      dh = grad.mul(z);
    } else {
      const A = acts as Float64Array; // kept: this VJP runs only when recorded
      const dx = allocate(dtype, 3 * n) as FloatArray, dhh = allocate(dtype, 3 * n) as FloatArray, dhd = allocate(dtype, n) as FloatArray;
      const gradR = contigReader(grad), ghR = contigReader(gh), hR = contigReader(h); // copies of non-contiguous inputs made here, not per run (compile's replay)
      runKernel(() => gruBackward(gradR(), A, ghR(), hR(), dx, dhh, dhd, rows, H), dx, dhh, dhd);
      dgx = Tensor._fromData(dx, gx.shape, dtype);
      dgh = Tensor._fromData(dhh, gh.shape, dtype);
      dh = Tensor._fromData(dhd, h.shape, dtype);
    }
    return [dgx.to(gx.dtype), dgh.to(gh.dtype), dh.to(h.dtype)];
  }, [gx, gh, h]);
}

/**
 * The slices of x along `dim`, as views (PyTorch's `torch.unbind`); the gradient of x is the stack of the
 * slices' gradients (zeros for the unused ones). Unlike `x.select(dim, t)` for each t — whose gradients
 * are each a full-size tensor, O(n²) for n slices — the slices here share one node for x: each slice's
 * node only keeps its gradient, and x's node, which the tape reaches after all of them (it is older),
 * stacks them once.
 * @example
 * const [a, b] = unbind(tensor([[1, 2], [3, 4]], { dtype: 'float32' })); // a = [1, 2], b = [3, 4]
 */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  if (!(x instanceof Tensor)) throw new TypeError('unbind: expected a Tensor');
  if (x.ndim === 0) throw new RangeError('unbind: cannot be applied to a 0-d tensor (it has no dim to cut along)');
  const d = dim < 0 ? dim + x.ndim : dim;
  if (!Number.isInteger(dim) || d < 0 || d >= x.ndim) throw new RangeError(`unbind: dim ${dim} is out of range for a tensor of rank ${x.ndim}`);
  const size = x._shape[d];
  const views = noGrad(() => Array.from({ length: size }, (_, t) => select(x, d, t)));
  if (!isGradEnabled() || !x.requiresGrad || !isFloating(x.dtype)) return views;
  const slots: (Tensor | undefined)[] = new Array<Tensor | undefined>(size);
  const sliceShape = views.length ? views[0].shape : [];
  // The token carries no value: it only links the slices' nodes to x's node on the tape.
  const token = record('unbind', [x], zerosOf([], x.dtype), () => {
    const gs = Array.from({ length: size }, (_, t) => slots[t] ?? zerosOf(sliceShape, x.dtype, x)); // on x's device (webgpu, issue 17)
    slots.fill(undefined);
    return [stack(gs, d)];
  });
  // Each slice's g is kept in `slots` until the token's VJP: the engine must not recycle it on return.
  return views.map((v, t) => {
    const out = record('unbind', [token], v, (g) => {
      slots[t] = slots[t] ? (slots[t] as Tensor).add(g) : g;
      return [zerosOf([], x.dtype)];
    }, [], { keepsGrads: true });
    if (out.gradFn && token.gradFn) out.gradFn.outputOf = [token.gradFn, t]; // conform8: nextFunctions shows torch's one UnbindBackward0
    return out;
  });
}

/**
 * A linear map used many times (a recurrent weight applied at every time step): `sharedLinear(W, b)`
 * returns `f` with `f(x)` equal to `linear(x, W, b)`, but W's and b's gradients are computed once for
 * all the calls — one GEMM over the stacked uses (Gᵀ·X) instead of one per call plus a sum of as many
 * [out, in] gradients. Each call's node returns only ∂L/∂x and keeps (g, x); W's node, older than all of
 * them on the tape, stacks what they kept. Under `createGraph` the same formulas run in Tensor ops.
 * @example
 * const step = sharedLinear(wHh, bHh);
 * for (const x of steps) h = tanh(x.add(step(h)));
 */
export function sharedLinear(weight: Tensor, bias: Tensor | null = null): (x: Tensor) => Tensor {
  if (!(weight instanceof Tensor)) throw new TypeError('sharedLinear: expected a Tensor weight');
  const tracked = isGradEnabled() && (weight.requiresGrad || (bias !== null && bias.requiresGrad));
  if (!tracked) return (x) => linear(x, weight, bias);
  const gs: Tensor[] = [], xs: Tensor[] = [];
  const inputs = bias ? [weight, bias] : [weight];
  const token = record('sharedLinear', inputs, zerosOf([], weight.dtype), () => {
    const G = gs.length === 1 ? gs[0] : cat(gs, 0), X = xs.length === 1 ? xs[0] : cat(xs, 0);
    gs.length = 0;
    xs.length = 0;
    return [
      weight.requiresGrad ? G.t().matmul(X.to(G.dtype)).to(weight.dtype) : null,
      bias && bias.requiresGrad ? G.sum(0).to(bias.dtype) : null,
    ];
  });
  return (x: Tensor): Tensor => {
    const y = noGrad(() => linear(x, weight, bias));
    if (!isGradEnabled()) return y;
    const x2 = x.ndim === 2 ? x : x.reshape([-1, x._shape[x.ndim - 1]]);
    // g is kept in `gs` until the weight's VJP: the engine must not recycle it when this VJP returns.
    return record('sharedLinear', [x, token], y, (g) => {
      const g2 = g.ndim === 2 ? g : g.reshape([-1, g._shape[g.ndim - 1]]);
      gs.push(g2);
      xs.push(x2);
      return [x.requiresGrad ? g.matmul(weight.to(g.dtype)).to(x.dtype) : null, zerosOf([], weight.dtype)];
    }, [x], { keepsGrads: true });
  };
}
