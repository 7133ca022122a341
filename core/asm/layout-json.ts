/** The `NAME.layout.json` that `vta asm` writes beside the binaries. */
import type { Program } from '../program/program';

export function layoutJson(p: Program) {
  return {
    target: p.target.name,
    config: p.target.keys,
    instructions: p.insns.length,
    dramBytes: p.dram.length,
    tensors: p.layout.tensors.map((t) => ({
      name: t.name,
      mem: t.mem,
      count: t.count,
      byteOffset: t.byteOffset,
      elemBytes: t.elemBytes,
      dramBase: t.byteOffset / t.elemBytes,
      bytes: t.count * t.elemBytes,
    })),
    kernels: p.layout.kernels.map((k) => ({
      name: k.name,
      uops: k.uops,
      byteOffset: k.byteOffset,
      dramBase: k.byteOffset / 4,
    })),
  };
}
