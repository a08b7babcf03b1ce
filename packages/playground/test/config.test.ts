import {
  ConfigError, DEFAULT_CONFIG, DEFAULT_LR, DEFAULT_NOISE, formatHidden, parseHidden, resolveConfig,
} from '../src/config';

describe('parseHidden', () => {
  it('reads widths separated by commas and/or spaces', () => {
    expect(parseHidden('8,8')).toEqual([8, 8]);
    expect(parseHidden(' 16, 8 4 ')).toEqual([16, 8, 4]);
    expect(parseHidden('')).toEqual([]); // no hidden layer: logistic regression
    expect(parseHidden('  ')).toEqual([]);
  });

  it('rejects anything but widths 1..256, naming the bad part', () => {
    expect(() => parseHidden('8,x')).toThrow('hidden layers: "x" is not a width from 1 to 256 (write widths like "8,8")');
    expect(() => parseHidden('0')).toThrow('"0" is not a width');
    expect(() => parseHidden('257')).toThrow('"257" is not a width');
    expect(() => parseHidden('2.5')).toThrow('"2.5" is not a width');
    expect(() => parseHidden('-3')).toThrow('"-3" is not a width');
    expect(() => parseHidden('1,1,1,1,1,1,1')).toThrow('hidden layers: at most 6 layers, got 7');
    expect(() => parseHidden('a')).toThrow(ConfigError);
    expect(() => parseHidden('a')).toThrow(expect.objectContaining({ field: 'hidden' }));
  });

  it('round-trips through formatHidden', () => {
    expect(formatHidden(parseHidden('4 4,2'))).toBe('4,4,2');
  });
});

describe('resolveConfig', () => {
  it('returns the defaults and merges changes over a base', () => {
    expect(resolveConfig()).toEqual(DEFAULT_CONFIG);
    const c = resolveConfig({ hidden: '16,16', activation: 'relu', seed: 7 });
    expect(c).toEqual({ ...DEFAULT_CONFIG, hidden: [16, 16], activation: 'relu', seed: 7 });
    expect(resolveConfig({ batchSize: 0 }, c)).toEqual({ ...c, batchSize: 0 });
  });

  it("takes the data set's noise and the optimizer's learning rate unless they are given", () => {
    expect(resolveConfig({ dataset: 'circles' }).noise).toBe(DEFAULT_NOISE.circles);
    expect(resolveConfig({ dataset: 'circles', noise: 0.3 }).noise).toBe(0.3);
    expect(resolveConfig({ optimizer: 'sgd' }).lr).toBe(DEFAULT_LR.sgd);
    expect(resolveConfig({ optimizer: 'sgd', lr: 0.01 }).lr).toBe(0.01);
    // Same data set again: the noise the user set stays.
    const noisy = resolveConfig({ dataset: 'moons', noise: 0.4 });
    expect(resolveConfig({ dataset: 'moons' }, noisy).noise).toBe(0.4);
  });

  it('copies hidden so callers cannot change the config through it', () => {
    const hidden = [4, 4];
    const c = resolveConfig({ hidden });
    hidden.push(4);
    expect(c.hidden).toEqual([4, 4]);
  });

  it('names the field and the expected values on bad input', () => {
    const field = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        if (e instanceof ConfigError) return `${e.field}: ${e.message}`;
        throw e;
      }
      throw new Error('no error');
    };
    expect(field(() => resolveConfig({ dataset: 'spiral' as never }))).toBe('dataset: dataset: expected one of blobs, circles, moons, xor, got "spiral"');
    expect(field(() => resolveConfig({ activation: 'gelu' as never }))).toBe('activation: activation: expected one of relu, tanh, sigmoid, leaky-relu, got "gelu"');
    expect(field(() => resolveConfig({ optimizer: 'rmsprop' as never }))).toBe('optimizer: optimizer: expected one of sgd, momentum, adam, got "rmsprop"');
    expect(field(() => resolveConfig({ lr: 0 }))).toBe('lr: lr: expected a number in (0, 10], got 0');
    expect(field(() => resolveConfig({ lr: NaN }))).toBe('lr: lr: expected a number in (0, 10], got NaN');
    expect(field(() => resolveConfig({ noise: -0.1 }))).toBe('noise: noise: expected a number in [0, 2], got -0.1');
    expect(field(() => resolveConfig({ batchSize: 2.5 }))).toBe('batchSize: batchSize: expected an integer in [0, 10000], got 2.5');
    expect(field(() => resolveConfig({ seed: -1 }))).toBe('seed: seed: expected an integer in [0, 2147483647], got -1');
    expect(field(() => resolveConfig({ hidden: [8, 0] }))).toBe('hidden: hidden layers: "0" is not a width from 1 to 256 (write widths like "8,8")');
    expect(field(() => resolveConfig({ colour: 'red' } as never))).toMatch(/^colour: unknown setting "colour" \(known: dataset, noise, /);
  });
});
