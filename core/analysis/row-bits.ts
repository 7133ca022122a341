/**
 * A set of SRAM rows [0, depth) as a bitset, for the sum sets of GEMM/ALU loop nests
 * ({idx[u] + i·fo + j·fi}): OR-ing a shifted copy costs depth/32 word operations, so a
 * sum set of n shifts costs n·depth/32 whatever the loop counts, instead of the
 * product of the sets' sizes.
 */
export class RowBits {
  readonly words: Uint32Array;

  constructor(readonly depth: number) {
    this.words = new Uint32Array((depth + 31) >>> 5);
  }

  /** Word operations one `orShifted` costs (for work budgets). */
  get cost(): number {
    return this.words.length;
  }

  add(row: number): void {
    if (row >= 0 && row < this.depth) this.words[row >>> 5]! |= 1 << (row & 31);
  }

  /** this ∪ {r + shift : r ∈ src}, clipped to the depth (src has the same depth). */
  orShifted(src: RowBits, shift: number): void {
    const w = this.words;
    const s = src.words;
    const n = w.length;
    const ws = Math.floor(shift / 32);
    if (ws >= n) return;
    const bs = shift & 31;
    if (bs === 0) {
      for (let k = ws; k < n; k++) w[k]! |= s[k - ws]!;
    } else {
      w[ws]! |= s[0]! << bs;
      for (let k = ws + 1; k < n; k++) w[k]! |= (s[k - ws]! << bs) | (s[k - ws - 1]! >>> (32 - bs));
    }
    const tail = this.depth & 31;
    if (tail) w[n - 1]! &= (1 << tail) - 1;
  }

  /** The rows as sorted, disjoint half-open intervals [lo, hi). */
  intervals(): number[] {
    const out: number[] = [];
    const w = this.words;
    let start = -1;
    for (let k = 0; k < w.length; k++) {
      const word = w[k]!;
      // Whole words of zeros or ones need no look at their bits.
      if (word === 0) {
        if (start >= 0) {
          out.push(start, k * 32);
          start = -1;
        }
        continue;
      }
      if (word === 0xffffffff) {
        if (start < 0) start = k * 32;
        continue;
      }
      for (let b = 0; b < 32; b++) {
        const set = (word >>> b) & 1;
        if (set && start < 0) start = k * 32 + b;
        else if (!set && start >= 0) {
          out.push(start, k * 32 + b);
          start = -1;
        }
      }
    }
    if (start >= 0) out.push(start, Math.min(w.length * 32, this.depth));
    return out;
  }

  /** The rows in increasing order. */
  list(): number[] {
    const out: number[] = [];
    const iv = this.intervals();
    for (let k = 0; k < iv.length; k += 2) for (let r = iv[k]!; r < iv[k + 1]!; r++) out.push(r);
    return out;
  }
}
