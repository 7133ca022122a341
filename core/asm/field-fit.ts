/**
 * Whether an instruction's fields fit their widths on a target: the assembler's check
 * of every instruction it builds, and the same check on programs built without text
 * (a lowered schedule).
 */
import type { Insn, InsnKind, Layout, PlacedField, VtaTarget } from '../isa';
import { fieldAt, fieldIndex, layoutsFor, MemType, Opcode } from '../isa';

/** A layout field as the width check reads it. */
export interface FieldCheck {
  field: PlacedField;
  /** In FIELD_NAMES. */
  index: number;
}

export function fieldChecks(layouts: Record<InsnKind, Layout>): Record<InsnKind, FieldCheck[]> {
  const of = (kind: InsnKind) => layouts[kind].fields.map((field) => ({ field, index: fieldIndex(field.name) }));
  return { mem: of('mem'), gemm: of('gemm'), alu: of('alu'), finish: of('finish') };
}

/** Calls `misfit` for each field of `insn` outside its width; returns whether all fit. */
export function fieldsFit(
  insn: Insn,
  checks: Record<InsnKind, FieldCheck[]>,
  misfit: (f: PlacedField, value: number) => void,
): boolean {
  const list =
    checks[
      insn.opcode === Opcode.GEMM
        ? 'gemm'
        : insn.opcode === Opcode.ALU
          ? 'alu'
          : insn.opcode === Opcode.FINISH
            ? 'finish'
            : 'mem'
    ];
  let ok = true;
  for (let k = 0; k < list.length; k++) {
    const f = list[k]!.field;
    const v = fieldAt(insn, list[k]!.index);
    // A STORE's OUT is encodable on every version (HW_VER 0.0.1 writes it as 0).
    if (f.name === 'memory_type' && insn.opcode === Opcode.STORE && v === MemType.OUT) continue;
    if (v < f.min || v > f.max) {
      misfit(f, v);
      ok = false;
    }
  }
  return ok;
}

export function misfitMessage(f: PlacedField, v: number, t: VtaTarget): string {
  return `${f.name} = ${v} does not fit its ${f.width}-bit${f.signed ? ' signed' : ''} field [${f.min}, ${f.max}] on target '${t.name}'`;
}

/** The checks for a target (layouts are cached per target). */
export function fieldChecksFor(t: VtaTarget): Record<InsnKind, FieldCheck[]> {
  return fieldChecks(layoutsFor(t));
}
