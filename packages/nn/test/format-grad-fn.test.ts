/**
 * nn's composed activations print PyTorch 1.13's grad_fn (fixtures/pytorch/grad-fn-names.json, section
 * 'nn', written by fixtures/pytorch/grad_fn_names.py; core's ops are in packages/core/test/format-grad-fn.test.ts).
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { ones, Tensor } from '@tapegrad/core';
import { F } from '@tapegrad/nn';

const REF = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/pytorch/grad-fn-names.json'), 'utf8')).nn as Record<string, string>;
const x = ones([2, 3], { requiresGrad: true });
const CASES: Record<string, () => Tensor> = { hardtanh: () => F.hardtanh(x), relu6: () => F.relu6(x) };

test.each(Object.keys(REF))('%s prints PyTorch\'s grad_fn', (name) => {
  expect(/grad_fn=<(\w+)>/.exec(CASES[name]().toString())?.[1]).toBe(REF[name]);
});
