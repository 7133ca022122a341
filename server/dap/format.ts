/** One-line texts for instructions and values, as the debugger shows them. */
import type { Insn } from '../../core/isa';
import { ALU_OP_NAMES, MEM_TYPE_NAMES, Opcode, isNop } from '../../core/isa';

function flags(insn: Insn): string {
  const f: string[] = [];
  if (insn.pop_prev_dep) f.push('pop_prev');
  if (insn.pop_next_dep) f.push('pop_next');
  if (insn.push_prev_dep) f.push('push_prev');
  if (insn.push_next_dep) f.push('push_next');
  return f.length ? ` [${f.join(' ')}]` : '';
}

/** `LOAD INP sram=0 dram=0 y=1 x=4 stride=4 [push_next]`, `GEMM uop=0..1 outer=4 …`. */
export function insnText(insn: Insn): string {
  switch (insn.opcode) {
    case Opcode.LOAD:
    case Opcode.STORE: {
      if (isNop(insn)) return `NOP (${insn.opcode === Opcode.LOAD ? 'LOAD' : 'STORE'} x=0)${flags(insn)}`;
      const name =
        insn.opcode === Opcode.LOAD ? `LOAD ${MEM_TYPE_NAMES[insn.memory_type] ?? insn.memory_type}` : 'STORE';
      const pad =
        insn.y_pad_0 || insn.y_pad_1 || insn.x_pad_0 || insn.x_pad_1
          ? ` pad=(${insn.y_pad_0},${insn.y_pad_1},${insn.x_pad_0},${insn.x_pad_1})`
          : '';
      return `${name} sram=${insn.sram_base} dram=${insn.dram_base} y=${insn.y_size} x=${insn.x_size} stride=${insn.x_stride}${pad}${flags(insn)}`;
    }
    case Opcode.GEMM:
    case Opcode.ALU: {
      const head =
        insn.opcode === Opcode.GEMM
          ? `GEMM${insn.reset_reg ? ' reset' : ''}`
          : `ALU ${ALU_OP_NAMES[insn.alu_opcode] ?? `op${insn.alu_opcode}`}${insn.use_imm ? ` imm=${insn.imm}` : ''}`;
      const loops =
        `outer=${insn.iter_out}(${insn.dst_factor_out},${insn.src_factor_out}${insn.opcode === Opcode.GEMM ? `,${insn.wgt_factor_out}` : ''})` +
        ` inner=${insn.iter_in}(${insn.dst_factor_in},${insn.src_factor_in}${insn.opcode === Opcode.GEMM ? `,${insn.wgt_factor_in}` : ''})`;
      return `${head} uop=${insn.uop_bgn}..${insn.uop_end} ${loops}${flags(insn)}`;
    }
    case Opcode.FINISH:
      return `FINISH${flags(insn)}`;
    default:
      return `opcode ${insn.opcode}${flags(insn)}`;
  }
}

/** `[1, 2, 3, …]` with at most `max` lanes. */
export function lanesText(values: ArrayLike<number>, max = 16): string {
  const n = values.length;
  const shown: string[] = [];
  for (let k = 0; k < Math.min(n, max); k++) shown.push(String(values[k]));
  return `[${shown.join(', ')}${n > max ? `, … (${n})` : ''}]`;
}
