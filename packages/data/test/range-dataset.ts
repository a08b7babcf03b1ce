import { Dataset } from '@tapegrad/data';

/** A map-style dataset of the numbers offset, offset + 1, ..., offset + n - 1 (item i is offset + i). */
export class Range extends Dataset<number> {
  constructor(private readonly n: number, private readonly offset = 0) {
    super();
  }
  get length(): number {
    return this.n;
  }
  getItem(i: number): number {
    return this.offset + i;
  }
}
