import { manualSeed, zeros } from '@tapegrad/core';
import { buildMlp, checkWeights, expectedShapes, parameterCount, parseArchitecture, describeArchitecture, type Architecture } from '../../src/cli/model';

const arch: Architecture = { inputSize: 784, hidden: [128], outputSize: 10, activation: 'relu' };

describe('MLP from a config', () => {
  test('784-128-10: 101,770 parameters (784*128 + 128 + 128*10 + 10), Linear/ReLU/Linear', () => {
    manualSeed(0);
    const m = buildMlp(arch);
    expect(m.numParameters()).toBe(101770);
    expect(parameterCount(arch)).toBe(101770);
    expect(Object.keys(m.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(m.forward(zeros([3, 784])).shape).toEqual([3, 10]);
    expect(describeArchitecture(arch)).toBe('MLP 784-128-10 (relu)');
  });

  test('no hidden layer and two hidden layers; each activation', () => {
    expect(parameterCount({ ...arch, hidden: [] })).toBe(7850);
    const two = { inputSize: 2, hidden: [16, 8], outputSize: 3, activation: 'tanh' as const };
    expect([...expectedShapes(two)]).toEqual([['0.weight', [16, 2]], ['0.bias', [16]], ['2.weight', [8, 16]], ['2.bias', [8]], ['4.weight', [3, 8]], ['4.bias', [3]]]);
    for (const activation of ['relu', 'sigmoid', 'tanh', 'leaky-relu', 'elu'] as const) {
      const m = buildMlp({ ...two, activation });
      expect(m.forward(zeros([1, 2])).shape).toEqual([1, 3]);
      expect(m.get(1).constructor.name).toBe({ relu: 'ReLU', sigmoid: 'Sigmoid', tanh: 'Tanh', 'leaky-relu': 'LeakyReLU', elu: 'ELU' }[activation]);
    }
  });

  test('xavier and kaiming init: bounds as derived (Glorot: gain*sqrt(6/(in+out)); He: sqrt(6/in)), zero biases', () => {
    manualSeed(1);
    const x = buildMlp({ inputSize: 100, hidden: [50], outputSize: 10, activation: 'tanh' }, 'xavier');
    const w = x.stateDict()['0.weight'].dataSync();
    const bound = (5 / 3) * Math.sqrt(6 / 150);
    expect(Math.max(...Array.from(w, Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...Array.from(w, Math.abs))).toBeGreaterThan(0.9 * bound);
    expect(Array.from(x.stateDict()['0.bias'].dataSync())).toEqual(new Array(50).fill(0));
    const k = buildMlp({ inputSize: 100, hidden: [50], outputSize: 10, activation: 'relu' }, 'kaiming');
    const kw = k.stateDict()['0.weight'].dataSync();
    expect(Math.max(...Array.from(kw, Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 100));
    expect(Math.max(...Array.from(kw, Math.abs))).toBeGreaterThan(0.9 * Math.sqrt(6 / 100));
  });

  test('architecture metadata is validated', () => {
    expect(parseArchitecture(JSON.stringify(arch), 'f')).toEqual(arch);
    expect(() => parseArchitecture(undefined, 'f')).toThrow(/not a tapegrad CLI model/);
    expect(() => parseArchitecture('{', 'f')).toThrow(/not valid JSON/);
    expect(() => parseArchitecture(JSON.stringify({ ...arch, activation: 'swish' }), 'f')).toThrow(/activation must be one of/);
    expect(() => parseArchitecture(JSON.stringify({ ...arch, hidden: [0] }), 'f')).toThrow(/hidden must be a list/);
  });

  test('weights of the wrong shape, missing or extra are all listed', () => {
    const sd = buildMlp(arch).stateDict();
    expect(() => checkWeights(arch, sd, 'm')).not.toThrow();
    const bad = { ...sd, '0.weight': zeros([64, 784]), extra: zeros([1]) } as Record<string, ReturnType<typeof zeros>>;
    delete bad['2.bias'];
    let msg = '';
    try {
      checkWeights(arch, bad, 'm.safetensors');
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/m\.safetensors: the weights do not match the declared architecture MLP 784-128-10/);
    expect(msg).toMatch(/tensor "0\.weight" has shape \[64, 784\] but the declared architecture needs \[128, 784\]/);
    expect(msg).toMatch(/missing tensor "2\.bias"/);
    expect(msg).toMatch(/unexpected tensor "extra"/);
  });
});
