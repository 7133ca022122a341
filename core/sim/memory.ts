/**
 * The machine's memories: the four SRAMs (micro-ops decoded into three index
 * arrays, INP and WGT as int8, ACC as int32) in one buffer — a WebAssembly memory
 * when the SIMD kernels are in use, so that the kernels and the JavaScript code
 * share the same bytes — and the DRAM image.
 *
 * Both regions are split into pages with dirty flags, so that a snapshot copies
 * only the pages written since the previous one (see snapshots.ts).
 */
import type { SimGeometry } from './geometry';

/** What the memory needs of the WebAssembly kernels (wasm/kernels.ts). */
export interface KernelMemory {
  memory: WebAssembly.Memory;
  /** Rebuilds the kernels' widened copy of WGT rows [lo, hi). */
  widen(lo: number, hi: number): void;
}

export const PAGE_SHIFT = 12;
export const PAGE_BYTES = 1 << PAGE_SHIFT;

const alignPage = (n: number) => Math.ceil(n / PAGE_BYTES) * PAGE_BYTES;

/** Byte offsets of each SRAM inside the SRAM region (each page-aligned). */
export interface SramLayout {
  uopDst: number;
  uopSrc: number;
  uopWgt: number;
  inp: number;
  wgt: number;
  acc: number;
  bytes: number;
}

export function sramLayout(g: SimGeometry): SramLayout {
  let at = 0;
  const place = (bytes: number) => {
    const off = at;
    at += alignPage(bytes);
    return off;
  };
  const uopDst = place(g.uopDepth * 4);
  const uopSrc = place(g.uopDepth * 4);
  const uopWgt = place(g.uopDepth * 4);
  const inp = place(g.inpDepth * g.inpLanes);
  const wgt = place(g.wgtDepth * g.wgtLanes);
  // 16 spare bytes after ACC keep every 16-byte SIMD access inside the region.
  const acc = place(g.accDepth * g.accLanes * 4 + 16);
  return { uopDst, uopSrc, uopWgt, inp, wgt, acc, bytes: at };
}

export class SimMemory {
  readonly layout: SramLayout;
  /** The whole SRAM region as bytes (for snapshots). */
  readonly sram: Uint8Array;
  readonly uopDst: Int32Array;
  readonly uopSrc: Int32Array;
  readonly uopWgt: Int32Array;
  /**
   * The largest dst, src and wgt index ever written into the micro-op buffer (never
   * lowered, so it bounds every micro-op the buffer holds, snapshots restored included):
   * a timing-only run checks a GEMM's or ALU's rows against it without visiting its
   * micro-ops (timing-batch.ts), and visits them only when the bound reaches past a buffer.
   */
  readonly uopMax = new Int32Array(3);
  readonly inp: Int8Array;
  readonly inpBytes: Uint8Array;
  readonly wgt: Int8Array;
  readonly wgtBytes: Uint8Array;
  readonly acc: Int32Array;
  readonly accBytes: Uint8Array;
  /** The live DRAM image (a copy of the program's). */
  readonly dram: Uint8Array;
  readonly sramDirty: Uint8Array;
  readonly dramDirty: Uint8Array;

  /**
   * @param kernels the WebAssembly kernels whose memory holds the SRAMs (at the
   *   offsets of sramLayout); without them the SRAMs get a plain ArrayBuffer.
   * @param writesDram false when nothing will write DRAM (timing only): no copy is made.
   */
  constructor(
    readonly geometry: SimGeometry,
    initialDram: Uint8Array,
    private readonly kernels?: KernelMemory,
    writesDram = true,
  ) {
    const l = (this.layout = sramLayout(geometry));
    const buf = kernels?.memory.buffer ?? new ArrayBuffer(l.bytes);
    const g = geometry;
    this.sram = new Uint8Array(buf, 0, l.bytes);
    this.uopDst = new Int32Array(buf, l.uopDst, g.uopDepth);
    this.uopSrc = new Int32Array(buf, l.uopSrc, g.uopDepth);
    this.uopWgt = new Int32Array(buf, l.uopWgt, g.uopDepth);
    this.inp = new Int8Array(buf, l.inp, g.inpDepth * g.inpLanes);
    this.inpBytes = new Uint8Array(buf, l.inp, g.inpDepth * g.inpLanes);
    this.wgt = new Int8Array(buf, l.wgt, g.wgtDepth * g.wgtLanes);
    this.wgtBytes = new Uint8Array(buf, l.wgt, g.wgtDepth * g.wgtLanes);
    this.acc = new Int32Array(buf, l.acc, g.accDepth * g.accLanes);
    this.accBytes = new Uint8Array(buf, l.acc, g.accDepth * g.accLanes * 4);
    // Without data (timing only) nothing writes DRAM: the program's image serves as it is.
    this.dram = writesDram ? initialDram.slice() : initialDram;
    this.sramDirty = new Uint8Array(l.bytes >> PAGE_SHIFT);
    this.dramDirty = new Uint8Array(Math.ceil(this.dram.length / PAGE_BYTES));
  }

  /** Marks SRAM bytes [lo, hi) of the region as written. */
  touchSram(lo: number, hi: number): void {
    if (hi <= lo) return;
    const d = this.sramDirty;
    for (let p = lo >> PAGE_SHIFT, e = (hi - 1) >> PAGE_SHIFT; p <= e; p++) d[p] = 1;
  }

  /** Marks DRAM bytes [lo, hi) as written. */
  touchDram(lo: number, hi: number): void {
    if (hi <= lo) return;
    const d = this.dramDirty;
    for (let p = lo >> PAGE_SHIFT, e = (hi - 1) >> PAGE_SHIFT; p <= e; p++) d[p] = 1;
  }

  touchUops(lo: number, hi: number): void {
    const l = this.layout;
    this.touchSram(l.uopDst + lo * 4, l.uopDst + hi * 4);
    this.touchSram(l.uopSrc + lo * 4, l.uopSrc + hi * 4);
    this.touchSram(l.uopWgt + lo * 4, l.uopWgt + hi * 4);
  }
  touchInpRows(lo: number, hi: number): void {
    const n = this.geometry.inpLanes;
    this.touchSram(this.layout.inp + lo * n, this.layout.inp + hi * n);
  }
  touchWgtRows(lo: number, hi: number): void {
    const n = this.geometry.wgtLanes;
    this.touchSram(this.layout.wgt + lo * n, this.layout.wgt + hi * n);
  }
  /** WGT rows [lo, hi) were written (by a LOAD or a snapshot's restore): the kernels' copy follows. */
  wgtWritten(lo: number, hi: number): void {
    if (this.kernels && hi > lo) this.kernels.widen(lo, hi);
  }
  touchAccRows(lo: number, hi: number): void {
    const n = this.geometry.accLanes * 4;
    this.touchSram(this.layout.acc + lo * n, this.layout.acc + hi * n);
  }
}
