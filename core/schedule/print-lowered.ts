/**
 * The `.vta` text of a lowered stream: what `vta lower` and the editor's "Lower to .vta"
 * show. A view only: the checks and the timing model run on the Program built from the
 * same stream (lowered-program.ts), and a test holds the two identical after assembly.
 */
import type { Insn } from '../isa';
import { ALU_OP_NAMES } from '../isa/fields';
import { MemType, Opcode } from '../isa';
import type { InsnItem, Linear, LoweredKernel, LoweredStream, LoweredTensor } from './lowered-stream';

/** Where a line's comment starts, so that comments line up. */
const COMMENT_COLUMN = 36;

const withComment = (line: string, comment: string | undefined) =>
  comment === undefined ? line : `${line.padEnd(COMMENT_COLUMN - 1)} ; ${comment}`;

function linearText(f: Linear): string {
  let s = '';
  for (const [coef, v] of f.terms) {
    const term = Math.abs(coef) === 1 ? v : `${Math.abs(coef)} * ${v}`;
    s += s ? (coef < 0 ? ` - ${term}` : ` + ${term}`) : coef < 0 ? `-${term}` : term;
  }
  if (!s) return String(f.c);
  return f.c === 0 ? s : `${s} ${f.c < 0 ? '-' : '+'} ${Math.abs(f.c)}`;
}

function kernelText(k: LoweredKernel): string[] {
  const out = [`kernel ${k.name}${k.params.length ? `(${k.params.join(', ')})` : ''} {`];
  k.loops.forEach(([v, n], depth) => out.push(`${'  '.repeat(depth + 1)}for ${v} in 0..${n} {`));
  const indent = '  '.repeat(k.loops.length + 1);
  out.push(`${indent}uop dst=${linearText(k.dst)} src=${linearText(k.src)}${k.wgt ? ` wgt=${linearText(k.wgt)}` : ''}`);
  for (let depth = k.loops.length - 1; depth >= 0; depth--) out.push(`${'  '.repeat(depth + 1)}}`);
  out.push('}');
  return out;
}

function tensorText(t: LoweredTensor): string {
  const init = t.init === undefined ? '' : t.init === 'zeros' ? ' = zeros' : ` = random(seed=${t.init.seed})`;
  return `data ${t.name} : ${t.mem}[${t.count}]${init}`;
}

/** `outer=… dst_out=… …`: the loop fields, zero factors (the default) left out. */
function loopsText(x: Insn): string {
  const parts = [`outer=${x.iter_out}`];
  if (x.dst_factor_out) parts.push(`dst_out=${x.dst_factor_out}`);
  if (x.src_factor_out) parts.push(`src_out=${x.src_factor_out}`);
  if (x.wgt_factor_out) parts.push(`wgt_out=${x.wgt_factor_out}`);
  parts.push(`inner=${x.iter_in}`);
  if (x.dst_factor_in) parts.push(`dst_in=${x.dst_factor_in}`);
  if (x.src_factor_in) parts.push(`src_in=${x.src_factor_in}`);
  if (x.wgt_factor_in) parts.push(`wgt_in=${x.wgt_factor_in}`);
  return parts.join(' ');
}

function insnText(s: LoweredStream, it: InsnItem): string {
  const x = it.insn;
  const kernel = () => s.instances[it.instance]!.key;
  const dram = () => `dram=${s.tensors[it.tensor]!.name} + ${it.offset}`;
  switch (x.opcode) {
    case Opcode.FINISH:
      return 'finish';
    case Opcode.GEMM:
      return `gemm ${kernel()}${x.reset_reg ? ' reset' : ''} ${loopsText(x)}`;
    case Opcode.ALU:
      return `alu ${ALU_OP_NAMES[x.alu_opcode]} ${kernel()} imm=${x.imm} ${loopsText(x)}`;
    case Opcode.STORE:
      if (it.tensor < 0) return 'nop  st';
      return `store out sram=${x.sram_base} ${dram()} y=${x.y_size} x=${x.x_size} stride=${x.x_stride}`;
    default: {
      if (it.instance >= 0) return `load uop ${kernel()} sram=${x.sram_base}`;
      if (it.tensor < 0) return x.memory_type === MemType.UOP ? 'nop  ex' : 'nop  ld';
      const pad =
        x.y_pad_0 || x.y_pad_1 || x.x_pad_0 || x.x_pad_1
          ? ` pad=${x.y_pad_0},${x.y_pad_1},${x.x_pad_0},${x.x_pad_1}`
          : '';
      return `load ${x.memory_type === MemType.INP ? 'inp' : 'wgt'} sram=${x.sram_base} ${dram()} y=${x.y_size} x=${x.x_size} stride=${x.x_stride}${pad}`;
    }
  }
}

export function printLowered(s: LoweredStream): string {
  const out: string[] = s.header.map((h) => `; ${h}`);
  out.push(`target ${s.targetSpec}`, '');
  for (const d of s.decls) {
    for (const c of d.comments) out.push(`; ${c}`);
    for (const i of d.tensors) out.push(tensorText(s.tensors[i]!));
    for (const i of d.kernels) out.push(...kernelText(s.kernels[i]!));
    out.push('');
  }
  for (const it of s.items) {
    switch (it.kind) {
      case 'insn':
        out.push(withComment(`  ${insnText(s, it)}`, it.comment));
        break;
      case 'push':
        out.push(withComment(`  push ${it.queue}`, it.comment));
        break;
      case 'pop':
        out.push(withComment(`  pop  ${it.queue}`, it.comment));
        break;
      case 'label':
        out.push(withComment(`${it.name}:`, it.comment));
        break;
      case 'comment':
        out.push(withComment('', it.text));
        break;
    }
  }
  out.push('');
  return out.join('\n');
}
