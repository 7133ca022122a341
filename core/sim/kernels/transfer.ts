/**
 * LOAD and STORE data movement (vta-isa.md §4.2–4.4; fsim SRAM::Load, Load_int8,
 * TruncStore). Bounds and field checks happen in exec.ts before these run.
 *
 * A LOAD writes X·Y contiguous SRAM rows from sram_base, X = x_pad_0 + x_size +
 * x_pad_1 and Y = y_pad_0 + y_size + y_pad_1, padding with zeros; one DRAM element of
 * INP, WGT or ACC is one SRAM row, one UOP element is one micro-op, and one ACC_8BIT
 * element is one ACC row's worth of int8 lanes.
 */
import type { Insn } from '../../isa';
import { MemType } from '../../isa';
import type { SimMemory } from '../memory';

/** Row-major walk of a padded 2-D load: calls `copy(sramRow, dramElem, count)` per data run and `zero(sramRow, count)` per pad run. */
function walkPadded(
  insn: Insn,
  copy: (row: number, elem: number, n: number) => void,
  zero: (row: number, n: number) => void,
): void {
  const X = insn.x_pad_0 + insn.x_size + insn.x_pad_1;
  let row = insn.sram_base;
  if (insn.y_pad_0 > 0) {
    zero(row, insn.y_pad_0 * X);
    row += insn.y_pad_0 * X;
  }
  for (let y = 0; y < insn.y_size; y++) {
    if (insn.x_pad_0 > 0) {
      zero(row, insn.x_pad_0);
      row += insn.x_pad_0;
    }
    copy(row, insn.dram_base + y * insn.x_stride, insn.x_size);
    row += insn.x_size;
    if (insn.x_pad_1 > 0) {
      zero(row, insn.x_pad_1);
      row += insn.x_pad_1;
    }
  }
  if (insn.y_pad_1 > 0) zero(row, insn.y_pad_1 * X);
}

/** A LOAD of INP, WGT or ACC: DRAM bytes straight into the SRAM rows. */
export function loadRows(mem: SimMemory, insn: Insn): void {
  const type = insn.memory_type;
  const g = mem.geometry;
  const rowBytes = type === MemType.INP ? g.inpLanes : type === MemType.WGT ? g.wgtLanes : g.accLanes * 4;
  const sram = type === MemType.INP ? mem.inpBytes : type === MemType.WGT ? mem.wgtBytes : mem.accBytes;
  const dram = mem.dram;
  walkPadded(
    insn,
    (row, elem, n) => sram.set(dram.subarray(elem * rowBytes, (elem + n) * rowBytes), row * rowBytes),
    (row, n) => sram.fill(0, row * rowBytes, (row + n) * rowBytes),
  );
}

/**
 * Runs of at least this many lanes are converted by the engine's typed-array copy
 * (Int8Array → Int32Array sign-extends, Int32Array → Uint8Array keeps the low 8 bits:
 * exactly fsim's conversions, at memory speed); shorter ones by a loop, which costs
 * less than making the subarray views.
 */
const NATIVE_RUN = 64;

/** A LOAD ACC_8BIT: each DRAM int8 sign-extended into one int32 ACC lane. */
export function loadAcc8(mem: SimMemory, insn: Insn): void {
  const lanes = mem.geometry.accLanes;
  const elemBytes = mem.geometry.elemBytes[MemType.ACC_8BIT]!;
  const acc = mem.acc,
    dram = mem.dram;
  const signed = new Int8Array(dram.buffer, dram.byteOffset, dram.length);
  walkPadded(
    insn,
    (row, elem, n) => {
      const src = elem * elemBytes;
      const dst = row * lanes;
      const count = n * lanes;
      if (count >= NATIVE_RUN) acc.set(signed.subarray(src, src + count), dst);
      else for (let k = 0; k < count; k++) acc[dst + k] = signed[src + k]!;
    },
    (row, n) => acc.fill(0, row * lanes, (row + n) * lanes),
  );
}

/** A LOAD UOP: each 32-bit little-endian word decoded into the three index arrays. */
export function loadUops(mem: SimMemory, insn: Insn): void {
  const f = mem.geometry.uopFields;
  const dram = mem.dram;
  const uD = mem.uopDst,
    uS = mem.uopSrc,
    uW = mem.uopWgt;
  // walkPadded's order, without its two closures per call: a UOP load is one of the most
  // frequent instructions, and timing-only runs allocate nothing else per instruction.
  const X = insn.x_pad_0 + insn.x_size + insn.x_pad_1;
  let row = insn.sram_base;
  let maxD = 0,
    maxS = 0,
    maxW = 0;
  if (insn.y_pad_0 > 0) {
    zeroUops(mem, row, insn.y_pad_0 * X);
    row += insn.y_pad_0 * X;
  }
  for (let y = 0; y < insn.y_size; y++) {
    if (insn.x_pad_0 > 0) {
      zeroUops(mem, row, insn.x_pad_0);
      row += insn.x_pad_0;
    }
    const elem = insn.dram_base + y * insn.x_stride;
    for (let k = 0; k < insn.x_size; k++) {
      const p = (elem + k) * 4;
      const word = (dram[p]! | (dram[p + 1]! << 8) | (dram[p + 2]! << 16) | (dram[p + 3]! << 24)) >>> 0;
      const d = (uD[row + k] = (word >>> f.dstShift) & f.dstMask),
        s = (uS[row + k] = (word >>> f.srcShift) & f.srcMask),
        w = (uW[row + k] = (word >>> f.wgtShift) & f.wgtMask);
      if (d > maxD) maxD = d;
      if (s > maxS) maxS = s;
      if (w > maxW) maxW = w;
    }
    row += insn.x_size;
    if (insn.x_pad_1 > 0) {
      zeroUops(mem, row, insn.x_pad_1);
      row += insn.x_pad_1;
    }
  }
  if (insn.y_pad_1 > 0) zeroUops(mem, row, insn.y_pad_1 * X);
  // Padding writes zeros, which the bound (at least 0) already covers.
  const max = mem.uopMax;
  if (maxD > max[0]!) max[0] = maxD;
  if (maxS > max[1]!) max[1] = maxS;
  if (maxW > max[2]!) max[2] = maxW;
}

/** Zero micro-ops (a padded UOP load's padding). */
function zeroUops(mem: SimMemory, row: number, n: number): void {
  mem.uopDst.fill(0, row, row + n);
  mem.uopSrc.fill(0, row, row + n);
  mem.uopWgt.fill(0, row, row + n);
}

/**
 * A STORE: source ACC row sram_base + y·x_size + x to DRAM OUT element
 * dram_base + y·x_stride + x, each int32 lane narrowed to its low 8 bits (fsim
 * truncates at store time; assigning to a Uint8Array keeps exactly those bits).
 */
export function storeRows(mem: SimMemory, insn: Insn): void {
  const lanes = mem.geometry.accLanes;
  const outRow = mem.geometry.outRowBytes;
  const acc = mem.acc,
    dram = mem.dram;
  for (let y = 0; y < insn.y_size; y++) {
    const src = (insn.sram_base + y * insn.x_size) * lanes;
    const dst = (insn.dram_base + y * insn.x_stride) * outRow;
    const n = insn.x_size * lanes;
    if (n >= NATIVE_RUN) dram.set(acc.subarray(src, src + n), dst);
    else for (let k = 0; k < n; k++) dram[dst + k] = acc[src + k]!;
  }
}
