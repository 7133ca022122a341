/**
 * VTA hardware configuration: the keys of TVM's `vta_config.json`, the shipped
 * targets, and every quantity derived from them (vta-isa.md §1).
 *
 * This is the only place where sizes, depths and element units are computed; the
 * field tables, checks, assembler and simulator all read a `VtaTarget`. Whether a
 * configuration can be encoded at all is a question for the field tables (fields.ts);
 * target.ts derives, then asks it. This file imports nothing, so the two never circle.
 */

export type HwVersion = '0.0.1' | '0.0.2';

/** The numeric keys of `vta_config.json`. */
export interface VtaConfigKeys {
  TARGET: string;
  HW_VER: HwVersion;
  LOG_INP_WIDTH: number;
  LOG_WGT_WIDTH: number;
  LOG_ACC_WIDTH: number;
  LOG_BATCH: number;
  LOG_BLOCK: number;
  LOG_UOP_BUFF_SIZE: number;
  LOG_INP_BUFF_SIZE: number;
  LOG_WGT_BUFF_SIZE: number;
  LOG_ACC_BUFF_SIZE: number;
}

/** Board facts that `pkg_config.py` attaches to a TARGET (vta-isa.md §1.3, §3.3). */
export interface BoardParams {
  /** Clock in MHz. */
  clockMHz: number;
  /** log2 of the AXI data bus width in bits. */
  logBusWidth: number;
  /**
   * Capacity of each dependency-token queue; `Infinity` for fsim's unbounded
   * `std::queue`.
   */
  tokenQueueDepth: number;
  /** Which implementation executes programs on this target. */
  implementation: 'fsim' | 'chisel' | 'hls' | 'opencl';
  /** Whether ALU MUL and LOAD ACC_8BIT exist in this implementation (0.0.2 only). */
  hasMulAndAcc8: boolean;
}

export const DEFAULT_CONFIG_KEYS: VtaConfigKeys = {
  TARGET: 'sim',
  HW_VER: '0.0.2',
  LOG_INP_WIDTH: 3,
  LOG_WGT_WIDTH: 3,
  LOG_ACC_WIDTH: 5,
  LOG_BATCH: 0,
  LOG_BLOCK: 4,
  LOG_UOP_BUFF_SIZE: 15,
  LOG_INP_BUFF_SIZE: 15,
  LOG_WGT_BUFF_SIZE: 18,
  LOG_ACC_BUFF_SIZE: 17,
};

const PYNQ_BOARD = { clockMHz: 100, logBusWidth: 6 };

/**
 * Board parameters per TARGET. Targets that `pkg_config.py` does not list (sim,
 * tsim, intelfocl) take the pynq board values, as it does.
 */
export const BOARDS: Record<string, BoardParams> = {
  sim: { ...PYNQ_BOARD, tokenQueueDepth: Infinity, implementation: 'fsim', hasMulAndAcc8: true },
  tsim: { ...PYNQ_BOARD, tokenQueueDepth: 255, implementation: 'chisel', hasMulAndAcc8: false },
  pynq: { ...PYNQ_BOARD, tokenQueueDepth: 1024, implementation: 'hls', hasMulAndAcc8: false },
  ultra96: { clockMHz: 333, logBusWidth: 7, tokenQueueDepth: 1024, implementation: 'hls', hasMulAndAcc8: false },
  zcu104: { clockMHz: 333, logBusWidth: 7, tokenQueueDepth: 1024, implementation: 'hls', hasMulAndAcc8: false },
  de10nano: { clockMHz: 100, logBusWidth: 6, tokenQueueDepth: 255, implementation: 'chisel', hasMulAndAcc8: false },
  intelfocl: { ...PYNQ_BOARD, tokenQueueDepth: Infinity, implementation: 'opencl', hasMulAndAcc8: true },
};

/** Names usable after `target` in a `.vta` file, besides a JSON path. */
export const SHIPPED_TARGET_NAMES = ['default', ...Object.keys(BOARDS)] as const;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Memory-type ids of the `memory_type` field (vta-isa.md §2.3). */
export const MemType = { UOP: 0, WGT: 1, INP: 2, ACC: 3, OUT: 4, ACC_8BIT: 5 } as const;
export type MemTypeId = (typeof MemType)[keyof typeof MemType];
export const MEM_TYPE_NAMES: Record<number, string> = {
  0: 'UOP',
  1: 'WGT',
  2: 'INP',
  3: 'ACC',
  4: 'OUT',
  5: 'ACC_8BIT',
};

/** One SRAM buffer's geometry. */
export interface BufferGeometry {
  name: 'UOP' | 'INP' | 'WGT' | 'ACC' | 'OUT';
  /** Bytes in one row (one uop for UOP). */
  rowBytes: number;
  depth: number;
  logDepth: number;
}

/** A fully resolved configuration: the keys, the board and every derived quantity. */
export interface VtaTarget {
  /** The name the program used (`default`, `pynq`, a file name, …). */
  name: string;
  keys: VtaConfigKeys;
  board: BoardParams;
  batch: number;
  blockIn: number;
  blockOut: number;
  inpBits: number;
  wgtBits: number;
  accBits: number;
  outBits: number;
  busBits: number;
  uop: BufferGeometry;
  inp: BufferGeometry;
  wgt: BufferGeometry;
  acc: BufferGeometry;
  out: BufferGeometry;
  /** DRAM element size in bytes per memory-type id (vta-isa.md §1.2). */
  elemBytes: Record<number, number>;
  /** The bitstream string, e.g. `1x16_i8w8a32_15_15_18_17`. */
  bitstream: string;
}

/** Page size the runtime checks element sizes against (PR #3278). */
export const PAGE_BYTES = 4096;

const INT_KEYS = [
  'LOG_INP_WIDTH',
  'LOG_WGT_WIDTH',
  'LOG_ACC_WIDTH',
  'LOG_BATCH',
  'LOG_BLOCK',
  'LOG_UOP_BUFF_SIZE',
  'LOG_INP_BUFF_SIZE',
  'LOG_WGT_BUFF_SIZE',
  'LOG_ACC_BUFF_SIZE',
] as const;

/**
 * Reads the keys of a `vta_config.json` object. Missing numeric keys take the
 * stock values; the very old split keys (LOG_BLOCK_IN/LOG_BLOCK_OUT) are accepted
 * when equal.
 */
export function readConfigKeys(json: unknown, where = 'vta_config.json'): VtaConfigKeys {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigError(`${where}: expected a JSON object with VTA configuration keys`);
  }
  const obj: Record<string, unknown> = { ...(json as Record<string, unknown>) };
  const keys: VtaConfigKeys = { ...DEFAULT_CONFIG_KEYS };
  if (obj.TARGET !== undefined) {
    if (typeof obj.TARGET !== 'string') throw new ConfigError(`${where}: TARGET must be a string`);
    keys.TARGET = obj.TARGET;
  }
  if (obj.HW_VER !== undefined) {
    if (obj.HW_VER !== '0.0.1' && obj.HW_VER !== '0.0.2') {
      throw new ConfigError(`${where}: HW_VER ${JSON.stringify(obj.HW_VER)} is not supported (0.0.1 or 0.0.2)`);
    }
    keys.HW_VER = obj.HW_VER;
  }
  if (obj.LOG_BLOCK === undefined && (obj.LOG_BLOCK_IN !== undefined || obj.LOG_BLOCK_OUT !== undefined)) {
    if (obj.LOG_BLOCK_IN !== obj.LOG_BLOCK_OUT) {
      throw new ConfigError(
        `${where}: LOG_BLOCK_IN (${String(obj.LOG_BLOCK_IN)}) and LOG_BLOCK_OUT (${String(obj.LOG_BLOCK_OUT)}) differ; VTA 0.0.1+ has one LOG_BLOCK`,
      );
    }
    obj.LOG_BLOCK = obj.LOG_BLOCK_IN;
  }
  for (const k of INT_KEYS) {
    const v = obj[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 40) {
      throw new ConfigError(`${where}: ${k} must be an integer between 0 and 40, got ${JSON.stringify(v)}`);
    }
    keys[k] = v;
  }
  return keys;
}

function geometry(
  name: BufferGeometry['name'],
  logBuffBytes: number,
  logRowBits: number,
  where: string,
): BufferGeometry {
  // log2(depth) = log2(buffer bytes) - log2(row bytes)
  const logDepth = logBuffBytes + 3 - logRowBits;
  if (logRowBits < 3) {
    throw new ConfigError(`${where}: a ${name} row would be ${2 ** logRowBits} bits, less than a byte`);
  }
  if (logDepth < 0) {
    throw new ConfigError(
      `${where}: the ${name} buffer (2^${logBuffBytes} B) is smaller than one row (${2 ** (logRowBits - 3)} B)`,
    );
  }
  return { name, rowBytes: 2 ** (logRowBits - 3), depth: 2 ** logDepth, logDepth };
}

/**
 * Derives every quantity of vta-isa.md §1.2 and rejects configurations whose buffers
 * or elements are impossible. Whether the instructions can encode it is checked by
 * `deriveTarget` (target.ts), which every caller uses.
 */
export function deriveSizes(name: string, keys: VtaConfigKeys, boardOverride?: BoardParams): VtaTarget {
  const where = `target ${name}`;
  const board = boardOverride ?? (Object.hasOwn(BOARDS, keys.TARGET) ? BOARDS[keys.TARGET] : undefined) ?? BOARDS.pynq!;
  if (keys.LOG_INP_WIDTH > 5 || keys.LOG_WGT_WIDTH > 5 || keys.LOG_ACC_WIDTH > 5) {
    throw new ConfigError(`${where}: element widths above 32 bits are not supported (LOG_*_WIDTH ≤ 5)`);
  }
  const logOutWidth = keys.LOG_INP_WIDTH;
  const logOutBuff = keys.LOG_ACC_BUFF_SIZE + logOutWidth - keys.LOG_ACC_WIDTH;
  const uop = geometry('UOP', keys.LOG_UOP_BUFF_SIZE, 5, where);
  const inp = geometry('INP', keys.LOG_INP_BUFF_SIZE, keys.LOG_INP_WIDTH + keys.LOG_BATCH + keys.LOG_BLOCK, where);
  const wgt = geometry('WGT', keys.LOG_WGT_BUFF_SIZE, keys.LOG_WGT_WIDTH + 2 * keys.LOG_BLOCK, where);
  const acc = geometry('ACC', keys.LOG_ACC_BUFF_SIZE, keys.LOG_ACC_WIDTH + keys.LOG_BATCH + keys.LOG_BLOCK, where);
  const out = geometry('OUT', logOutBuff, logOutWidth + keys.LOG_BATCH + keys.LOG_BLOCK, where);
  const elemBytes: Record<number, number> = {
    [MemType.UOP]: uop.rowBytes,
    [MemType.WGT]: wgt.rowBytes,
    [MemType.INP]: inp.rowBytes,
    [MemType.ACC]: acc.rowBytes,
    [MemType.OUT]: out.rowBytes,
    [MemType.ACC_8BIT]: acc.rowBytes / 4,
  };
  for (const [id, bytes] of Object.entries(elemBytes)) {
    if (bytes > PAGE_BYTES) {
      throw new ConfigError(
        `${where}: a ${MEM_TYPE_NAMES[Number(id)]} element is ${bytes} B, larger than the ${PAGE_BYTES} B page (the runtime refuses this; TVM PR #3278)`,
      );
    }
  }
  const t: VtaTarget = {
    name,
    keys,
    board,
    batch: 2 ** keys.LOG_BATCH,
    blockIn: 2 ** keys.LOG_BLOCK,
    blockOut: 2 ** keys.LOG_BLOCK,
    inpBits: 2 ** keys.LOG_INP_WIDTH,
    wgtBits: 2 ** keys.LOG_WGT_WIDTH,
    accBits: 2 ** keys.LOG_ACC_WIDTH,
    outBits: 2 ** logOutWidth,
    busBits: 2 ** board.logBusWidth,
    uop,
    inp,
    wgt,
    acc,
    out,
    elemBytes,
    bitstream: `${2 ** keys.LOG_BATCH}x${2 ** keys.LOG_BLOCK}_i${2 ** keys.LOG_INP_WIDTH}w${2 ** keys.LOG_WGT_WIDTH}a${2 ** keys.LOG_ACC_WIDTH}_${keys.LOG_UOP_BUFF_SIZE}_${keys.LOG_INP_BUFF_SIZE}_${keys.LOG_WGT_BUFF_SIZE}_${keys.LOG_ACC_BUFF_SIZE}`,
  };
  return t;
}
