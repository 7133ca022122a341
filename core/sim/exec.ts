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
import type { ModuleId } from '../isa';
import {
  AluOp,
  MEM_TYPE_NAMES,
  MODULES,
  MemType as MemType_,
  Opcode as Opcode_,
  UOP_BYTES,
  emptyInsn,
  moduleOf,
} from '../isa';
import type { Program } from '../program/program';
import {
  C_ACC as C_ACC_,
  C_ALU as C_ALU_,
  C_GEMM as C_GEMM_,
  C_INP as C_INP_,
  C_OUT as C_OUT_,
  C_UOP as C_UOP_,
  C_WGT as C_WGT_,
} from './counters';
import type { SimErrorCode } from './errors';
import { SimError } from './errors';
import type { SimGeometry } from './geometry';
import { aluExecute } from './kernels/alu';
import { gemmJs, gemmReset, gemmSimd } from './kernels/gemm';
import { loadAcc8, loadRows, loadUops, storeRows } from './kernels/transfer';
import type { SimMemory } from './memory';
import type { SimdKernels } from './wasm/kernels';

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

/**
 * The fields exec reads, packed into one typed array (a row of STRIDE numbers per
 * instruction) when the executor is built. A run reads instructions roughly in
 * program order: rows of one typed array stream through the cache, whereas each
 * Program instruction is several objects spread over the heap, whose cache misses
 * cost more than a timing-only step itself on long programs. Memory instructions and
 * GEMM/ALU use different fields, so they share slots. The rows are Int32 (64 bytes)
 * when every field fits, as in any program whose DRAM offsets stay below 2 GiB, and
 * Float64 otherwise, so every value stays exact. The kernels read an Insn filled from
 * the row (Executor.view), so they too see only these fields.
 */
const STRIDE = 16;
const OPCODE = 0;
/* LOAD and STORE */
const MEM_TYPE = 1,
  SRAM_BASE = 2,
  DRAM_BASE = 3,
  Y_SIZE = 4,
  X_SIZE = 5,
  X_STRIDE = 6,
  Y_PAD_0 = 7,
  Y_PAD_1 = 8,
  X_PAD_0 = 9,
  X_PAD_1 = 10;
/* GEMM and ALU (RESET_REG for GEMM; USE_IMM and ALU_OPCODE for ALU) */
const UOP_BGN = 1,
  UOP_END = 2,
  ITER_OUT = 3,
  ITER_IN = 4,
  DST_OUT = 5,
  DST_IN = 6,
  SRC_OUT = 7,
  SRC_IN = 8,
  WGT_OUT = 9,
  WGT_IN = 10,
  RESET_REG = 11,
  USE_IMM = 11,
  ALU_OPCODE = 12,
  IMM = 13;
/*
 * LOAD and STORE only (GEMM and ALU rows use these slots for other fields), what a timing-only run needs of them without calling exec, worked out
 * when the row is packed (transferKind): TRANSFER says whether exec may be skipped, and
 * how; ROW_BYTES is the bytes of one DRAM row (ExecOut.dmaRowBytes); SRAM_ROW_BYTES the
 * bytes of one SRAM row, the unit of the padding and of fsim's counter.
 */
const TRANSFER = 11,
  ROW_BYTES = 12,
  SRAM_ROW_BYTES = 13;
/*
 * Every instruction: its module (MODULES order) and its dependency flags (bits 1, 2, 4, 8:
 * pop_prev, pop_next, push_prev, push_next, program-info.ts's FLAGS order), for
 * programInfo, so that the Program's instruction objects are read in one pass.
 */
const MODULE = 14,
  DEP_FLAGS = 15;

/**
 * The row layout, for the timing-only batch loop (timing-batch.ts), which reads a LOAD's
 * or STORE's fields itself when TRANSFER allows it, and a GEMM's or ALU's.
 */
export const Row = {
  STRIDE,
  OPCODE,
  MEM_TYPE,
  Y_SIZE,
  X_SIZE,
  Y_PAD_0,
  Y_PAD_1,
  X_PAD_0,
  X_PAD_1,
  TRANSFER,
  ROW_BYTES,
  SRAM_ROW_BYTES,
  UOP_BGN,
  UOP_END,
  ITER_OUT,
  ITER_IN,
  DST_OUT,
  DST_IN,
  SRC_OUT,
  SRC_IN,
  WGT_OUT,
  WGT_IN,
  RESET_REG,
  USE_IMM,
  ALU_OPCODE,
} as const;

/**
 * A row's TRANSFER: EXEC, exec must run it (instructions that fail a check, GEMM, ALU,
 * FINISH); NOP, a LOAD or STORE of x_size 0, which exec leaves as a NOP; DMA, a LOAD or
 * STORE that passes every check of Executor.load and store and moves no state a
 * timing-only run keeps: its effect is the counter, the statistics and the transfer's
 * shape, all from the row; UOP, the same for a UOP load, which also fills the micro-op
 * buffer (Executor.fillUops), read by GEMM and ALU even in timing-only runs.
 */
export const Transfer = { EXEC: 0, NOP: 1, DMA: 2, UOP: 3 } as const;

/** fsim's counter that a LOAD or STORE of each memory type adds to (MemType order). */
export const TRANSFER_COUNTER: readonly number[] = [C_UOP, C_WGT, C_INP, C_ACC, C_OUT, C_ACC];

/** Where a LOAD of one memory type writes: the SRAM buffer, its depth and the bytes of one of its rows. */
interface LoadTarget {
  buf: number;
  depth: number;
  /** The unit of the padding and of fsim's counter. */
  sramRowBytes: number;
}

/**
 * The LOAD target of each memory type (MemType order) for a geometry; undefined for a
 * type that cannot be loaded (OUT). Read by Executor.load and by transferKind, once per
 * executor, so that the two agree on what each type writes.
 */
function loadTargets(g: SimGeometry): ReadonlyArray<LoadTarget | undefined> {
  const t: Array<LoadTarget | undefined> = [];
  t[MemType.UOP] = { buf: Buf.UOP, depth: g.uopDepth, sramRowBytes: UOP_BYTES };
  t[MemType.WGT] = { buf: Buf.WGT, depth: g.wgtDepth, sramRowBytes: g.wgtLanes };
  t[MemType.INP] = { buf: Buf.INP, depth: g.inpDepth, sramRowBytes: g.inpLanes };
  t[MemType.ACC] = t[MemType.ACC_8BIT] = { buf: Buf.ACC, depth: g.accDepth, sramRowBytes: g.accRowBytes };
  t[MemType.OUT] = undefined;
  return t;
}
const MODULE_INDEX = Object.fromEntries(MODULES.map((id, k) => [id, k])) as Record<ModuleId, number>;

type InsnTable = Int32Array | Float64Array;

function packInsns(program: Program, g: Packing, dramLength: number): InsnTable {
  const n = program.insns.length * STRIDE;
  const small = new Int32Array(n);
  if (fillInsns(program, small, g, dramLength)) return small;
  const exact = new Float64Array(n);
  fillInsns(program, exact, g, dramLength);
  return exact;
}

/** What transferKind reads besides the row: the geometry and its LOAD targets. */
interface Packing {
  g: SimGeometry;
  targets: ReadonlyArray<LoadTarget | undefined>;
}

/**
 * Row b's TRANSFER (its fields already packed), and its ROW_BYTES and SRAM_ROW_BYTES
 * when DMA. The checks are Executor.load's and store's, in their order, without the
 * messages: test/unit/sim-timing-transfers.test.ts holds the two equal.
 */
function transferKind(t: InsnTable, b: number, { g, targets }: Packing, dramLength: number): void {
  const xSize = t[b + X_SIZE]!;
  if (xSize === 0) {
    t[b + TRANSFER] = Transfer.NOP;
    return;
  }
  t[b + TRANSFER] = Transfer.EXEC;
  const type = t[b + MEM_TYPE]!;
  const yPad0 = t[b + Y_PAD_0]!,
    yPad1 = t[b + Y_PAD_1]!,
    xPad0 = t[b + X_PAD_0]!,
    xPad1 = t[b + X_PAD_1]!;
  let depth: number, eb: number, sramRowBytes: number;
  if (t[b + OPCODE] === Opcode.STORE) {
    if (type !== MemType.OUT || yPad0 || yPad1 || xPad0 || xPad1) return;
    depth = g.accDepth;
    eb = sramRowBytes = g.outRowBytes;
  } else {
    const target = targets[type];
    if (!target) return;
    ({ depth, sramRowBytes } = target);
    eb = g.elemBytes[type]!;
  }
  const ySize = t[b + Y_SIZE]!;
  if (t[b + SRAM_BASE]! + (xPad0 + xSize + xPad1) * (yPad0 + ySize + yPad1) > depth) return;
  if (ySize !== 0 && (t[b + DRAM_BASE]! + (ySize - 1) * t[b + X_STRIDE]! + xSize) * eb > dramLength) return;
  t[b + ROW_BYTES] = xSize * eb;
  t[b + SRAM_ROW_BYTES] = sramRowBytes;
  // Both fit whenever the fields do (x_size < 2^16, at most 4 KiB per element).
  t[b + TRANSFER] = type === MemType.UOP && t[b + OPCODE] === Opcode.LOAD ? Transfer.UOP : Transfer.DMA;
}

/** Fills the rows; false when a value did not fit the array's element type. */
function fillInsns(program: Program, t: InsnTable, g: Packing, dramLength: number): boolean {
  const insns = program.insns;
  let fits = true;
  const put = (k: number, v: number) => {
    t[k] = v;
    if (t[k] !== v) fits = false;
  };
  for (let i = 0, b = 0; i < insns.length; i++, b += STRIDE) {
    const x = insns[i]!.insn;
    put(b + OPCODE, x.opcode);
    put(b + MODULE, MODULE_INDEX[moduleOf(x)]);
    put(
      b + DEP_FLAGS,
      (x.pop_prev_dep ? 1 : 0) | (x.pop_next_dep ? 2 : 0) | (x.push_prev_dep ? 4 : 0) | (x.push_next_dep ? 8 : 0),
    );
    if (x.opcode === Opcode.LOAD || x.opcode === Opcode.STORE) {
      put(b + MEM_TYPE, x.memory_type);
      put(b + SRAM_BASE, x.sram_base);
      put(b + DRAM_BASE, x.dram_base);
      put(b + Y_SIZE, x.y_size);
      put(b + X_SIZE, x.x_size);
      put(b + X_STRIDE, x.x_stride);
      put(b + Y_PAD_0, x.y_pad_0);
      put(b + Y_PAD_1, x.y_pad_1);
      put(b + X_PAD_0, x.x_pad_0);
      put(b + X_PAD_1, x.x_pad_1);
      if (fits) transferKind(t, b, g, dramLength);
    } else {
      put(b + UOP_BGN, x.uop_bgn);
      put(b + UOP_END, x.uop_end);
      put(b + ITER_OUT, x.iter_out);
      put(b + ITER_IN, x.iter_in);
      put(b + DST_OUT, x.dst_factor_out);
      put(b + DST_IN, x.dst_factor_in);
      put(b + SRC_OUT, x.src_factor_out);
      put(b + SRC_IN, x.src_factor_in);
      put(b + WGT_OUT, x.wgt_factor_out);
      put(b + WGT_IN, x.wgt_factor_in);
      put(b + RESET_REG, x.opcode === Opcode.GEMM ? x.reset_reg : x.use_imm);
      put(b + ALU_OPCODE, x.alu_opcode);
      put(b + IMM, x.imm);
    }
    if (!fits) return false;
  }
  return true;
}

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
  /** GEMM with reset_reg. */
  gemmReset = false;
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
    this.gemmReset = false;
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

export class Executor {
  readonly out = new ExecOut();
  private readonly insns: Program['insns'];
  /** The instructions' fields, packed: what exec reads. */
  private readonly t: InsnTable;
  private readonly g: SimGeometry;
  /** Where a LOAD of each memory type writes (loadTargets). */
  private readonly targets: ReadonlyArray<LoadTarget | undefined>;
  /** The last hull(): smallest and largest row, and the micro-op that reaches the largest (fields, not an object per call). */
  private hLo = 0;
  private hHi = 0;
  private hHiUop = 0;
  private readonly scratch = emptyInsn(Opcode.LOAD);

  constructor(
    program: Program,
    private readonly mem: SimMemory,
    readonly counters: Float64Array,
    private readonly simd: SimdKernels | undefined,
    /** false: timing-only, no tensor data moves. */
    private readonly data: boolean,
  ) {
    this.insns = program.insns;
    this.g = mem.geometry;
    this.targets = loadTargets(this.g);
    this.t = packInsns(program, { g: this.g, targets: this.targets }, mem.dram.length);
  }

  get kernel(): 'simd' | 'js' {
    return this.simd ? 'simd' : 'js';
  }

  /** The packed rows (Row), for the timing-only batch loop. */
  get rows(): InsnTable {
    return this.t;
  }

  /** false in timing-only runs: no tensor data moves. */
  get movesData(): boolean {
    return this.data;
  }

  opcode(index: number): number {
    return this.t[index * STRIDE + OPCODE]!;
  }

  /** The instruction's module: 0 load, 1 compute, 2 store (MODULES order). */
  module(index: number): number {
    return this.t[index * STRIDE + MODULE]!;
  }

  /** The instruction's dependency flags (see DEP_FLAGS). */
  depFlags(index: number): number {
    return this.t[index * STRIDE + DEP_FLAGS]!;
  }

  /** An Insn with row `b`'s fields, for the kernels: one reused object, always hot in the cache. */
  private view(b: number): Insn {
    const t = this.t,
      v = this.scratch;
    if (t[b + OPCODE] === Opcode.LOAD || t[b + OPCODE] === Opcode.STORE) {
      v.memory_type = t[b + MEM_TYPE]!;
      v.sram_base = t[b + SRAM_BASE]!;
      v.dram_base = t[b + DRAM_BASE]!;
      v.y_size = t[b + Y_SIZE]!;
      v.x_size = t[b + X_SIZE]!;
      v.x_stride = t[b + X_STRIDE]!;
      v.y_pad_0 = t[b + Y_PAD_0]!;
      v.y_pad_1 = t[b + Y_PAD_1]!;
      v.x_pad_0 = t[b + X_PAD_0]!;
      v.x_pad_1 = t[b + X_PAD_1]!;
    } else {
      v.uop_bgn = t[b + UOP_BGN]!;
      v.uop_end = t[b + UOP_END]!;
      v.iter_out = t[b + ITER_OUT]!;
      v.iter_in = t[b + ITER_IN]!;
      v.dst_factor_out = t[b + DST_OUT]!;
      v.dst_factor_in = t[b + DST_IN]!;
      v.src_factor_out = t[b + SRC_OUT]!;
      v.src_factor_in = t[b + SRC_IN]!;
      v.wgt_factor_out = t[b + WGT_OUT]!;
      v.wgt_factor_in = t[b + WGT_IN]!;
      if (t[b + OPCODE] === Opcode.GEMM) v.reset_reg = t[b + RESET_REG]!;
      else v.use_imm = t[b + USE_IMM]!;
      v.alu_opcode = t[b + ALU_OPCODE]!;
      v.imm = t[b + IMM]!;
    }
    v.opcode = t[b + OPCODE]!;
    return v;
  }

  private fail(code: SimErrorCode, index: number, message: string): never {
    throw new SimError(code, message, index, this.insns[index]?.source);
  }

  exec(index: number): ExecOut {
    const b = index * STRIDE;
    const opcode = this.t[b + OPCODE]!;
    this.out.reset();
    switch (opcode) {
      case Opcode.LOAD:
        this.load(index, b);
        break;
      case Opcode.STORE:
        this.store(index, b);
        break;
      case Opcode.GEMM:
        this.gemm(index, b);
        break;
      case Opcode.ALU:
        this.alu(index, b);
        break;
      case Opcode.FINISH:
        this.out.work = Work.FINISH;
        break;
      default:
        this.fail(
          'unknown-opcode',
          index,
          `opcode ${opcode} is not LOAD, STORE, GEMM, FINISH or ALU (fsim: "Unknown op_code")`,
        );
    }
    return this.out;
  }

  // --- LOAD -------------------------------------------------------------------

  private load(index: number, b: number): void {
    const t = this.t,
      out = this.out;
    const xSize = t[b + X_SIZE]!;
    if (xSize === 0) return; // NOP: only its tokens matter
    const g = this.g;
    const type = t[b + MEM_TYPE]!;
    const target = this.targets[type];
    if (!target) {
      this.fail(
        'bad-load-type',
        index,
        `LOAD with memory_type ${type} (${MEM_TYPE_NAMES[type] ?? 'unknown'}): only UOP, WGT, INP, ACC and ACC_8BIT can be loaded (fsim: fatal)`,
      );
    }
    const { buf, depth, sramRowBytes } = target;
    const ySize = t[b + Y_SIZE]!,
      sram = t[b + SRAM_BASE]!;
    const yPad0 = t[b + Y_PAD_0]!,
      yPad1 = t[b + Y_PAD_1]!;
    const xPad0 = t[b + X_PAD_0]!,
      xPad1 = t[b + X_PAD_1]!;
    const X = xPad0 + xSize + xPad1;
    const Y = yPad0 + ySize + yPad1;
    const rows = X * Y;
    if (sram + rows > depth) {
      const padded = rows !== xSize * ySize ? ` (${Y}×${X} with padding)` : '';
      this.fail(
        'sram-out-of-range',
        index,
        `LOAD ${MEM_TYPE_NAMES[type]} writes ${rows} ${buf === Buf.UOP ? 'micro-ops' : 'rows'}${padded} from sram_base ${sram}, up to ${sram + rows - 1}, past the ${BUF_LABEL[buf]} buffer's depth ${depth}`,
      );
    }
    const eb = g.elemBytes[type]!;
    this.checkDram(index, b, eb);
    this.counters[TRANSFER_COUNTER[type]!] += xSize * ySize * sramRowBytes;
    out.work = Work.LOAD;
    out.dmaRows = ySize;
    out.dmaRowBytes = xSize * eb;
    out.padTopBytes = yPad0 * X * sramRowBytes;
    out.padBottomBytes = yPad1 * X * sramRowBytes;
    out.padRowBytes = (xPad0 + xPad1) * sramRowBytes;
    out.add(buf, Access.WRITE, sram, sram + rows);
    const mem = this.mem;
    if (type === MemType.UOP) {
      this.fillUops(index);
      return;
    }
    if (!this.data) return;
    if (type === MemType.ACC_8BIT) loadAcc8(mem, this.view(b));
    else loadRows(mem, this.view(b));
    if (buf === Buf.INP) mem.touchInpRows(sram, sram + rows);
    else if (buf === Buf.WGT) {
      mem.touchWgtRows(sram, sram + rows);
      mem.wgtWritten(sram, sram + rows);
    } else mem.touchAccRows(sram, sram + rows);
  }

  /**
   * A UOP load's effect on the micro-op buffer, its checks passed: Executor.load's last
   * step, and all a timing-only run does of a row whose TRANSFER is UOP.
   */
  fillUops(index: number): void {
    const b = index * STRIDE,
      t = this.t;
    const sram = t[b + SRAM_BASE]!;
    const rows =
      (t[b + X_PAD_0]! + t[b + X_SIZE]! + t[b + X_PAD_1]!) * (t[b + Y_PAD_0]! + t[b + Y_SIZE]! + t[b + Y_PAD_1]!);
    loadUops(this.mem, this.view(b));
    this.mem.touchUops(sram, sram + rows);
  }

  /**
   * DRAM elements dram_base + y·x_stride + [0, x_size) for y < y_size must lie in the
   * image. Returns the end of that span in bytes (0 when there are no rows).
   */
  private checkDram(index: number, b: number, eb: number): number {
    const t = this.t;
    const ySize = t[b + Y_SIZE]!;
    if (ySize === 0) return 0;
    const base = t[b + DRAM_BASE]!,
      xSize = t[b + X_SIZE]!,
      stride = t[b + X_STRIDE]!;
    const hi = (base + (ySize - 1) * stride + xSize) * eb;
    const len = this.mem.dram.length;
    if (hi > len) {
      const what = t[b + OPCODE] === Opcode.STORE ? 'STORE writes' : `LOAD ${MEM_TYPE_NAMES[t[b + MEM_TYPE]!]} reads`;
      this.fail(
        'dram-out-of-range',
        index,
        `${what} DRAM bytes ${base * eb}..${hi - 1} (dram_base ${base}, ${ySize} rows of ${xSize} elements, stride ${stride}, ${eb} B per element), past the ${len}-byte DRAM image`,
      );
    }
    return hi;
  }

  // --- STORE ------------------------------------------------------------------

  private store(index: number, b: number): void {
    const t = this.t,
      out = this.out;
    const xSize = t[b + X_SIZE]!;
    if (xSize === 0) return;
    const type = t[b + MEM_TYPE]!;
    if (type !== MemType.OUT) {
      this.fail(
        'bad-store-type',
        index,
        `STORE with memory_type ${type} (${MEM_TYPE_NAMES[type] ?? 'unknown'}): fsim stores only from OUT (4)`,
      );
    }
    const yPad0 = t[b + Y_PAD_0]!,
      yPad1 = t[b + Y_PAD_1]!,
      xPad0 = t[b + X_PAD_0]!,
      xPad1 = t[b + X_PAD_1]!;
    if (yPad0 || yPad1 || xPad0 || xPad1) {
      this.fail(
        'bad-store-padding',
        index,
        `STORE with padding (y ${yPad0},${yPad1}, x ${xPad0},${xPad1}): a STORE cannot pad (fsim: CHECK failure)`,
      );
    }
    const g = this.g;
    const ySize = t[b + Y_SIZE]!,
      sram = t[b + SRAM_BASE]!;
    const rows = xSize * ySize;
    if (sram + rows > g.accDepth) {
      this.fail(
        'sram-out-of-range',
        index,
        `STORE reads ${rows} rows from sram_base ${sram}, up to ${sram + rows - 1}, past the ACC/OUT buffer's depth ${g.accDepth}`,
      );
    }
    const hi = this.checkDram(index, b, g.outRowBytes);
    this.counters[C_OUT] += rows * g.outRowBytes;
    out.work = Work.STORE;
    out.dmaRows = ySize;
    out.dmaRowBytes = xSize * g.outRowBytes;
    out.add(Buf.ACC, Access.READ, sram, sram + rows);
    if (!this.data) return;
    storeRows(this.mem, this.view(b));
    this.mem.touchDram(t[b + DRAM_BASE]! * g.outRowBytes, hi);
  }

  // --- GEMM and ALU -----------------------------------------------------------

  /** Checks the micro-op range; returns false when the loop nest is empty. */
  private uopRange(index: number, what: string, b: number): boolean {
    const t = this.t;
    const bgn = t[b + UOP_BGN]!,
      end = t[b + UOP_END]!;
    if (t[b + ITER_OUT] === 0 || t[b + ITER_IN] === 0 || end <= bgn) return false;
    if (end > this.g.uopDepth) {
      this.fail(
        'uop-out-of-range',
        index,
        `${what} uses micro-ops ${bgn}..${end - 1}, past the UOP buffer's depth ${this.g.uopDepth}`,
      );
    }
    return true;
  }

  /** Smallest and largest row a micro-op field plus the loop offsets reaches (into hLo, hHi, hHiUop). */
  private hull(field: Int32Array, b: number, fOut: number, fIn: number): void {
    const t = this.t;
    const bgn = t[b + UOP_BGN]!,
      end = t[b + UOP_END]!;
    let lo = Infinity,
      hi = -Infinity,
      hiUop = bgn;
    for (let u = bgn; u < end; u++) {
      const v = field[u]!;
      if (v < lo) lo = v;
      if (v > hi) {
        hi = v;
        hiUop = u;
      }
    }
    this.hLo = lo;
    // Factors are unsigned fields, so the offsets only grow with the iteration.
    this.hHi = hi + (t[b + ITER_OUT]! - 1) * t[b + fOut]! + (t[b + ITER_IN]! - 1) * t[b + fIn]!;
    this.hHiUop = hiUop;
  }

  /** Checks the last hull() against the buffer's depth. */
  private checkHull(
    index: number,
    what: string,
    field: string,
    depth: number,
    buf: number,
    b: number,
    arr: Int32Array,
  ): void {
    const hi = this.hHi;
    if (hi >= depth) {
      const u = this.hHiUop;
      this.fail(
        'sram-out-of-range',
        index,
        `${what} reaches ${BUF_LABEL[buf]} row ${hi} (micro-op ${u} ${field} ${arr[u]} + loop offset ${hi - arr[u]!}; iter_out ${this.t[b + ITER_OUT]}, iter_in ${this.t[b + ITER_IN]}), past the buffer's depth ${depth}`,
      );
    }
  }

  private gemm(index: number, b: number): void {
    const t = this.t,
      out = this.out;
    out.work = Work.GEMM;
    const reset = (out.gemmReset = t[b + RESET_REG] !== 0);
    if (!this.uopRange(index, 'GEMM', b)) return;
    const g = this.g,
      mem = this.mem;
    const bgn = t[b + UOP_BGN]!,
      end = t[b + UOP_END]!;
    const iters = t[b + ITER_OUT]! * t[b + ITER_IN]! * (end - bgn);
    out.uopIters = iters;
    out.add(Buf.UOP, Access.READ, bgn, end);
    this.hull(mem.uopDst, b, DST_OUT, DST_IN);
    this.checkHull(index, 'GEMM', 'dst', g.accDepth, Buf.ACC, b, mem.uopDst);
    const aLo = this.hLo,
      aHi = this.hHi;
    if (reset) {
      out.add(Buf.ACC, Access.WRITE, aLo, aHi + 1);
      if (!this.data) return;
      if (this.simd) gemmSimd(this.simd, this.view(b));
      else gemmReset(mem, this.view(b));
      mem.touchAccRows(aLo, aHi + 1);
      return;
    }
    this.hull(mem.uopSrc, b, SRC_OUT, SRC_IN);
    this.checkHull(index, 'GEMM', 'src', g.inpDepth, Buf.INP, b, mem.uopSrc);
    const iLo = this.hLo,
      iHi = this.hHi;
    this.hull(mem.uopWgt, b, WGT_OUT, WGT_IN);
    this.checkHull(index, 'GEMM', 'wgt', g.wgtDepth, Buf.WGT, b, mem.uopWgt);
    this.counters[C_GEMM] += iters;
    out.add(Buf.INP, Access.READ, iLo, iHi + 1);
    out.add(Buf.WGT, Access.READ, this.hLo, this.hHi + 1);
    out.add(Buf.ACC, Access.UPDATE, aLo, aHi + 1);
    if (!this.data) return;
    const insn = this.view(b);
    if (this.simd) gemmSimd(this.simd, insn);
    else gemmJs(mem, insn);
    mem.touchAccRows(aLo, aHi + 1);
  }

  private alu(index: number, b: number): void {
    const t = this.t,
      out = this.out;
    out.work = Work.ALU;
    out.aluImm = t[b + USE_IMM] !== 0;
    const op = t[b + ALU_OPCODE]!;
    if (op > AluOp.MUL) {
      this.fail('unknown-alu-opcode', index, `ALU opcode ${op} is not MIN, MAX, ADD, SHR or MUL`);
    }
    if (!this.uopRange(index, 'ALU', b)) return;
    const g = this.g,
      mem = this.mem;
    const bgn = t[b + UOP_BGN]!,
      end = t[b + UOP_END]!;
    const iters = t[b + ITER_OUT]! * t[b + ITER_IN]! * (end - bgn);
    out.uopIters = iters;
    this.counters[C_ALU] += iters;
    out.add(Buf.UOP, Access.READ, bgn, end);
    this.hull(mem.uopDst, b, DST_OUT, DST_IN);
    this.checkHull(index, 'ALU', 'dst', g.accDepth, Buf.ACC, b, mem.uopDst);
    const dLo = this.hLo,
      dHi = this.hHi;
    // Immediate mode still computes the source index and fsim reads that row (its value unused).
    this.hull(mem.uopSrc, b, SRC_OUT, SRC_IN);
    this.checkHull(index, 'ALU', 'src', g.accDepth, Buf.ACC, b, mem.uopSrc);
    if (!out.aluImm) out.add(Buf.ACC, Access.READ, this.hLo, this.hHi + 1);
    out.add(Buf.ACC, Access.UPDATE, dLo, dHi + 1);
    if (!this.data) return;
    if (this.simd) {
      this.simd.alu(
        op,
        t[b + USE_IMM]!,
        t[b + IMM]!,
        bgn,
        end,
        t[b + ITER_OUT]!,
        t[b + ITER_IN]!,
        t[b + DST_OUT]!,
        t[b + DST_IN]!,
        t[b + SRC_OUT]!,
        t[b + SRC_IN]!,
      );
    } else aluExecute(mem, this.view(b));
    mem.touchAccRows(dLo, dHi + 1);
  }
}

const BUF_LABEL = ['UOP', 'INP', 'WGT', 'ACC'];
