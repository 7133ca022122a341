/**
 * Test helper: prints instruction and micro-op lists the way TVM's VTA runtime
 * (vta-isa.md §6.2, §6.3) and the hardware test library (§6.4) print them, so
 * that the dump parser can be property-tested on write → parse. Written from the
 * spec only; it shares no code with the parser.
 */
import fc from 'fast-check';
import type { Insn, Uop } from '../../core/isa';
import { emptyInsn, type OpcodeId } from '../../core/isa';

export interface WriteOptions {
  /** Line ending; the C code prints '\n', logs copied on Windows have '\r\n'. */
  eol?: '\n' | '\r\n';
}

const LOAD = 0;
const STORE = 1;
const GEMM = 2;
const FINISH = 3;
const ALU = 4;
const MEM_UOP = 0;
const MEM_WGT = 1;
const MEM_INP = 2;
const MEM_ACC = 3;
const MEM_ACC_8BIT = 5;

const hex = (v: number, digits: number): string => '0x' + v.toString(16).padStart(digits, '0');

/** getOpcodeString: the runtime's ALU names (vta-isa.md §6.2). */
export function aluName(op: number, useImm: number): string {
  switch (op) {
    case 0:
      return useImm ? 'min imm' : 'min';
    case 1:
      return useImm ? 'max imm' : 'max';
    case 2:
      return useImm ? 'add imm' : 'add';
    case 3:
      return 'shr';
    case 4:
      return 'mul';
    default:
      return 'unknown op';
  }
}

const depLine = (i: Insn): string =>
  `\tdep - pop prev: ${i.pop_prev_dep}, pop next: ${i.pop_next_dep}, push prev: ${i.push_prev_dep}, push next: ${i.push_next_dep}`;

interface Queues {
  l2g: number;
  g2l: number;
  s2g: number;
  g2s: number;
}

/** §6.2 "How the counters are updated"; `countFinish` for the test library, whose printer counts FINISH's flags. */
export function updateQueues(q: Queues, i: Insn, countFinish: boolean): void {
  if (i.opcode === STORE) {
    if (i.pop_prev_dep) q.g2s--;
    if (i.push_prev_dep) q.s2g++;
    return;
  }
  if (i.opcode === LOAD && (i.memory_type === MEM_INP || i.memory_type === MEM_WGT)) {
    if (i.pop_next_dep) q.g2l--;
    if (i.push_next_dep) q.l2g++;
    return;
  }
  if (i.opcode === FINISH && !countFinish) return;
  if (i.opcode === LOAD || i.opcode === GEMM || i.opcode === ALU || i.opcode === FINISH) {
    if (i.pop_prev_dep) q.l2g--;
    if (i.push_prev_dep) q.g2l++;
    if (i.pop_next_dep) q.s2g--;
    if (i.push_next_dep) q.g2s++;
  }
}

function memBody(i: Insn): string[] {
  return [
    `\tDRAM: ${hex(i.dram_base, 8)}, SRAM:${hex(i.sram_base, 4)}`,
    `\ty: size=${i.y_size}, pad=[${i.y_pad_0}, ${i.y_pad_1}]`,
    `\tx: size=${i.x_size}, stride=${i.x_stride}, pad=[${i.x_pad_0}, ${i.x_pad_1}]`,
  ];
}

const gemmLoop = (which: string, iter: number, wgt: number, inp: number, acc: number, runtimeOrder: boolean): string =>
  runtimeOrder
    ? `\t${which} loop - iter: ${iter}, wgt: ${wgt}, inp: ${inp}, acc: ${acc}`
    : `\t${which} loop - iter: ${iter}, acc: ${acc}, inp: ${inp}, wgt: ${wgt}`;

function aluBody(i: Insn): string[] {
  return [
    `\treset_out: ${i.reset_reg}`,
    `\trange (${i.uop_bgn}, ${i.uop_end})`,
    `\touter loop - iter: ${i.iter_out}, dst: ${i.dst_factor_out}, src: ${i.src_factor_out}`,
    `\tinner loop - iter: ${i.iter_in}, dst: ${i.dst_factor_in}, src: ${i.src_factor_in}`,
  ];
}

/** InsnQueue::DumpInsn (vta-isa.md §6.2). */
export function writeRuntimeDump(insns: readonly Insn[], opts: WriteOptions = {}): string {
  const out: string[] = [`There are ${insns.length} instructions`];
  const q: Queues = { l2g: 0, g2l: 0, s2g: 0, g2s: 0 };
  const counters = (): void => {
    out.push(`\tl2g_queue = ${q.l2g}, g2l_queue = ${q.g2l}`, `\ts2g_queue = ${q.s2g}, g2s_queue = ${q.g2s}`);
  };
  insns.forEach((i, n) => {
    const head = `INSTRUCTION ${n}: `;
    if ((i.opcode === LOAD || i.opcode === STORE) && i.x_size === 0) {
      const stage =
        i.opcode === STORE
          ? 'NOP-STORE-STAGE'
          : i.memory_type === MEM_UOP || i.memory_type === MEM_ACC || i.memory_type === MEM_ACC_8BIT
            ? 'NOP-COMPUTE-STAGE'
            : 'NOP-MEMORY-STAGE';
      out.push(head + stage, depLine(i));
      updateQueues(q, i, false);
      counters();
      return;
    }
    switch (i.opcode) {
      case LOAD: {
        const name = ['UOP', 'WGT', 'INP', 'ACC'][i.memory_type];
        if (name) out.push(`${head}LOAD ${name}`, depLine(i));
        else out.push(`${head}LOAD ${depLine(i)}`); // no name, no newline: the dep line continues here
        out.push(...memBody(i));
        break;
      }
      case STORE:
        out.push(`${head}STORE:`, depLine(i), ...memBody(i));
        break;
      case GEMM:
        out.push(
          `${head}GEMM`,
          depLine(i),
          `\treset_out: ${i.reset_reg}`,
          `\trange (${i.uop_bgn}, ${i.uop_end})`,
          gemmLoop('outer', i.iter_out, i.wgt_factor_out, i.src_factor_out, i.dst_factor_out, true),
          gemmLoop('inner', i.iter_in, i.wgt_factor_in, i.src_factor_in, i.dst_factor_in, true),
        );
        break;
      case ALU:
        out.push(`${head}ALU - ${aluName(i.alu_opcode, i.use_imm)}`, depLine(i), ...aluBody(i));
        break;
      case FINISH:
        out.push(`${head}FINISH`);
        break;
      default:
        out.push(head.trimEnd());
    }
    updateQueues(q, i, false);
    counters();
  });
  return out.join(opts.eol ?? '\n') + (opts.eol ?? '\n');
}

/** printInstruction in tests/hardware/common/test_lib.cc (vta-isa.md §6.4). */
export function writeTestLibDump(insns: readonly Insn[], opts: WriteOptions = {}): string {
  const out: string[] = [`DEBUG - There are ${insns.length} instructions`];
  const q: Queues = { l2g: 0, g2l: 0, s2g: 0, g2s: 0 };
  insns.forEach((i, n) => {
    const head = `DEBUG - INSTRUCTION ${n}: `;
    switch (i.opcode) {
      case LOAD: {
        const name = ['UOP', 'WGT', 'INP', 'ACC'][i.memory_type];
        if (name) out.push(`${head}LOAD ${name}`, depLine(i));
        else out.push(`${head}LOAD ${depLine(i)}`);
        out.push(...memBody(i));
        break;
      }
      case STORE:
        out.push(`${head}STORE ACC`, depLine(i), ...memBody(i));
        break;
      case GEMM:
        out.push(
          `${head}GEMM`,
          depLine(i),
          `\trange (${i.uop_bgn}, ${i.uop_end})`,
          `\treset_out: ${i.reset_reg}`,
          gemmLoop('outer', i.iter_out, i.wgt_factor_out, i.src_factor_out, i.dst_factor_out, false),
          gemmLoop('inner', i.iter_in, i.wgt_factor_in, i.src_factor_in, i.dst_factor_in, false),
        );
        break;
      case ALU:
        out.push(`${head}ALU - ${aluName(i.alu_opcode, i.use_imm)}`, depLine(i), ...aluBody(i));
        break;
      case FINISH:
        out.push(`${head}FINISH`, depLine(i));
        break;
      default:
        out.push(head.trimEnd());
    }
    updateQueues(q, i, true);
  });
  out.push(`DEBUG - l2g_queue = ${q.l2g}, g2l_queue = ${q.g2l}`, `DEBUG - s2g_queue = ${q.s2g}, g2s_queue = ${q.g2s}`);
  return out.join(opts.eol ?? '\n') + (opts.eol ?? '\n');
}

/** UopKernel::Dump (vta-isa.md §6.3). */
export function writeRuntimeUops(uops: readonly Uop[], opts: WriteOptions = {}): string {
  const out = [`There are ${uops.length} uops`];
  uops.forEach((u, n) => out.push(`[${String(n).padStart(4, '0')}]\t acc=${u.dst}, inp=${u.src}, wgt=${u.wgt}`));
  out.push('');
  return out.join(opts.eol ?? '\n') + (opts.eol ?? '\n');
}

/** printMicroOp in test_lib.cc (vta-isa.md §6.4; the header line is from the source). */
export function writeTestLibUops(uops: readonly Uop[], opts: WriteOptions & { header?: boolean } = {}): string {
  const out: string[] = opts.header === false ? [] : [`DEBUG - There are ${uops.length} micro-ops`];
  uops.forEach((u, n) => out.push(`DEBUG - UOP ${n}: acc=${u.dst}, inp= ${u.src}, wgt=${u.wgt}`));
  return out.join(opts.eol ?? '\n') + (opts.eol ?? '\n');
}

// --- what survives write → parse, and random programs ---------------------------

/** An instruction with every field 0 except the ones given. */
export function mkInsn(opcode: number, fields: Partial<Insn> = {}): Insn {
  return { ...emptyInsn(opcode as OpcodeId), ...fields };
}

const flagsOf = (i: Insn): Partial<Insn> => ({
  pop_prev_dep: i.pop_prev_dep,
  pop_next_dep: i.pop_next_dep,
  push_prev_dep: i.push_prev_dep,
  push_next_dep: i.push_next_dep,
});

export interface Expected {
  insn: Insn;
  nopStage?: 'ld' | 'ex' | 'st';
  immUnknown?: boolean;
}

/**
 * What the parser can recover from the printed form of `i` (vta-isa.md §6.2/§6.4):
 * runtime NOPs print only their flags; a LOAD of an unnamed memory type reads back
 * as ACC_8BIT; a STORE as OUT; ALU immediates are never printed and `shr`/`mul`
 * hide use_imm (read back as 1 and 0); the runtime prints no flags for FINISH.
 */
export function expectedAfterRoundTrip(i: Insn, variant: 'runtime' | 'test-lib'): Expected {
  const stageOf = (x: Insn): 'ld' | 'ex' | 'st' =>
    x.opcode === STORE ? 'st' : x.memory_type === MEM_INP || x.memory_type === MEM_WGT ? 'ld' : 'ex';
  if (i.opcode === LOAD || i.opcode === STORE) {
    const memory_type = i.opcode === STORE ? 4 : i.memory_type <= MEM_ACC ? i.memory_type : MEM_ACC_8BIT;
    if (i.x_size === 0 && variant === 'runtime') {
      if (i.opcode === STORE) return { insn: mkInsn(STORE, flagsOf(i)), nopStage: 'st' };
      const compute = i.memory_type === MEM_UOP || i.memory_type === MEM_ACC || i.memory_type === MEM_ACC_8BIT;
      return compute
        ? { insn: mkInsn(LOAD, { ...flagsOf(i), memory_type: MEM_UOP }), nopStage: 'ex' }
        : { insn: mkInsn(LOAD, { ...flagsOf(i), memory_type: MEM_INP }), nopStage: 'ld' };
    }
    const insn = { ...i, memory_type };
    return i.x_size === 0 ? { insn, nopStage: stageOf(insn) } : { insn };
  }
  if (i.opcode === ALU) {
    const alu_opcode = i.alu_opcode <= 4 ? i.alu_opcode : 5;
    const use_imm = alu_opcode <= 2 ? i.use_imm : alu_opcode === 3 ? 1 : 0;
    const insn = { ...i, alu_opcode, use_imm, imm: 0 };
    return use_imm ? { insn, immUnknown: true } : { insn };
  }
  if (i.opcode === FINISH) return { insn: variant === 'runtime' ? mkInsn(FINISH) : mkInsn(FINISH, flagsOf(i)) };
  return { insn: { ...i } };
}

/** The balances each printer ends with. */
export function finalQueues(insns: readonly Insn[], variant: 'runtime' | 'test-lib'): Queues {
  const q: Queues = { l2g: 0, g2l: 0, s2g: 0, g2s: 0 };
  for (const i of insns) updateQueues(q, i, variant === 'test-lib');
  return q;
}

const bit = fc.integer({ min: 0, max: 1 });
const upTo = (max: number) => fc.integer({ min: 0, max });
const arbFlags = fc.record({ pop_prev_dep: bit, pop_next_dep: bit, push_prev_dep: bit, push_next_dep: bit });

/** LOAD/STORE with any 3-bit memory type; x_size is 0 (a NOP) a quarter of the time. */
export const arbMemInsn: fc.Arbitrary<Insn> = fc
  .record({
    flags: arbFlags,
    opcode: fc.constantFrom(LOAD, STORE),
    memory_type: upTo(7),
    sram_base: upTo(0xffff),
    dram_base: upTo(0xffffffff),
    y_size: upTo(0xffff),
    x_size: fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: upTo(0xffff), weight: 3 }),
    x_stride: upTo(0xffff),
    y_pad_0: upTo(15),
    y_pad_1: upTo(15),
    x_pad_0: upTo(15),
    x_pad_1: upTo(15),
  })
  .map(({ flags, ...r }) => mkInsn(r.opcode, { ...flags, ...r }));

const loopFields = {
  reset_reg: bit,
  uop_bgn: upTo(8191),
  uop_end: upTo(16383),
  iter_out: upTo(16383),
  iter_in: upTo(16383),
  dst_factor_out: upTo(2047),
  dst_factor_in: upTo(2047),
  src_factor_out: upTo(2047),
  src_factor_in: upTo(2047),
};

export const arbGemmInsn: fc.Arbitrary<Insn> = fc
  .record({ flags: arbFlags, ...loopFields, wgt_factor_out: upTo(1023), wgt_factor_in: upTo(1023) })
  .map(({ flags, ...r }) => mkInsn(GEMM, { ...flags, ...r }));

export const arbAluInsn: fc.Arbitrary<Insn> = fc
  .record({
    flags: arbFlags,
    ...loopFields,
    alu_opcode: upTo(7),
    use_imm: bit,
    imm: fc.integer({ min: -32768, max: 32767 }),
  })
  .map(({ flags, ...r }) => mkInsn(ALU, { ...flags, ...r }));

export const arbFinishInsn: fc.Arbitrary<Insn> = arbFlags.map((flags) => mkInsn(FINISH, flags));

export const arbInsn: fc.Arbitrary<Insn> = fc.oneof(
  { arbitrary: arbMemInsn, weight: 4 },
  { arbitrary: arbGemmInsn, weight: 2 },
  { arbitrary: arbAluInsn, weight: 2 },
  { arbitrary: arbFinishInsn, weight: 1 },
);

export const arbProgram: fc.Arbitrary<Insn[]> = fc.array(arbInsn, { maxLength: 30 });

/**
 * The runtime makes load-stage NOPs only with memory type INP (vta-isa.md §3.5,
 * PushNoop). A zero-size LOAD of OUT or of the unused types 6–7 would also print
 * as NOP-MEMORY-STAGE but be counted as a compute instruction, and the dump cannot
 * tell it from INP; such programs are not round-trippable, so they get INP.
 */
export function runtimeRepresentable(p: readonly Insn[]): Insn[] {
  return p.map((i) =>
    i.opcode === LOAD && i.x_size === 0 && (i.memory_type === 4 || i.memory_type > MEM_ACC_8BIT)
      ? { ...i, memory_type: MEM_INP }
      : i,
  );
}

export const arbUops: fc.Arbitrary<Uop[]> = fc.array(
  fc.record({ dst: upTo(2047), src: upTo(2047), wgt: upTo(1023) }).map(({ dst, src, wgt }) => ({ dst, src, wgt })),
  { minLength: 1, maxLength: 20 },
);
