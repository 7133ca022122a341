/**
 * The kernels' memory: the SRAM region (memory.ts, what snapshots copy) followed by
 * the widened weights the GEMM kernel reads (gemm-simd.ts), which are derived from the
 * WGT buffer and rebuilt from it, so snapshots need not hold them.
 */
import type { SimGeometry } from '../geometry';
import type { SramLayout } from '../memory';
import { sramLayout } from '../memory';

export interface KernelLayout extends SramLayout {
  /** Byte offset of the widened weights (one row per WGT row). */
  wide: number;
  /** Bytes of one widened WGT row: blockOut·blockIn int16. */
  wideRowBytes: number;
  /** Bytes the kernels' memory must hold. */
  total: number;
}

export function kernelLayout(g: SimGeometry): KernelLayout {
  const l = sramLayout(g);
  const wideRowBytes = g.wgtLanes * 2;
  return { ...l, wide: l.bytes, wideRowBytes, total: l.bytes + g.wgtDepth * wideRowBytes };
}
