/**
 * One instruction's functional semantics with every check at which fsim aborts,
 * and a description of what it touched (SRAM row ranges) and how much work it was
 * (DMA shape, micro-op iterations) for the trace and the timing model.
 *
 * In timing-only mode (`data` false) the checks still run and micro-ops are still
 * loaded (fsim's SKIP_EXEC does the same) so that indices, traces and errors stay
 * exact, but no tensor data moves.
 */
import type { Insn } from '../isa';
import { AluOp, MEM_TYPE_NAMES, MemType as MemType_, Opcode as Opcode_ } from '../isa';
import type { Program } from '../program/program';
import { C_ACC as C_ACC_, C_ALU as C_ALU_, C_GEMM as C_GEMM_, C_INP as C_INP_, C_OUT as C_OUT_, C_UOP as C_UOP_, C_WGT as C_WGT_ } from './counters';
import type { SimErrorCode } from './errors';
import { SimError } from './errors';
import type { SimGeometry } from './geometry';
import { aluExecute } from './kernels/alu';
import { gemmJs, gemmReset, gemmSimd } from './kernels/gemm';
import { loadAcc8, loadRows, loadUops, storeRows } from './kernels/transfer';
import type { SimMemory } from './memory';
import type { SimdGemm } from './wasm/gemm-simd';

// Imported constants are read in the hot loop; module-local copies avoid the per-access
// getter that per-file transpilation (tsx, tests, benchmarks) puts on imported bindings.
const MemType = MemType_;
const Opcode = Opcode_;
const C_ACC = C_ACC_;
const C_ALU = C_ALU_;
const C_GEMM = C_GEMM_;
const C_INP = C_INP_;
const C_OUT = C_OUT_;
const C_UOP = C_UOP_;
const C_WGT = C_WGT_;

/** SRAM buffers as traced. OUT is not separate: fsim stores from ACC. */
export const Buf = { UOP: 0, INP: 1, WGT: 2, ACC: 3 } as const;
export const BUFFER_NAMES = ['uop', 'inp', 'wgt', 'acc'] as const;
export type BufferName = (typeof BUFFER_NAMES)[number];
export const Access = { READ: 1, WRITE: 2, UPDATE: 3 } as const;
export const ACCESS_NAMES: Record<number, 'read' | 'write' | 'update'> = { 1: 'read', 2: 'write', 3: 'update' };

/** What the timing model needs to know about an instruction's work. */
export const Work = { NOP: 0, LOAD: 1, STORE: 2, GEMM: 3, ALU: 4, FINISH: 5 } as const;

/** Filled by Executor.exec for the instruction just executed (reused, never allocated per call). */
export class ExecOut {
  work = 0;
  /** GEMM/ALU: iter_out·iter_in·(uop_end − uop_bgn), including reset GEMMs. */
  uopIters = 0;
  /** ALU with an immediate (one ACC read per micro-op instead of two). */
  aluImm = false;
  /** LOAD/STORE: DRAM rows (requests), bytes per row, zero-fill bytes. */
  dmaRows = 0;
  dmaRowBytes = 0;
  padTopBytes = 0;
  padRowBytes = 0;
  padBottomBytes = 0;
  /** Number of SRAM accesses recorded below (at most 4). */
  n = 0;
  readonly buf = new Uint8Array(4);
  readonly kind = new Uint8Array(4);
  readonly lo = new Int32Array(4);
  /** Exclusive. */
  readonly hi = new Int32Array(4);

  reset(): void {
    this.work = Work.NOP;
    this.uopIters = 0;
    this.aluImm = false;
    this.dmaRows = this.dmaRowBytes = this.padTopBytes = this.padRowBytes = this.padBottomBytes = 0;
    this.n = 0;
  }

  add(buf: number, kind: number, lo: number, hi: number): void {
    const k = this.n++;
    this.buf[k] = buf;
    this.kind[k] = kind;
    this.lo[k] = lo;
    this.hi[k] = hi;
  }
}

interface Hull { lo: number; hi: number; loUop: number; hiUop: number }

export class Executor {
  readonly out = new ExecOut();
  private readonly insns: Program['insns'];
  private readonly g: SimGeometry;

  constructor(
    program: Program,
    private readonly mem: SimMemory,
    readonly counters: Float64Array,
    private readonly simd: SimdGemm | undefined,
    /** false: timing-only, no tensor data moves. */
    private readonly data: boolean,
  ) {
    this.insns = program.insns;
    this.g = mem.geometry;
  }

  get kernel(): 'simd' | 'js' {
    return this.simd ? 'simd' : 'js';
  }

  private fail(code: SimErrorCode, index: number, message: string): never {
    throw new SimError(code, message, index, this.insns[index]?.source);
  }

  exec(index: number): ExecOut {
    const insn = this.insns[index]!.insn;
    this.out.reset();
    switch (insn.opcode) {
      case Opcode.LOAD: this.load(index, insn); break;
      case Opcode.STORE: this.store(index, insn); break;
      case Opcode.GEMM: this.gemm(index, insn); break;
      case Opcode.ALU: this.alu(index, insn); break;
      case Opcode.FINISH: this.out.work = Work.FINISH; break;
      default: this.fail('unknown-opcode', index, `opcode ${insn.opcode} is not LOAD, STORE, GEMM, FINISH or ALU (fsim: "Unknown op_code")`);
    }
    return this.out;
  }

  // --- LOAD -------------------------------------------------------------------

  private load(index: number, insn: Insn): void {
    const out = this.out;
    if (insn.x_size === 0) return; // NOP: only its tokens matter
    const g = this.g;
    const type = insn.memory_type;
    let depth: number, buf: number, sramRowBytes: number, counter: number, counterRowBytes: number;
    switch (type) {
      case MemType.UOP: depth = g.uopDepth; buf = Buf.UOP; sramRowBytes = 4; counter = C_UOP; counterRowBytes = 4; break;
      case MemType.INP: depth = g.inpDepth; buf = Buf.INP; sramRowBytes = g.inpLanes; counter = C_INP; counterRowBytes = g.inpLanes; break;
      case MemType.WGT: depth = g.wgtDepth; buf = Buf.WGT; sramRowBytes = g.wgtLanes; counter = C_WGT; counterRowBytes = g.wgtLanes; break;
      case MemType.ACC:
      case MemType.ACC_8BIT: depth = g.accDepth; buf = Buf.ACC; sramRowBytes = g.accRowBytes; counter = C_ACC; counterRowBytes = g.accRowBytes; break;
      default:
        this.fail('bad-load-type', index, `LOAD with memory_type ${type} (${MEM_TYPE_NAMES[type] ?? 'unknown'}): only UOP, WGT, INP, ACC and ACC_8BIT can be loaded (fsim: fatal)`);
    }
    const name = MEM_TYPE_NAMES[type]!;
    const X = insn.x_pad_0 + insn.x_size + insn.x_pad_1;
    const Y = insn.y_pad_0 + insn.y_size + insn.y_pad_1;
    const rows = X * Y;
    if (insn.sram_base + rows > depth) {
      const padded = rows !== insn.x_size * insn.y_size ? ` (${Y}×${X} with padding)` : '';
      this.fail('sram-out-of-range', index,
        `LOAD ${name} writes ${rows} ${buf === Buf.UOP ? 'micro-ops' : 'rows'}${padded} from sram_base ${insn.sram_base}, up to ${insn.sram_base + rows - 1}, past the ${BUF_LABEL[buf]} buffer's depth ${depth}`);
    }
    const eb = g.elemBytes[type]!;
    this.checkDram(index, `LOAD ${name} reads`, insn, eb);
    this.counters[counter] += insn.x_size * insn.y_size * counterRowBytes;
    out.work = Work.LOAD;
    out.dmaRows = insn.y_size;
    out.dmaRowBytes = insn.x_size * eb;
    out.padTopBytes = insn.y_pad_0 * X * sramRowBytes;
    out.padBottomBytes = insn.y_pad_1 * X * sramRowBytes;
    out.padRowBytes = (insn.x_pad_0 + insn.x_pad_1) * sramRowBytes;
    out.add(buf, Access.WRITE, insn.sram_base, insn.sram_base + rows);
    const mem = this.mem;
    if (type === MemType.UOP) {
      loadUops(mem, insn);
      mem.touchUops(insn.sram_base, insn.sram_base + rows);
      return;
    }
    if (!this.data) return;
    if (type === MemType.ACC_8BIT) loadAcc8(mem, insn);
    else loadRows(mem, insn);
    if (buf === Buf.INP) mem.touchInpRows(insn.sram_base, insn.sram_base + rows);
    else if (buf === Buf.WGT) mem.touchWgtRows(insn.sram_base, insn.sram_base + rows);
    else mem.touchAccRows(insn.sram_base, insn.sram_base + rows);
  }

  /** DRAM elements dram_base + y·x_stride + [0, x_size) for y < y_size must lie in the image. */
  private checkDram(index: number, what: string, insn: Insn, eb: number): { lo: number; hi: number } {
    if (insn.y_size === 0) return { lo: 0, hi: 0 };
    const lo = insn.dram_base * eb;
    const hi = (insn.dram_base + (insn.y_size - 1) * insn.x_stride + insn.x_size) * eb;
    const len = this.mem.dram.length;
    if (hi > len) {
      this.fail('dram-out-of-range', index,
        `${what} DRAM bytes ${lo}..${hi - 1} (dram_base ${insn.dram_base}, ${insn.y_size} rows of ${insn.x_size} elements, stride ${insn.x_stride}, ${eb} B per element), past the ${len}-byte DRAM image`);
    }
    return { lo, hi };
  }

  // --- STORE ------------------------------------------------------------------

  private store(index: number, insn: Insn): void {
    const out = this.out;
    if (insn.x_size === 0) return;
    if (insn.memory_type !== MemType.OUT) {
      this.fail('bad-store-type', index,
        `STORE with memory_type ${insn.memory_type} (${MEM_TYPE_NAMES[insn.memory_type] ?? 'unknown'}): fsim stores only from OUT (4)`);
    }
    if (insn.y_pad_0 || insn.y_pad_1 || insn.x_pad_0 || insn.x_pad_1) {
      this.fail('bad-store-padding', index,
        `STORE with padding (y ${insn.y_pad_0},${insn.y_pad_1}, x ${insn.x_pad_0},${insn.x_pad_1}): a STORE cannot pad (fsim: CHECK failure)`);
    }
    const g = this.g;
    const rows = insn.x_size * insn.y_size;
    if (insn.sram_base + rows > g.accDepth) {
      this.fail('sram-out-of-range', index,
        `STORE reads ${rows} rows from sram_base ${insn.sram_base}, up to ${insn.sram_base + rows - 1}, past the ACC/OUT buffer's depth ${g.accDepth}`);
    }
    const span = this.checkDram(index, 'STORE writes', insn, g.outRowBytes);
    this.counters[C_OUT] += rows * g.outRowBytes;
    out.work = Work.STORE;
    out.dmaRows = insn.y_size;
    out.dmaRowBytes = insn.x_size * g.outRowBytes;
    out.add(Buf.ACC, Access.READ, insn.sram_base, insn.sram_base + rows);
    if (!this.data) return;
    storeRows(this.mem, insn);
    this.mem.touchDram(span.lo, span.hi);
  }

  // --- GEMM and ALU -----------------------------------------------------------

  /** Checks the micro-op range; returns false when the loop nest is empty. */
  private uopRange(index: number, what: string, insn: Insn): boolean {
    if (insn.iter_out === 0 || insn.iter_in === 0 || insn.uop_end <= insn.uop_bgn) return false;
    if (insn.uop_end > this.g.uopDepth) {
      this.fail('uop-out-of-range', index,
        `${what} uses micro-ops ${insn.uop_bgn}..${insn.uop_end - 1}, past the UOP buffer's depth ${this.g.uopDepth}`);
    }
    return true;
  }

  /** Smallest and largest row a micro-op field plus the loop offsets reaches. */
  private hull(field: Int32Array, insn: Insn, fOut: number, fIn: number): Hull {
    let lo = Infinity, hi = -Infinity, loUop = insn.uop_bgn, hiUop = insn.uop_bgn;
    for (let u = insn.uop_bgn; u < insn.uop_end; u++) {
      const v = field[u]!;
      if (v < lo) { lo = v; loUop = u; }
      if (v > hi) { hi = v; hiUop = u; }
    }
    // Factors are unsigned fields, so the offsets only grow with the iteration.
    return { lo, hi: hi + (insn.iter_out - 1) * fOut + (insn.iter_in - 1) * fIn, loUop, hiUop };
  }

  private checkHull(index: number, what: string, field: string, h: Hull, depth: number, buf: number, insn: Insn, arr: Int32Array): void {
    if (h.hi >= depth) {
      this.fail('sram-out-of-range', index,
        `${what} reaches ${BUF_LABEL[buf]} row ${h.hi} (micro-op ${h.hiUop} ${field} ${arr[h.hiUop]} + loop offset ${h.hi - arr[h.hiUop]!}; iter_out ${insn.iter_out}, iter_in ${insn.iter_in}), past the buffer's depth ${depth}`);
    }
  }

  private gemm(index: number, insn: Insn): void {
    const out = this.out;
    out.work = Work.GEMM;
    const reset = insn.reset_reg !== 0;
    if (!this.uopRange(index, 'GEMM', insn)) return;
    const g = this.g, mem = this.mem;
    const iters = insn.iter_out * insn.iter_in * (insn.uop_end - insn.uop_bgn);
    out.uopIters = iters;
    out.add(Buf.UOP, Access.READ, insn.uop_bgn, insn.uop_end);
    const a = this.hull(mem.uopDst, insn, insn.dst_factor_out, insn.dst_factor_in);
    this.checkHull(index, 'GEMM', 'dst', a, g.accDepth, Buf.ACC, insn, mem.uopDst);
    if (reset) {
      out.add(Buf.ACC, Access.WRITE, a.lo, a.hi + 1);
      if (!this.data) return;
      gemmReset(mem, insn);
      mem.touchAccRows(a.lo, a.hi + 1);
      return;
    }
    const i = this.hull(mem.uopSrc, insn, insn.src_factor_out, insn.src_factor_in);
    this.checkHull(index, 'GEMM', 'src', i, g.inpDepth, Buf.INP, insn, mem.uopSrc);
    const w = this.hull(mem.uopWgt, insn, insn.wgt_factor_out, insn.wgt_factor_in);
    this.checkHull(index, 'GEMM', 'wgt', w, g.wgtDepth, Buf.WGT, insn, mem.uopWgt);
    this.counters[C_GEMM] += iters;
    out.add(Buf.INP, Access.READ, i.lo, i.hi + 1);
    out.add(Buf.WGT, Access.READ, w.lo, w.hi + 1);
    out.add(Buf.ACC, Access.UPDATE, a.lo, a.hi + 1);
    if (!this.data) return;
    if (this.simd) gemmSimd(this.simd, mem, insn);
    else gemmJs(mem, insn);
    mem.touchAccRows(a.lo, a.hi + 1);
  }

  private alu(index: number, insn: Insn): void {
    const out = this.out;
    out.work = Work.ALU;
    out.aluImm = insn.use_imm !== 0;
    if (insn.alu_opcode > AluOp.MUL) {
      this.fail('unknown-alu-opcode', index, `ALU opcode ${insn.alu_opcode} is not MIN, MAX, ADD, SHR or MUL`);
    }
    if (!this.uopRange(index, 'ALU', insn)) return;
    const g = this.g, mem = this.mem;
    const iters = insn.iter_out * insn.iter_in * (insn.uop_end - insn.uop_bgn);
    out.uopIters = iters;
    this.counters[C_ALU] += iters;
    out.add(Buf.UOP, Access.READ, insn.uop_bgn, insn.uop_end);
    const d = this.hull(mem.uopDst, insn, insn.dst_factor_out, insn.dst_factor_in);
    this.checkHull(index, 'ALU', 'dst', d, g.accDepth, Buf.ACC, insn, mem.uopDst);
    if (!out.aluImm) {
      const s = this.hull(mem.uopSrc, insn, insn.src_factor_out, insn.src_factor_in);
      this.checkHull(index, 'ALU', 'src', s, g.accDepth, Buf.ACC, insn, mem.uopSrc);
      out.add(Buf.ACC, Access.READ, s.lo, s.hi + 1);
    }
    out.add(Buf.ACC, Access.UPDATE, d.lo, d.hi + 1);
    if (!this.data) return;
    aluExecute(mem, insn);
    mem.touchAccRows(d.lo, d.hi + 1);
  }
}

const BUF_LABEL = ['UOP', 'INP', 'WGT', 'ACC'];
