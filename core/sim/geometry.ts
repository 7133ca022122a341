/**
 * The sizes the simulator needs, read once from a VtaTarget, and the check that
 * the target is one it models: 8-bit inputs and weights, 32-bit accumulators
 * (what fsim's arithmetic and ACC_8BIT assume), any batch/block/buffer sizes.
 */
import type { VtaTarget } from '../isa';
import { uopLayoutFor } from '../isa';
import { SimError } from './errors';

export interface SimGeometry {
  batch: number;
  blockIn: number;
  blockOut: number;
  /** int8 lanes per INP row (BATCH·BLOCK_IN). */
  inpLanes: number;
  /** int8 lanes per WGT row (BLOCK_OUT·BLOCK_IN). */
  wgtLanes: number;
  /** int32 lanes per ACC row and int8 lanes per OUT row (BATCH·BLOCK_OUT). */
  accLanes: number;
  uopDepth: number;
  inpDepth: number;
  wgtDepth: number;
  accDepth: number;
  /** DRAM element bytes per memory-type id. */
  elemBytes: Record<number, number>;
  /** Micro-op field positions: shift and mask of dst, src, wgt in the 32-bit word. */
  uopFields: {
    dstShift: number;
    dstMask: number;
    srcShift: number;
    srcMask: number;
    wgtShift: number;
    wgtMask: number;
  };
  /** Bytes per ACC row (for fsim's counters). */
  accRowBytes: number;
  /** Bytes per OUT row. */
  outRowBytes: number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Throws SimError('unsupported-target') for geometries the simulator does not model. */
export function simGeometry(t: VtaTarget): SimGeometry {
  const bad: string[] = [];
  if (t.inpBits !== 8) bad.push(`input width ${t.inpBits} bits`);
  if (t.wgtBits !== 8) bad.push(`weight width ${t.wgtBits} bits`);
  if (t.accBits !== 32) bad.push(`accumulator width ${t.accBits} bits`);
  if (bad.length > 0) {
    throw new SimError(
      'unsupported-target',
      `target ${t.name} has ${bad.join(', ')}; the simulator models 8-bit inputs and weights with 32-bit accumulators (LOG_INP_WIDTH=3, LOG_WGT_WIDTH=3, LOG_ACC_WIDTH=5), as fsim's arithmetic assumes`,
      -1,
    );
  }
  // The SRAM views alias DRAM bytes as int32 lanes; every engine that runs VTA Studio is
  // little-endian, but say so rather than compute garbage.
  if (!LITTLE_ENDIAN)
    throw new SimError('unsupported-target', 'the simulator needs a little-endian JavaScript engine', -1);
  const l = uopLayoutFor(t);
  const mask = (w: number) => (w >= 32 ? 0xffffffff : (1 << w) - 1) >>> 0;
  return {
    batch: t.batch,
    blockIn: t.blockIn,
    blockOut: t.blockOut,
    inpLanes: t.batch * t.blockIn,
    wgtLanes: t.blockOut * t.blockIn,
    accLanes: t.batch * t.blockOut,
    uopDepth: t.uop.depth,
    inpDepth: t.inp.depth,
    wgtDepth: t.wgt.depth,
    accDepth: t.acc.depth,
    elemBytes: t.elemBytes,
    uopFields: {
      dstShift: l.dst.offset,
      dstMask: mask(l.dst.width),
      srcShift: l.src.offset,
      srcMask: mask(l.src.width),
      wgtShift: l.wgt.offset,
      wgtMask: mask(l.wgt.width),
    },
    accRowBytes: t.acc.rowBytes,
    outRowBytes: t.out.rowBytes,
  };
}
