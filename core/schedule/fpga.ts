/**
 * What a VTA design costs on an FPGA, by a rule simple enough to check by hand
 * (docs/how-to/explore-designs.md, "The resource rule"): block RAMs for the five
 * on-chip buffers from their depths and row widths, multipliers for the GEMM core's
 * multiply-accumulates. It ignores the logic around them (fetch, the load/store
 * engines, the AXI shell): a design near a budget needs a real synthesis run.
 */
import type { VtaTarget } from '../isa/config';

export interface FpgaPart {
  /** The name a space file uses. */
  id: string;
  description: string;
  family: 'xilinx' | 'intel';
  /** Block RAMs: Xilinx RAMB36 (36 Kbit), Intel M10K (10 Kbit). */
  bram: number;
  /** DSP slices: Xilinx DSP48, Intel variable-precision DSP blocks. */
  dsp: number;
}

/** Budgets from the vendors' product tables. */
export const FPGA_PARTS: readonly FpgaPart[] = [
  { id: 'pynq-z1', description: 'Pynq Z1 (Zynq-7020, XC7Z020)', family: 'xilinx', bram: 140, dsp: 220 },
  { id: 'ultra96', description: 'Ultra96 (Zynq UltraScale+ ZU3EG)', family: 'xilinx', bram: 216, dsp: 360 },
  {
    id: 'zcu104',
    description: 'ZCU104 (Zynq UltraScale+ ZU7EV; block RAM only, UltraRAM not counted)',
    family: 'xilinx',
    bram: 312,
    dsp: 1728,
  },
  { id: 'de10-nano', description: 'DE10-Nano (Cyclone V 5CSEBA6)', family: 'intel', bram: 553, dsp: 112 },
];

export function fpgaPart(id: string): FpgaPart | undefined {
  const key = id.toLowerCase().replace(/[\s_]+/g, '-');
  const aliases: Record<string, string> = {
    pynq: 'pynq-z1',
    'zynq-7020': 'pynq-z1',
    zu3eg: 'ultra96',
    zu7ev: 'zcu104',
    de10nano: 'de10-nano',
    'cyclone-v': 'de10-nano',
  };
  return FPGA_PARTS.find((p) => p.id === (aliases[key] ?? key));
}

/** The shapes (depth x width) one block RAM can take, widest first. */
const SHAPES: Record<FpgaPart['family'], Array<[depth: number, width: number]>> = {
  xilinx: [
    [512, 72],
    [1024, 36],
    [2048, 18],
    [4096, 9],
    [8192, 4],
    [16384, 2],
    [32768, 1],
  ],
  intel: [
    [256, 40],
    [512, 20],
    [1024, 10],
    [2048, 5],
    [4096, 2],
    [8192, 1],
  ],
};

/** Block RAMs for a memory of `depth` rows of `widthBits`: the cheapest shape, tiled. */
export function bramsFor(family: FpgaPart['family'], depth: number, widthBits: number): number {
  let best = Infinity;
  for (const [d, w] of SHAPES[family]) best = Math.min(best, Math.ceil(widthBits / w) * Math.ceil(depth / d));
  return best;
}

/** Multipliers one DSP slice holds for operands of these widths. */
function macsPerDsp(family: FpgaPart['family'], inpBits: number, wgtBits: number): number {
  const bits = Math.max(inpBits, wgtBits);
  if (family === 'xilinx') return bits <= 8 ? 2 : bits <= 18 ? 1 : 0.5; // two int8 products share a DSP48's 27x18 multiplier
  return bits <= 9 ? 3 : bits <= 18 ? 2 : 1; // Cyclone V: three 9x9, two 18x18 or one 27x27 per block
}

export interface DesignResources {
  bram: number;
  dsp: number;
  /** Block RAMs per buffer, to show where they go. */
  brams: Record<'UOP' | 'INP' | 'WGT' | 'ACC' | 'OUT', number>;
  macs: number;
}

export function designResources(t: VtaTarget, part: FpgaPart): DesignResources {
  const brams = {
    UOP: bramsFor(part.family, t.uop.depth, t.uop.rowBytes * 8),
    INP: bramsFor(part.family, t.inp.depth, t.inp.rowBytes * 8),
    WGT: bramsFor(part.family, t.wgt.depth, t.wgt.rowBytes * 8),
    ACC: bramsFor(part.family, t.acc.depth, t.acc.rowBytes * 8),
    OUT: bramsFor(part.family, t.out.depth, t.out.rowBytes * 8),
  };
  const macs = t.batch * t.blockIn * t.blockOut;
  return {
    bram: brams.UOP + brams.INP + brams.WGT + brams.ACC + brams.OUT,
    dsp: Math.ceil(macs / macsPerDsp(part.family, t.inpBits, t.wgtBits)),
    brams,
    macs,
  };
}

/** Multiply-accumulates per second at the clock, as GOPS (two operations each). */
export function peakGops(t: VtaTarget, clockMHz: number): number {
  return (2 * t.batch * t.blockIn * t.blockOut * clockMHz) / 1000;
}
