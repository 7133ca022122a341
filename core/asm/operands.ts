/**
 * Operand keys of each instruction form and the fields they set. The assembler,
 * disassembler, completion, signature help and the language reference all read
 * this table.
 */
import type { FieldName } from '../isa';

export interface OperandSpec {
  key: string;
  /** Fields the operand's value(s) set, in the order of its values. */
  fields: FieldName[];
  required?: boolean;
  /** Shown in hovers and docs. */
  doc: string;
  /** How the value is written: `E`, `T,B,L,R`, `B..E`. */
  shape?: string;
}

export type InsnForm = 'load' | 'load-uop-kernel' | 'store' | 'gemm' | 'alu' | 'nop' | 'finish';

const LOOPS: OperandSpec[] = [
  { key: 'outer', fields: ['iter_out'], doc: 'Outer loop iteration count (default 1).' },
  { key: 'inner', fields: ['iter_in'], doc: 'Inner loop iteration count (default 1).' },
  { key: 'dst_out', fields: ['dst_factor_out'], doc: 'ACC row step per outer iteration (default 0).' },
  { key: 'dst_in', fields: ['dst_factor_in'], doc: 'ACC row step per inner iteration (default 0).' },
  {
    key: 'src_out',
    fields: ['src_factor_out'],
    doc: 'Source row step per outer iteration (INP for GEMM, ACC for ALU; default 0).',
  },
  { key: 'src_in', fields: ['src_factor_in'], doc: 'Source row step per inner iteration (default 0).' },
];

const UOP_RANGE: OperandSpec = {
  key: 'uop',
  fields: ['uop_bgn', 'uop_end'],
  shape: 'B..E',
  doc: 'Micro-op range [B, E) in the UOP buffer (raw form, instead of a kernel name).',
};

const MEM_COMMON: OperandSpec[] = [
  { key: 'sram', fields: ['sram_base'], required: true, doc: 'First SRAM row of the transfer.' },
  {
    key: 'dram',
    fields: ['dram_base'],
    required: true,
    doc: 'DRAM address in elements of the memory type (a data name is its base).',
  },
  { key: 'y', fields: ['y_size'], doc: 'Rows to transfer (default 1).' },
  { key: 'x', fields: ['x_size'], required: true, doc: 'Elements per row.' },
  { key: 'stride', fields: ['x_stride'], doc: 'DRAM row pitch in elements (default: x).' },
];

const PAD: OperandSpec = {
  key: 'pad',
  fields: ['y_pad_0', 'y_pad_1', 'x_pad_0', 'x_pad_1'],
  shape: 'T,B,L,R',
  doc: 'Zero padding: top rows, bottom rows, left and right elements (one value pads all four sides).',
};

export const OPERANDS: Record<InsnForm, OperandSpec[]> = {
  load: [...MEM_COMMON, PAD],
  'load-uop-kernel': [
    {
      key: 'sram',
      fields: ['sram_base'],
      doc: 'UOP row to load the kernel at (default: right after the kernel loaded before).',
    },
  ],
  // STORE takes no padding; `pad` is accepted only so that a disassembled stream
  // re-assembles byte for byte, and is reported as an error.
  store: [...MEM_COMMON, PAD],
  gemm: [
    UOP_RANGE,
    ...LOOPS,
    { key: 'wgt_out', fields: ['wgt_factor_out'], doc: 'WGT row step per outer iteration (default 0).' },
    { key: 'wgt_in', fields: ['wgt_factor_in'], doc: 'WGT row step per inner iteration (default 0).' },
  ],
  alu: [
    UOP_RANGE,
    ...LOOPS,
    {
      key: 'imm',
      fields: ['imm'],
      doc: 'Signed 16-bit immediate; present = immediate mode, absent = tensor-tensor mode.',
    },
  ],
  nop: [],
  finish: [],
};

export const UOP_OPERANDS: OperandSpec[] = [
  { key: 'dst', fields: [], required: true, doc: 'ACC row written (dst_idx).' },
  { key: 'src', fields: [], required: true, doc: 'INP row for GEMM, ACC row for ALU (src_idx).' },
  { key: 'wgt', fields: [], doc: 'WGT row for GEMM (wgt_idx; default 0, keep 0 for ALU).' },
];

/** Memory types usable after `load` and in `data` declarations. */
export const LOAD_TARGETS = ['inp', 'wgt', 'acc', 'acc8', 'uop'] as const;
export const DATA_MEMS = ['inp', 'wgt', 'acc', 'acc8', 'out'] as const;

export const MNEMONIC_DOCS: Record<string, string> = {
  load: 'LOAD: copy a 2-D block of DRAM elements into an SRAM buffer (inp/wgt on the load module; acc/acc8/uop on the compute module).',
  store: 'STORE: write ACC rows, narrowed to 8 bits, to DRAM (store module).',
  gemm: 'GEMM: acc[dst] += inp[src] · wgt[wgt]ᵀ over the micro-ops and two loops (compute module).',
  alu: 'ALU: acc[dst] = op(acc[dst], acc[src] or imm) over the micro-ops and two loops (compute module).',
  nop: 'NOP: a zero-size instruction of a module that only carries dependency tokens.',
  finish: 'FINISH: ends the run (compute module); it must be the last instruction to execute.',
  push: "push Q: set the push flag of the previous instruction of Q's producer module.",
  pop: "pop Q: set the pop flag of the next instruction of Q's consumer module.",
  uop: 'A micro-op: dst (ACC row), src (INP or ACC row), wgt (WGT row).',
};
