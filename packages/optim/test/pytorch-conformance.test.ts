/**
 * Details of PyTorch 1.13's optimizer API that the trajectory tests do not see: the order of the options
 * in a parameter group (and so in `stateDict().paramGroups`), and the `foreach` keyword, accepted and
 * ignored. References: `torch.optim.X([p]).param_groups[0]` in PyTorch 1.13, less `params` and the
 * keys tapegrad does not keep (`foreach`, `capturable`, `differentiable`, `fused`), keys in camelCase.
 */
import { Tensor } from '@tapegrad/core';
import * as optim from '@tapegrad/optim';
import { param, setGrad, values } from './helpers/params';

type Ctor = new (params: Tensor[], opts?: Record<string, unknown>) => optim.Optimizer;
const ctor = (name: string) => (optim as unknown as Record<string, Ctor>)[name];

const GROUP_KEYS: [string, Record<string, unknown>, string[]][] = [
  ['SGD', { lr: 0.1 }, ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov', 'maximize']],
  ['Adam', {}, ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad', 'maximize']],
  ['AdamW', {}, ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad', 'maximize']],
  ['RMSprop', {}, ['lr', 'momentum', 'alpha', 'eps', 'centered', 'weightDecay', 'maximize']],
  ['Adagrad', {}, ['lr', 'lrDecay', 'eps', 'weightDecay', 'initialAccumulatorValue', 'maximize']],
  ['Adadelta', {}, ['lr', 'rho', 'eps', 'weightDecay', 'maximize']],
  ['Adamax', {}, ['lr', 'betas', 'eps', 'weightDecay', 'maximize']],
  ['NAdam', {}, ['lr', 'betas', 'eps', 'weightDecay', 'momentumDecay']],
  ['RAdam', {}, ['lr', 'betas', 'eps', 'weightDecay']],
  ['ASGD', {}, ['lr', 'lambd', 'alpha', 't0', 'weightDecay', 'maximize']],
  ['Rprop', {}, ['lr', 'etas', 'stepSizes', 'maximize']],
  ['LBFGS', {}, ['lr', 'maxIter', 'maxEval', 'toleranceGrad', 'toleranceChange', 'historySize', 'lineSearchFn']],
];

describe('parameter-group options in PyTorch 1.13\'s order', () => {
  it.each(GROUP_KEYS)('%s', (name, opts, keys) => {
    const opt = new (ctor(name))([param([1, 2])], opts);
    expect(Object.keys(opt.paramGroups[0]).filter((k) => k !== 'params')).toEqual(keys);
    expect(Object.keys(opt.stateDict().paramGroups[0])).toEqual([...keys, 'params']);
  });
});

describe('foreach (PyTorch\'s multi-tensor switch) is accepted and changes nothing', () => {
  it.each(GROUP_KEYS.filter(([n]) => n !== 'LBFGS'))('%s', (name, opts) => {
    const run = (extra: Record<string, unknown>) => {
      const x = param([1, -2]);
      const opt = new (ctor(name))([x], { ...opts, ...extra });
      for (const g of [[0.5, -1], [0.25, 2]]) { setGrad(x, g); opt.step(); }
      expect('foreach' in opt.paramGroups[0]).toBe(false);
      return values(x);
    };
    const plain = run({});
    expect(run({ foreach: true })).toEqual(plain);
    expect(run({ foreach: false })).toEqual(plain);
    expect(run({ foreach: null })).toEqual(plain);
    expect(() => run({ foreach: 'yes' })).toThrow(`${name}: foreach must be a boolean or null, got the string 'yes'`);
  });
  it.each([['Adam', ['capturable', 'differentiable', 'fused']], ['AdamW', ['capturable']], ['SGD', ['differentiable']], ['RMSprop', ['differentiable']]] as const)(
    '%s: its other 1.13 switches are accepted as false; true (CUDA or a differentiable step in PyTorch) is an error', (name, keys) => {
      for (const k of keys) {
        const opt = new (ctor(name))([param([1])], { lr: 0.1, [k]: false });
        expect(k in opt.paramGroups[0]).toBe(false);
        expect(() => new (ctor(name))([param([1])], { lr: 0.1, [k]: true })).toThrow(`${name}: ${k}: true is not supported`);
      }
      expect(() => new (ctor('Adamax'))([param([1])], { capturable: false })).toThrow("Adamax: unknown option 'capturable'");
    });
  it('LBFGS has no foreach in PyTorch 1.13', () => {
    expect(() => new optim.LBFGS([param([1])], { foreach: true } as never)).toThrow("LBFGS: unknown option 'foreach'");
  });
});
