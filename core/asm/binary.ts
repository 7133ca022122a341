/**
 * Reading raw instruction streams (N × 16 bytes) into a Program, with a diagnostic
 * for every byte pattern that is not a valid instruction.
 */
import type { Diagnostic } from '../lang/diagnostic';
import type { Insn, VtaTarget } from '../isa';
import { INSN_BYTES, MemType, Opcode, decodeInsn, moduleOf, storeOutEncodedAsZero } from '../isa';
import type { Program } from '../program/program';
import { programInsn } from '../program/program';

export interface LoadedStream {
  insns: Insn[];
  diagnostics: Diagnostic[];
}

/** A binary stream's "line" is the instruction index. */
function at(index: number) {
  return { start: { line: index, character: 0 }, end: { line: index, character: 0 } };
}

export function decodeStream(t: VtaTarget, bytes: Uint8Array, file: string): LoadedStream {
  const diagnostics: Diagnostic[] = [];
  const n = Math.floor(bytes.length / INSN_BYTES);
  if (bytes.length % INSN_BYTES !== 0) {
    diagnostics.push({
      file,
      range: at(n),
      severity: 'error',
      code: 'vta.binary.truncated',
      message: `the stream is ${bytes.length} bytes, not a multiple of ${INSN_BYTES}: the last ${bytes.length % INSN_BYTES} bytes (a truncated instruction ${n}) are ignored`,
      instruction: n,
    });
  }
  const insns: Insn[] = [];
  for (let i = 0; i < n; i++) {
    const d = decodeInsn(t, bytes, i * INSN_BYTES);
    if (d.unknownOpcode) {
      diagnostics.push({
        file,
        range: at(i),
        severity: 'error',
        code: 'vta.binary.opcode',
        message: `instruction ${i} has opcode ${d.insn.opcode}, which is not LOAD, STORE, GEMM, FINISH or ALU (fsim stops with "Unknown op_code")`,
        instruction: i,
      });
    } else if (d.strayBits) {
      diagnostics.push({
        file,
        range: at(i),
        severity: 'warning',
        code: 'vta.binary.stray-bits',
        message: `instruction ${i} has bits set outside every field of its kind (the runtime zero-fills them)`,
        instruction: i,
      });
    }
    // On HW_VER 0.0.1 a STORE's OUT was written as 0 in the 2-bit field: it still means OUT.
    if (d.insn.opcode === Opcode.STORE && d.insn.memory_type === 0 && storeOutEncodedAsZero(t))
      d.insn.memory_type = MemType.OUT;
    insns.push(d.insn);
  }
  return { insns, diagnostics };
}

/** A Program over a decoded stream and an optional DRAM image (no source text). */
export function programFromStream(t: VtaTarget, insns: Insn[], dram?: Uint8Array): Program {
  return {
    target: t,
    insns: insns.map((insn) => programInsn(insn, moduleOf(insn), 'written', undefined)),
    dram: dram ?? new Uint8Array(0),
    layout: { tensors: [], kernels: [], bytes: dram?.length ?? 0 },
  };
}
