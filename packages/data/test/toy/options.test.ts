import { makeBlobs, makeCircles, makeMoons, makeXor } from '@tapegrad/data';

// A misspelt option used to be ignored silently (100 points instead of the 10 asked for).
describe('toy sets: option keys', () => {
  const sets = { makeBlobs, makeCircles, makeMoons, makeXor } as const;

  test.each(Object.keys(sets))('%s refuses an unknown key, naming it and the accepted ones', (name) => {
    const make = sets[name as keyof typeof sets] as (o: object) => unknown;
    expect(() => make({ nPoints: 10 })).toThrow(new RegExp(`${name}: unknown option 'nPoints'.*n, nSamples`));
    expect(() => make({ n_samples: 10 })).toThrow(/did you mean 'nSamples'\?/);
  });

  test.each(Object.keys(sets))('%s takes scikit-learn\'s nSamples as n, with the same points', (name) => {
    const make = sets[name as keyof typeof sets] as (o: object) => { x: { shape: number[]; dataSync(): ArrayLike<number> }; y: { dataSync(): ArrayLike<number> } };
    const a = make({ nSamples: 10, seed: 3 });
    const b = make({ n: 10, seed: 3 });
    expect(a.x.shape).toEqual([10, 2]);
    expect(Array.from(a.x.dataSync())).toEqual(Array.from(b.x.dataSync()));
    expect(Array.from(a.y.dataSync())).toEqual(Array.from(b.y.dataSync()));
    expect(() => make({ n: 10, nSamples: 10 })).toThrow(/either n or nSamples/);
  });

  test('each set keeps its own keys', () => {
    expect(makeBlobs({ n: 4, std: 0.1, centers: [[0, 0], [1, 1]], seed: 0 }).x.shape).toEqual([4, 2]);
    expect(makeCircles({ n: 4, factor: 0.3, seed: 0 }).x.shape).toEqual([4, 2]);
    expect(makeXor({ n: 4, margin: 0.1, seed: 0 }).x.shape).toEqual([4, 2]);
    expect(() => makeMoons({ n: 4, factor: 0.3 } as object)).toThrow(/makeMoons: unknown option 'factor'/);
  });
});
