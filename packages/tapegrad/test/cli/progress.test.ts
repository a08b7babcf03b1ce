import { ProgressBar } from '../../src/cli/progress';

function sink(tty: boolean) {
  let s = '';
  return { stream: { write: (x: string) => { s += x; }, isTTY: tty }, text: () => s };
}

describe('progress bar', () => {
  test('not a TTY: plain lines at each quarter, no carriage returns or escape codes', () => {
    const out = sink(false);
    let t = 0;
    const bar = new ProgressBar({ label: 'epoch 1/2', total: 8, stream: out.stream, now: () => t });
    for (let b = 1; b <= 8; b++) {
      t += 250;
      bar.update(b, 64 * b, 2 / b);
    }
    bar.finish();
    const lines = out.text().split('\n').filter(Boolean);
    expect(lines).toHaveLength(4);
    expect(out.text()).not.toMatch(/[\r\x1b]/);
    expect(lines[0]).toBe('epoch 1/2 2/8 batches  loss 1.0000  256 ex/s'); // 128 examples in 0.5 s
    expect(lines[3]).toBe('epoch 1/2 8/8 batches  loss 0.2500  256 ex/s');
  });

  test('TTY: one line redrawn with \\r (throttled to 100 ms), ended by a newline', () => {
    const out = sink(true);
    let t = 0;
    const bar = new ProgressBar({ label: 'epoch 1/1', total: 100, stream: out.stream, now: () => t });
    for (let b = 1; b <= 100; b++) {
      t += 10;
      bar.update(b, 10 * b, 1);
    }
    bar.finish();
    const s = out.text();
    const draws = s.split('\r').length - 1;
    expect(draws).toBeGreaterThanOrEqual(10);
    expect(draws).toBeLessThanOrEqual(13); // every 100 ms over 1 s, plus the last batch and finish()
    expect(s.endsWith('\n')).toBe(true);
    expect(s.split('\n')).toHaveLength(2);
    expect(s).toContain('[========================] 100/100 batches');
    expect(s).not.toMatch(/\x1b/);
  });
});
