/** add_/sub_ take alpha as an options object, as add/sub do (p.data.add_(p.grad.data, alpha=-lr)). */
import { tensor } from '../../src';

test('add_(y, { alpha }) and sub_(y, { alpha }) equal the positional alpha', () => {
  const p = tensor([1, 2]);
  p.add_(tensor([10, 20]), { alpha: -0.5 }); // torch: [-4., -8.]
  expect(p.toArray()).toEqual([-4, -8]);
  p.sub_(tensor([1, 1]), { alpha: 2 });
  expect(p.toArray()).toEqual([-6, -10]);
  expect(() => p.add_(1, { alpah: 2 } as never)).toThrow(/alpah/);
});
