/**
 * The simulator's WebAssembly SIMD kernels for one geometry, in one module over one
 * memory that holds the SRAMs (memory.ts) and the widened weights (layout.ts), so the
 * kernels and the JavaScript code share the same bytes:
 *
 * - gemm: the loop nest of a GEMM (gemm-simd.ts), gemmReset: of a reset GEMM;
 * - widen: rebuilds widened weight rows after WGT rows are written;
 * - alu: the loop nest of an ALU instruction, every opcode, immediate or tensor (alu-simd.ts).
 *
 * Each call runs one whole instruction: the JavaScript side checks the rows first
 * (exec.ts) and makes one call.
 */
import type { SimGeometry } from '../geometry';
import { emitAlu } from './alu-simd';
import { moduleWithFunctions } from './encoder';
import { emitGemm, emitGemmReset, emitWiden, simdSupportsGeometry } from './gemm-simd';
import type { KernelLayout } from './layout';
import { kernelLayout } from './layout';

export interface SimdKernels {
  layout: KernelLayout;
  memory: WebAssembly.Memory;
  gemm(
    uopBgn: number,
    uopEnd: number,
    iterOut: number,
    iterIn: number,
    dfo: number,
    dfi: number,
    sfo: number,
    sfi: number,
    wfo: number,
    wfi: number,
  ): void;
  gemmReset(uopBgn: number, uopEnd: number, iterOut: number, iterIn: number, dfo: number, dfi: number): void;
  widen(lo: number, hi: number): void;
  alu(
    op: number,
    useImm: number,
    imm: number,
    uopBgn: number,
    uopEnd: number,
    iterOut: number,
    iterIn: number,
    dfo: number,
    dfi: number,
    sfo: number,
    sfi: number,
  ): void;
}

const PAGE = 65536;

/** Builds the module bytes for a geometry. */
export function buildKernelModule(g: SimGeometry): Uint8Array<ArrayBuffer> {
  const L = kernelLayout(g);
  return moduleWithFunctions(
    [
      { name: 'gemm', code: emitGemm(g, L) },
      { name: 'gemmReset', code: emitGemmReset(g, L) },
      { name: 'widen', code: emitWiden(g, L) },
      { name: 'alu', code: emitAlu(g, L) },
    ],
    Math.ceil(L.total / PAGE),
  );
}

// Compiling is the expensive part; simulators of the same geometry share the module.
const compiled = new Map<string, WebAssembly.Module | null>();

function geometryKey(g: SimGeometry): string {
  return `${g.batch}x${g.blockIn}x${g.blockOut}/${g.uopDepth},${g.inpDepth},${g.wgtDepth},${g.accDepth}`;
}

/**
 * Compiles and instantiates the kernels over a fresh memory. Returns undefined where
 * WebAssembly or its SIMD proposal is unavailable, or for geometries the generated
 * code does not cover, so the caller falls back to JavaScript.
 */
export function instantiateSimdKernels(g: SimGeometry): SimdKernels | undefined {
  if (typeof WebAssembly !== 'object' || !simdSupportsGeometry(g)) return undefined;
  try {
    const key = geometryKey(g);
    let mod = compiled.get(key);
    if (mod === undefined) {
      const bytes = buildKernelModule(g);
      mod = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
      compiled.set(key, mod);
    }
    if (mod === null) return undefined;
    const layout = kernelLayout(g);
    const pages = Math.ceil(layout.total / PAGE);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const e = new WebAssembly.Instance(mod, { env: { mem: memory } }).exports as unknown as Omit<
      SimdKernels,
      'layout' | 'memory'
    >;
    return { layout, memory, gemm: e.gemm, gemmReset: e.gemmReset, widen: e.widen, alu: e.alu };
  } catch {
    return undefined;
  }
}
