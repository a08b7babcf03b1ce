/**
 * positionalOptions (positional-args.ts): PyTorch's positional constructor arguments, then one options
 * object. The constructors' own tests (nn, optim) cover each signature; these pin the shared rules.
 */
import { pos, positionalOptions } from '@tapegrad/core/internal';

const params = [pos.number('lr'), pos.size('kernelSize'), pos.nullableNumber('momentum')];

test('positional values fill the parameters in order, then the options object', () => {
  expect(positionalOptions('Thing', [0.1, 3, { momentum: 0.9 }], params)).toEqual({ lr: 0.1, kernelSize: 3, momentum: 0.9 });
  expect(() => positionalOptions('Thing', [0.1, 3, null, 4], params)).toThrow('Thing: takes at most 3 positional arguments (lr, kernelSize, momentum) before its options object, got 4');
  expect(() => positionalOptions('Thing', [0.1, { lr: 0.2 }], params)).toThrow("Thing: got multiple values for argument 'lr'");
});

// An option's value obeys its positional form's type rule: a string where a number belongs would be
// coerced (or be truthy) further down, so it is refused by name wherever it is given.
test('option values are checked like positional ones', () => {
  expect(() => positionalOptions('Thing', [{ lr: '0.1' }], params)).toThrow("Thing: lr must be a number, got the string '0.1' (write 0.1 without quotes)");
  expect(() => positionalOptions('Thing', [0.1, { kernelSize: '3' }], params)).toThrow("Thing: kernelSize must be a number or an array of numbers, got the string '3'");
  expect(() => positionalOptions('Thing', [{ momentum: [0.9] }], params)).toThrow('Thing: momentum must be a number or null, got an array of length 1');
  expect(positionalOptions('Thing', [{ lr: 0.1, kernelSize: [3, 3], momentum: null }], params)).toEqual({ lr: 0.1, kernelSize: [3, 3], momentum: null });
  // undefined still means "not given"
  expect(positionalOptions('Thing', [{ lr: undefined }], params)).toEqual({ lr: undefined });
});
