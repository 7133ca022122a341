/**
 * Growable typed-array columns: traces of long runs are kept column-wise (a few
 * bytes per record instead of a JavaScript object each) and truncated cheaply when
 * a snapshot is restored.
 */

interface TypedArrayCtor<T> {
  new (n: number): T;
}
type Typed = Int32Array | Float64Array | Uint8Array | Int8Array;

export class Column<T extends Typed> {
  data: T;
  length = 0;

  constructor(
    private readonly ctor: TypedArrayCtor<T>,
    initial = 64,
  ) {
    this.data = new ctor(initial);
  }

  push(v: number): number {
    if (this.length === this.data.length) {
      const bigger = new this.ctor(this.data.length * 2);
      (bigger as Typed).set(this.data as never);
      this.data = bigger;
    }
    this.data[this.length] = v;
    return this.length++;
  }

  get(i: number): number {
    return this.data[i]!;
  }

  set(i: number, v: number): void {
    this.data[i] = v;
  }

  truncate(n: number): void {
    if (n < this.length) this.length = n;
  }

  /** Bytes held (capacity), for memory reports. */
  get bytes(): number {
    return this.data.byteLength;
  }
}

export const i32Column = (n?: number) => new Column(Int32Array, n);
export const f64Column = (n?: number) => new Column(Float64Array, n);
export const u8Column = (n?: number) => new Column(Uint8Array, n);
export const i8Column = (n?: number) => new Column(Int8Array, n);
