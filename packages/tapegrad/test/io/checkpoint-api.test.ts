/**
 * saveCheckpoint's argument order (object first, as save(obj, path) and torch.save(obj, f)), the old
 * path-first order (still works, warns once), and loadCheckpoint's typed optimizer state.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tensor } from '@tapegrad/core';
import { Linear } from '@tapegrad/nn';
import { Adam } from '@tapegrad/optim';
import type { OptimizerStateDict } from '@tapegrad/optim';
import { loadCheckpoint, saveCheckpoint, save, load } from 'tapegrad';
import type { Checkpoint } from 'tapegrad';

let dir = '';
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-ckpt-api-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});
afterEach(() => jest.restoreAllMocks());

const f32 = (d: number[]) => tensor(d, { dtype: 'float32' });

describe('saveCheckpoint(obj, path)', () => {
  it('takes the object first, like save(obj, path)', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const p = path.join(dir, 'new-order.safetensors');
    saveCheckpoint({ model: { w: f32([1, 2]) }, step: 7 }, p);
    save({ w: f32([3]) }, path.join(dir, 'plain.safetensors'));
    const c = loadCheckpoint(p);
    expect(c.step).toBe(7);
    expect(c.model.w.toArray()).toEqual([1, 2]);
    expect(load(path.join(dir, 'plain.safetensors')).w.toArray()).toEqual([3]);
    expect(warn).not.toHaveBeenCalled();
  });

  it('the old order saveCheckpoint(path, obj) still works and warns once per process', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const p = path.join(dir, 'old-order.safetensors');
    const old = saveCheckpoint as unknown as (p: string, c: Checkpoint<unknown>) => void;
    old(p, { model: { w: f32([4]) }, step: 1 });
    old(p, { model: { w: f32([5]) }, step: 2 });
    expect(loadCheckpoint(p).step).toBe(2);
    expect(loadCheckpoint(p).model.w.toArray()).toEqual([5]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/saveCheckpoint\(path, ckpt\) is deprecated.*saveCheckpoint\(ckpt, path\)/);
  });

  it('a path that is not a string is a TypeError naming the order', () => {
    expect(() => saveCheckpoint({ model: {} }, 3 as unknown as string)).toThrow(new TypeError('saveCheckpoint: path must be a string (saveCheckpoint(ckpt, path)), got number'));
  });
});

describe('loadCheckpoint(path).optimizer', () => {
  it('is typed as an optimizer state dict: opt.loadStateDict takes it with no cast, and the resumed run matches', () => {
    const x = tensor([[1, 2, 3]], { dtype: 'float32' });
    const make = (): Linear => {
      const l = new Linear(3, 1);
      l.loadStateDict({ weight: tensor([[0.1, -0.2, 0.3]], { dtype: 'float32' }), bias: f32([0.05]) });
      return l;
    };
    const step = (m: Linear, o: Adam): number => {
      o.zeroGrad();
      const loss = m.forward(x).square().sum();
      loss.backward();
      o.step();
      return loss.item();
    };
    const m1 = make();
    const o1 = new Adam(m1.parameters(), { lr: 0.1 });
    step(m1, o1);
    const p = path.join(dir, 'adam.safetensors');
    saveCheckpoint({ model: m1.stateDict(), optimizer: o1.stateDict(), step: 1 }, p);
    const reference = [step(m1, o1), step(m1, o1)];

    const ckpt = loadCheckpoint(p);
    const state: OptimizerStateDict | undefined = ckpt.optimizer; // a type error if optimizer were unknown
    const m2 = make();
    m2.loadStateDict(ckpt.model);
    const o2 = new Adam(m2.parameters(), { lr: 0.1 });
    o2.loadStateDict(ckpt.optimizer!);
    expect(state?.paramGroups[0].lr).toBe(0.1);
    expect([step(m2, o2), step(m2, o2)]).toEqual(reference);
  });
});

// audit18: save was always object-first, so a swapped call says which order, and a misspelt option is refused.
describe('save(obj, path) from plain JavaScript', () => {
  it('names the order when the path comes first, and refuses unknown options', () => {
    const p = path.join(dir, 'swapped.safetensors');
    expect(() => save(p as never, { w: f32([1]) } as never)).toThrow(/^save: the state dict comes first and the path second, as torch\.save\(obj, f\)/);
    expect(() => save({ w: f32([1]) }, p, { metdata: { a: 'b' } } as never)).toThrow(/save: unknown option 'metdata' \(did you mean 'metadata'\?\)/);
    expect(fs.existsSync(p)).toBe(false);
    save({ w: f32([1]) }, p, { metadata: { a: 'b' } });
    expect(load(p).w.toArray()).toEqual([1]);
  });
});
