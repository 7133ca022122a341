/**
 * TVM dump → `.vta`: the dump reader's instructions, printed by the disassembler,
 * with the micro-ops of the dump's uop listings attached to the LOAD UOPs that
 * brought them in, and every DRAM range the dump touches declared as zero-filled
 * data at its own address (a dump records addresses, not data), so that the program
 * assembles to the same instruction bytes, checks and runs on any configuration.
 */
import type { Insn, Uop, VtaTarget } from '../isa';
import { MemType, Opcode } from '../isa';
import { disassemble } from './disassemble';
import { parseTvmDump } from './dump';
import type { DumpDiagnostic } from './dump/types';

export interface ImportResult {
  text: string;
  /** What the dump reader found (instructions, uop listings, format variant). */
  parsed: ReturnType<typeof parseTvmDump>;
  diagnostics: DumpDiagnostic[];
  problems: Array<{ index: number; message: string }>;
}

export function importTvmDump(
  log: string,
  target: VtaTarget,
  title = 'imported TVM dump',
  targetText?: string,
): ImportResult {
  const parsed = parseTvmDump(log);
  const insns = parsed.instructions.map((d) => d.insn);
  const kernelUops = kernelsFromListings(
    insns,
    parsed.uopKernels.map((k) => k.uops),
  );
  const notes = new Map<number, string>();
  parsed.instructions.forEach((d, i) => {
    const why: string[] = [];
    if (d.immUnknown) why.push('the dump does not record the immediate: imm=0 assumed');
    if (d.useImmUnknown) why.push('immediate or tensor mode is not recorded for this op');
    if (d.memTypeGuessed) why.push('memory type not printed: ACC_8BIT assumed');
    if (why.length) notes.set(i, `(dump line ${d.line + 1}: ${why.join('; ')})`);
    else notes.set(i, `(dump line ${d.line + 1})`);
  });
  const r = disassemble(insns, {
    target,
    targetText,
    title,
    kernelUops,
    notes,
    zeroData:
      'DRAM contents are not in the dump: every tensor the instructions touch, and micro-ops it does not list, are declared at their addresses, filled with zeros',
  });
  return { text: r.text, parsed, diagnostics: parsed.diagnostics, problems: r.problems };
}

/**
 * Micro-op listings (a dump's uop dumps, hex uop lines) → the kernels of the stream's
 * LOAD UOPs, keyed as the disassembler wants them (`dram_base,count`): each listing
 * goes to the first distinct kernel load of its size, so listings may come in any
 * order relative to the instructions, and loads of other sizes do not shift them.
 */
export function kernelsFromListings(insns: readonly Insn[], listings: readonly Uop[][]): Map<string, Uop[]> {
  const kernelUops = new Map<string, Uop[]>();
  const left = [...listings];
  const seen = new Set<string>();
  for (const insn of insns) {
    if (insn.opcode !== Opcode.LOAD || insn.memory_type !== MemType.UOP || insn.x_size === 0) continue;
    const key = `${insn.dram_base},${insn.x_size}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const at = left.findIndex((l) => l.length === insn.x_size);
    if (at >= 0) {
      kernelUops.set(key, left[at]!);
      left.splice(at, 1);
    }
  }
  return kernelUops;
}
