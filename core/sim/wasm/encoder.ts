/**
 * A minimal WebAssembly binary writer: just enough (LEB128, sections, a code
 * buffer with the handful of opcodes the kernels use) to build a module at run time
 * without a toolchain, so the kernels can be specialised to the target's geometry
 * and still run unchanged in Node and in a web worker.
 */

export const I32 = 0x7f;
export const V128 = 0x7b;

export function uleb(n: number, out: number[]): void {
  let v = n >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
}

export function sleb(n: number, out: number[]): void {
  let v = n | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

function vec(items: number[][], out: number[]): void {
  uleb(items.length, out);
  for (const it of items) out.push(...it);
}

function name(s: string): number[] {
  const out: number[] = [];
  uleb(s.length, out);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
  return out;
}

function section(id: number, body: number[], out: number[]): void {
  out.push(id);
  uleb(body.length, out);
  out.push(...body);
}

/** Function body builder. Locals are declared up front; indices follow the params. */
export class Code {
  readonly bytes: number[] = [];
  private readonly localDecls: Array<[number, number]> = [];
  private nextLocal: number;

  constructor(readonly params: number[]) {
    this.nextLocal = params.length;
  }

  local(type: number): number {
    this.localDecls.push([1, type]);
    return this.nextLocal++;
  }

  op(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }

  get(i: number): this {
    return this.op(0x20).idx(i);
  }
  set(i: number): this {
    return this.op(0x21).idx(i);
  }
  tee(i: number): this {
    return this.op(0x22).idx(i);
  }
  i32(n: number): this {
    this.bytes.push(0x41);
    sleb(n, this.bytes);
    return this;
  }
  idx(i: number): this {
    uleb(i, this.bytes);
    return this;
  }
  /** Opens a block (0x02) or loop (0x03) with no result. */
  block(): this {
    return this.op(0x02, 0x40);
  }
  loop(): this {
    return this.op(0x03, 0x40);
  }
  end(): this {
    return this.op(0x0b);
  }
  ret(): this {
    return this.op(0x0f);
  }
  br(depth: number): this {
    return this.op(0x0c).idx(depth);
  }
  brIf(depth: number): this {
    return this.op(0x0d).idx(depth);
  }
  i32Load(offset = 0): this {
    this.op(0x28, 2);
    uleb(offset, this.bytes);
    return this;
  }
  i32Store(offset = 0): this {
    this.op(0x36, 2);
    uleb(offset, this.bytes);
    return this;
  }
  /** A SIMD instruction: 0xfd prefix then the opcode as LEB128. */
  simd(opcode: number): this {
    this.bytes.push(0xfd);
    uleb(opcode, this.bytes);
    return this;
  }
  v128Load(offset = 0): this {
    this.simd(0x00);
    this.bytes.push(0);
    uleb(offset, this.bytes);
    return this;
  }
  /** Eight int8 sign-extended into an i16x8. */
  v128Load8x8S(offset = 0): this {
    this.simd(0x01);
    this.bytes.push(0);
    uleb(offset, this.bytes);
    return this;
  }
  v128Store(offset = 0): this {
    this.simd(0x0b);
    this.bytes.push(0);
    uleb(offset, this.bytes);
    return this;
  }
  /** if (cond) { then } with no result; `then` emits the body. */
  ifThen(then: () => void): this {
    this.op(0x04, 0x40);
    then();
    return this.end();
  }
  shuffle(lanes: number[]): this {
    this.simd(0x0d);
    this.bytes.push(...lanes);
    return this;
  }

  /**
   * `x = init(); do { body(); x += step } while (x < limit)` (unsigned compare; `limit`
   * is a local). The body runs at least once: callers skip empty loop nests.
   */
  doLoop(x: number, init: () => void, step: number, limit: number, body: () => void): this {
    init();
    this.set(x).loop();
    body();
    this.get(x).i32(step).op(Op.i32Add).tee(x).get(limit).op(Op.i32LtU).brIf(0);
    return this.end();
  }

  encode(): number[] {
    const body: number[] = [];
    uleb(this.localDecls.length, body);
    for (const [count, type] of this.localDecls) {
      uleb(count, body);
      body.push(type);
    }
    body.push(...this.bytes, 0x0b);
    const out: number[] = [];
    uleb(body.length, out);
    out.push(...body);
    return out;
  }
}

/** Scalar opcodes used by the kernels. */
export const Op = {
  select: 0x1b,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32LtS: 0x48,
  i32LtU: 0x49,
  i32GeS: 0x4e,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Shl: 0x74,
  i32ShrS: 0x75,
} as const;

/** SIMD opcodes (after the 0xfd prefix). */
export const Simd = {
  v128Load8x8S: 0x01,
  i32x4Splat: 0x11,
  i16x8ExtendLowI8x16S: 0x87,
  i16x8ExtendHighI8x16S: 0x88,
  i32x4Shl: 0xab,
  i32x4ShrS: 0xac,
  i32x4Add: 0xae,
  i32x4Sub: 0xb1,
  i32x4Mul: 0xb5,
  i32x4MinS: 0xb6,
  i32x4MaxS: 0xb8,
  i32x4DotI16x8S: 0xba,
} as const;

export interface ExportedFunction {
  name: string;
  code: Code;
}

/**
 * A module importing one memory as env.mem (at least `memMinPages` pages; the memory
 * given at instantiation may be larger) and exporting each function by its name.
 * Every function returns nothing. Returns the module bytes.
 */
export function moduleWithFunctions(fns: ExportedFunction[], memMinPages: number): Uint8Array<ArrayBuffer> {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types = fns.map((f) => {
    const type = [0x60];
    uleb(f.code.params.length, type);
    type.push(...f.code.params, 0x00);
    return type;
  });
  const typeSec: number[] = [];
  vec(types, typeSec);
  section(1, typeSec, out);
  const imp = [...name('env'), ...name('mem'), 0x02, 0x00];
  uleb(memMinPages, imp);
  const impSec: number[] = [];
  vec([imp], impSec);
  section(2, impSec, out);
  const funcSec: number[] = [];
  vec(
    fns.map((_, k) => {
      const t: number[] = [];
      uleb(k, t);
      return t;
    }),
    funcSec,
  );
  section(3, funcSec, out);
  const expSec: number[] = [];
  vec(
    fns.map((f, k) => {
      const e = [...name(f.name), 0x00];
      uleb(k, e);
      return e;
    }),
    expSec,
  );
  section(7, expSec, out);
  const codeSec: number[] = [];
  vec(
    fns.map((f) => f.code.encode()),
    codeSec,
  );
  section(10, codeSec, out);
  return new Uint8Array(out);
}
