/**
 * The timing model's parameters: one row per target (an ESTIMATE, not a cycle-exact
 * model of any implementation). Bus width and clock come from the target's board
 * (vta-isa.md §1.3); everything else is in the table below, documented in
 * docs/SIMULATOR.md and calibrated against the TSIM cycle counts of apache/tvm#3347.
 */
import type { VtaTarget } from '../isa';
import { BOARDS } from '../isa';

export interface TimingParams {
  /** Table row name. */
  name: string;
  description: string;
  clockMHz: number;
  /** DRAM data bus bytes per beat (one beat per cycle). */
  busBytes: number;
  /** Longest burst, in beats; longer rows are split into several requests. */
  maxBurstBeats: number;
  /** Cycles from a read request to its first data beat. */
  readLatency: number;
  /** Cycles from a write's last data beat to its response. */
  writeLatency: number;
  /** Instructions fetched per DRAM request. */
  fetchChunkInsns: number;
  /** Entries in each module's command queue (Chisel instQueueEntries, Vivado command FIFOs). */
  cmdQueueDepth: number;
  /** Cycles from an instruction's arrival to its availability in the module's queue. */
  dispatchLatency: number;
  /** Cycles from a push (at its instruction's completion) to the token being poppable. */
  tokenLatency: number;
  /** Cycles a module needs between finishing one instruction and starting the next. */
  insnGap: number;
  /** LOAD/STORE: cycles before the first DRAM request (address generation). */
  memSetup: number;
  /** LOAD/STORE: cycles after the last beat until the instruction completes. */
  memTail: number;
  /** Zero-padding rate of the load units, bytes written per cycle. */
  padBytesPerCycle: number;
  gemmSetup: number;
  /** Cycles per GEMM micro-op iteration (Chisel pipelined GEMM: 1). */
  gemmInterval: number;
  /** Pipeline depth: cycles from the last issue to the last ACC write. */
  gemmLatency: number;
  aluSetup: number;
  /** Cycles per ALU micro-op iteration with an immediate (one ACC read). */
  aluImmInterval: number;
  /** Cycles per tensor-tensor ALU micro-op iteration (two ACC reads through one port). */
  aluTensorInterval: number;
  aluLatency: number;
  /** A LOAD/STORE with x_size 0 (a token-carrying NOP). */
  nopCycles: number;
  finishCycles: number;
}

type Row = Omit<TimingParams, 'name' | 'clockMHz' | 'busBytes'> & {
  /**
   * Bytes the DRAM delivers per cycle when measured on a board, below the AXI port's
   * width; absent: the port's width (one full beat per cycle).
   */
  dramBytesPerCycle?: number;
};

/**
 * The compute core as pipelined today: GEMM one micro-op per cycle (Chisel's
 * pipelined TensorGemm, HLS II=1), ALU one per cycle with an immediate and one per
 * two cycles tensor-tensor (tvm-vta PR #27; HLS II=2), with a few cycles of setup
 * and pipeline latency per instruction (vta-isa.md §5.3).
 */
const PIPELINED_CORE = {
  cmdQueueDepth: 512,
  dispatchLatency: 1,
  tokenLatency: 1,
  insnGap: 1,
  memSetup: 2,
  memTail: 2,
  padBytesPerCycle: 8,
  gemmSetup: 2,
  gemmInterval: 1,
  gemmLatency: 5,
  aluSetup: 2,
  aluImmInterval: 1,
  aluTensorInterval: 2,
  aluLatency: 4,
  nopCycles: 1,
  finishCycles: 1,
  fetchChunkInsns: 8,
};

/**
 * TSIM's memory: Verilator with a DPI memory model that answers at once, through the
 * De10 shell (16-beat bursts). Latencies fitted to apache/tvm#3347 (bench/sim-calibrate.ts).
 */
const TSIM_MEMORY = { maxBurstBeats: 16, readLatency: 1, writeLatency: 4 };

/**
 * A board's DDR behind the AXI ports. NOT CALIBRATED: no published measurement; a
 * guess of ~300 ns for a read's first beat at 100 MHz, scaled by nothing.
 */
const BOARD_DDR = { readLatency: 32, writeLatency: 16 };

/**
 * The Pynq (Zynq-7020) DDR as VTA sees it: 5.5 bytes per cycle at 100 MHz (550 MB/s,
 * 69% of the 64-bit port's 800 MB/s), fitted to the times AutoTVM measured on Pynq for
 * the ResNet-18 layers of TVM's tophub log (vta_v0.10.log, 1x16 and 4x8 configurations;
 * bench/board-calibrate.ts, docs/timing-vs-boards.md). With the full 8 bytes the 1x1
 * stride-2 convolutions, bound by their loads and stores, came out at 0.56-0.69 of the
 * measured time; the compute-bound layers barely move.
 */
const PYNQ_DDR = { ...BOARD_DDR, dramBytesPerCycle: 5.5 };

const PIPELINED_DESC =
  'pipelined GEMM (1 uop/cycle) and ALU (1 uop/cycle with immediate, 1 per 2 cycles tensor-tensor)';

/** One row per TARGET of vta_config.json; unknown targets use `pynq`, as pkg_config.py does. */
export const TIMING_TABLE: Record<string, Row> = {
  sim: { ...PIPELINED_CORE, ...TSIM_MEMORY, description: `${PIPELINED_DESC}; TSIM's memory (calibrated)` },
  tsim: { ...PIPELINED_CORE, ...TSIM_MEMORY, description: `${PIPELINED_DESC}; TSIM's memory (calibrated)` },
  /**
   * The TSIM of June 2019 that produced the published cycle counts had the earlier
   * state-machine GEMM and ALU, several cycles per micro-op (the pipelined ALU came in
   * 2021, tvm-vta PR #27: "about 4× faster on the ALU unit test"). This row differs from
   * `tsim` only in those rates; it is what the calibration compares with TSIM.
   */
  'tsim-2019': {
    ...PIPELINED_CORE,
    ...TSIM_MEMORY,
    gemmInterval: 4,
    aluImmInterval: 5,
    aluTensorInterval: 6,
    description:
      'TSIM as measured in apache/tvm#3347 (2019): state-machine GEMM (4 cycles/uop) and ALU (5 with immediate, 6 tensor-tensor)',
  },
  pynq: {
    ...PIPELINED_CORE,
    ...PYNQ_DDR,
    maxBurstBeats: 256,
    description: `${PIPELINED_DESC}; Pynq DDR at 5.5 B/cycle (fitted to tophub's ResNet-18 times; latency not calibrated)`,
  },
  ultra96: {
    ...PIPELINED_CORE,
    ...BOARD_DDR,
    maxBurstBeats: 256,
    description: `${PIPELINED_DESC}; board DDR (latency not calibrated)`,
  },
  zcu104: {
    ...PIPELINED_CORE,
    ...BOARD_DDR,
    maxBurstBeats: 256,
    description: `${PIPELINED_DESC}; board DDR (latency not calibrated)`,
  },
  de10nano: {
    ...PIPELINED_CORE,
    ...BOARD_DDR,
    maxBurstBeats: 16,
    description: `${PIPELINED_DESC}; board DDR, 16-beat bursts (latency not calibrated)`,
  },
  intelfocl: {
    ...PIPELINED_CORE,
    ...BOARD_DDR,
    maxBurstBeats: 256,
    description: `${PIPELINED_DESC}; board DDR (latency not calibrated)`,
  },
};

/** Row names usable with `--timing`. */
export const TIMING_ROWS = Object.keys(TIMING_TABLE);

/**
 * The parameters for a target: its TARGET's row (or the named `row`), with the bus
 * width and clock of the target's board.
 */
export function timingParamsFor(target: VtaTarget, row?: string): TimingParams {
  const name = row ?? (target.keys.TARGET in TIMING_TABLE ? target.keys.TARGET : 'pynq');
  const entry = TIMING_TABLE[name];
  if (!entry) throw new Error(`no timing row '${name}' (known: ${TIMING_ROWS.join(', ')})`);
  // tsim-2019 was measured on the stock 64-bit shell whatever the target says.
  const board = name === 'tsim-2019' ? BOARDS.tsim! : target.board;
  const { dramBytesPerCycle, ...r } = entry;
  return { name, clockMHz: board.clockMHz, busBytes: dramBytesPerCycle ?? 2 ** board.logBusWidth / 8, ...r };
}
