/**
 * The disassembler: instructions [+ DRAM image] → `.vta` text that re-assembles to
 * the same instruction bytes (and, with the image, the same image bytes). Pops are
 * printed right before and pushes right after their instruction, so folding puts
 * them back where they were.
 */
import type { Insn, Uop, VtaTarget } from '../isa';
import {
  ALU_OP_NAMES,
  MemType,
  Opcode,
  QUEUES,
  UOP_BYTES,
  decodeUop,
  encodeUop,
  moduleOf,
  popFlagFor,
  pushFlagFor,
  queueConsumer,
  queueProducer,
  shippedTarget,
} from '../isa';
import { ZERO_RANGE } from '../lang/diagnostic';
import { MAX_IMAGE_BYTES } from './data-layout';
import { DATA_MEM_WORD, DataRegions } from './disasm-data';
import { UOP_RAW_DISTANCE, UopResidency } from './kernels';
import { nopInsn } from './token-folding';

export interface DisassembleOptions {
  target: VtaTarget;
  /** How to write the target line: a shipped name or a quoted path. */
  targetText?: string;
  /** The DRAM image the stream runs on, and the path to write in `image "…"`. */
  dram?: Uint8Array;
  imagePath?: string;
  /** Text for the header comment (e.g. the source file name). */
  title?: string;
  /** Kernels known from elsewhere (e.g. a TVM uop dump), keyed by `dram_base,count`. */
  kernelUops?: Map<string, Uop[]>;
  /**
   * Without an image: declare the data the stream touches as zero-filled tensors at
   * their addresses, under this comment (what a dump import does: a dump records no data).
   */
  zeroData?: string;
  /** Per-instruction comments to append (e.g. "imm not recorded in the dump"). */
  notes?: Map<number, string>;
}

export interface DisassembleResult {
  text: string;
  /** Instructions that cannot be written in `.vta` (they are printed as comments). */
  problems: Array<{ index: number; message: string }>;
}

/**
 * Whether a kernel of these micro-ops would draw a `vta.uop.distance` warning that no
 * instruction deserves: the runtime checks the distance per kernel it records, but one
 * LOAD UOP may bring in several of them (a test program loads all its micro-ops at
 * once), and a GEMM/ALU only ever runs its own range. Such a load stays in raw form.
 */
function falseDistanceWarning(uops: readonly Uop[], load: Insn, insns: readonly Insn[], at: number): boolean {
  for (let i = 1; i < uops.length; i++) {
    for (let d = 1; d <= UOP_RAW_DISTANCE && i - d >= 0; d++) {
      if (uops[i]!.dst !== uops[i - d]!.dst) continue;
      if (!runsAcross(insns, at, load.sram_base + i - d, load.sram_base + i)) return true;
    }
  }
  return false;
}

/**
 * Whether a GEMM/ALU after instruction `at` runs micro-op rows lo..hi in one range,
 * before another LOAD UOP overwrites them.
 */
function runsAcross(insns: readonly Insn[], at: number, lo: number, hi: number): boolean {
  for (let j = at + 1; j < insns.length; j++) {
    const x = insns[j]!;
    if ((x.opcode === Opcode.GEMM || x.opcode === Opcode.ALU) && x.uop_bgn <= lo && hi < x.uop_end) return true;
    if (
      x.opcode === Opcode.LOAD &&
      x.memory_type === MemType.UOP &&
      x.x_size &&
      x.sram_base <= hi &&
      lo < x.sram_base + x.x_size * x.y_size
    )
      return false;
  }
  return false;
}

/** Largest byte offset at which a kernel without an image is placed explicitly. */
const MAX_PLACED_KERNEL_OFFSET = 1 << 20;

const MEM_WORD: Record<number, string> = { ...DATA_MEM_WORD, [MemType.UOP]: 'uop' };

function sameExceptFlags(a: Insn, b: Insn): boolean {
  for (const k of Object.keys(a) as Array<keyof Insn>) {
    if (k === 'pop_prev_dep' || k === 'pop_next_dep' || k === 'push_prev_dep' || k === 'push_next_dep') continue;
    if (a[k] !== b[k]) return false;
  }
  return true;
}

interface KernelDef {
  name: string;
  base: number;
  uops: Uop[];
}

export function disassemble(insns: readonly Insn[], opts: DisassembleOptions): DisassembleResult {
  const t = opts.target;
  const dram = opts.dram;
  const problems: DisassembleResult['problems'] = [];
  const lines: string[] = [];
  lines.push(`; ${opts.title ?? 'disassembled VTA instruction stream'}: ${insns.length} instructions`);
  // A target read from a file is named by its path, which must be quoted to parse.
  lines.push(`target ${opts.targetText ?? (shippedTarget(t.name) ? t.name : JSON.stringify(t.name))}`);
  if (dram && opts.imagePath !== undefined) lines.push(`image ${JSON.stringify(opts.imagePath)}`);

  // Kernels: the micro-ops that LOAD UOP instructions bring in, when they can be
  // written back byte for byte.
  const kernels = new Map<string, KernelDef>();
  const kernelOfLoad = new Map<number, KernelDef>();
  insns.forEach((insn, i) => {
    if (insn.opcode !== Opcode.LOAD || insn.memory_type !== MemType.UOP || insn.x_size === 0) return;
    if (
      insn.y_size !== 1 ||
      insn.x_stride !== insn.x_size ||
      insn.y_pad_0 ||
      insn.y_pad_1 ||
      insn.x_pad_0 ||
      insn.x_pad_1
    )
      return;
    if (insn.sram_base + insn.x_size > t.uop.depth) return;
    const key = `${insn.dram_base},${insn.x_size}`;
    let k = kernels.get(key);
    if (!k) {
      const uops = kernelUopsFromImage(t, insn, dram) ?? (dram ? undefined : opts.kernelUops?.get(key));
      // Without an image a raw load would read nothing: dump kernels stay kernels.
      if (!uops || (dram && falseDistanceWarning(uops, insn, insns, i))) return;
      k = { name: `k${kernels.size}`, base: insn.dram_base, uops };
      kernels.set(key, k);
    }
    kernelOfLoad.set(i, k);
  });
  // Data: one tensor per run of overlapping accesses. With an image they name its
  // bytes; without one (opts.zeroData) they are zero-filled tensors at the same addresses.
  let regions: DataRegions | undefined;
  if (dram || opts.zeroData) {
    // Without an image, micro-ops nobody listed are zeros too: raw UOP loads get zero data.
    const rawUops = dram
      ? []
      : insns.flatMap((x, i) =>
          x.opcode === Opcode.LOAD && x.memory_type === MemType.UOP && x.x_size && !kernelOfLoad.has(i) ? [i] : [],
        );
    regions = new DataRegions(t, insns, dram ? dram.length : MAX_IMAGE_BYTES, rawUops);
    if (!dram && regions.list.length) lines.push(`; ${opts.zeroData}`);
    if (!dram && regions.beyond.length) {
      lines.push(
        `; instruction${regions.beyond.length > 1 ? 's' : ''} ${regions.beyond.map((i) => `#${i}`).join(', ')} reach${regions.beyond.length > 1 ? '' : 'es'} past the ${MAX_IMAGE_BYTES} B a DRAM image can hold: no tensor is declared for ${regions.beyond.length > 1 ? 'them' : 'it'}`,
      );
    }
    for (const r of regions.list)
      lines.push(`data ${r.name} : ${r.mem}[${r.count}] @ ${r.byteStart}${dram ? '' : ' = zeros'}`);
  }

  for (const k of kernels.values()) {
    const body = k.uops.map((u) => `uop dst=${u.dst} src=${u.src}${u.wgt ? ` wgt=${u.wgt}` : ''}`);
    // With an image the kernel sits where its bytes are. Kernels known from a dump are
    // placed at their address too when that keeps the image small, so that the LOAD UOP
    // re-assembles to the same dram_base.
    // Over zero-filled data a placed kernel would be an overlap error: it goes after the data.
    const start = k.base * UOP_BYTES,
      end = start + k.uops.length * UOP_BYTES;
    const overData =
      !dram && regions?.list.some((r) => start < r.byteStart + r.count * r.elemBytes && r.byteStart < end);
    const at = !overData && (dram || opts.zeroData || start <= MAX_PLACED_KERNEL_OFFSET) ? ` @ ${start}` : '';
    if (overData)
      lines.push(
        `; ${k.name} is loaded from byte ${start}, inside the data above: it is placed after the data instead`,
      );
    if (body.length === 1) lines.push(`kernel ${k.name}${at} { ${body[0]} }`);
    else lines.push(`kernel ${k.name}${at} {`, ...body.map((b) => `  ${b}`), '}');
  }
  lines.push('');

  const residency = new UopResidency(t.uop.depth);
  insns.forEach((insn, i) => {
    const m = moduleOf(insn);
    const { pre, post, illegal } = tokenLines(insn);
    const dramText = regions ? regions.operand(insn, i) : String(insn.dram_base);
    const body = instructionText(t, insn, dramText, kernelOfLoad.get(i), residency);
    if ('problem' in body) {
      problems.push({ index: i, message: body.problem });
      lines.push(`; error: instruction ${i} cannot be written in .vta: ${body.problem}`);
      return;
    }
    if (illegal.length) {
      problems.push({ index: i, message: `illegal flags ${illegal.join(', ')} for a ${m} instruction` });
      lines.push(`; error: instruction ${i} has ${illegal.join(', ')} set, which no queue of its module uses; dropped`);
    }
    const note = opts.notes?.get(i);
    lines.push(...pre, `  ${body.text.padEnd(48)} ; #${i}${note ? ` ${note}` : ''}`, ...post);
  });
  lines.push('');
  return { text: lines.join('\n'), problems };
}

/** The `pop`/`push` lines of an instruction's flags, and the flags no queue of its module uses. */
function tokenLines(insn: Insn): { pre: string[]; post: string[]; illegal: string[] } {
  const m = moduleOf(insn);
  const pre: string[] = [];
  const post: string[] = [];
  const illegal: string[] = [];
  for (const q of QUEUES) {
    if (queueConsumer(q) === m && insn[popFlagFor(q)]) pre.push(`  pop  ${q}`);
    if (queueProducer(q) === m && insn[pushFlagFor(q)]) post.push(`  push ${q}`);
  }
  for (const f of ['pop_prev_dep', 'pop_next_dep', 'push_prev_dep', 'push_next_dep'] as const) {
    const used = QUEUES.some(
      (q) => (queueConsumer(q) === m && popFlagFor(q) === f) || (queueProducer(q) === m && pushFlagFor(q) === f),
    );
    if (insn[f] && !used) illegal.push(f);
  }
  return { pre, post, illegal };
}

/**
 * One instruction on its own as `.vta` lines (its pops, itself with raw operands, its
 * pushes), or why it cannot be written: what `vta decode` and the hex hover show.
 */
export function disassembleOne(t: VtaTarget, insn: Insn): { lines: string[]; problem?: string } {
  const body = instructionText(t, insn, String(insn.dram_base), undefined, new UopResidency(t.uop.depth));
  if ('problem' in body) return { lines: [], problem: body.problem };
  const { pre, post, illegal } = tokenLines(insn);
  const lines = [...pre, `  ${body.text}`, ...post].map((l) => l.trim());
  return illegal.length
    ? { lines, problem: `${illegal.join(', ')} set, which no queue of the ${moduleOf(insn)} module uses` }
    : { lines };
}

function kernelUopsFromImage(t: VtaTarget, insn: Insn, dram?: Uint8Array): Uop[] | undefined {
  if (!dram) return undefined;
  const start = insn.dram_base * UOP_BYTES;
  const end = start + insn.x_size * UOP_BYTES;
  if (end > dram.length) return undefined;
  const uops: Uop[] = [];
  const check = new Uint8Array(UOP_BYTES);
  for (let p = start; p < end; p += UOP_BYTES) {
    const u = decodeUop(t, dram, p);
    encodeUop(t, u, check, 0);
    // Bits outside the fields would be lost: keep such micro-ops raw.
    for (let b = 0; b < UOP_BYTES; b++) if (check[b] !== dram[p + b]) return undefined;
    uops.push(u);
  }
  return uops;
}

function loops(insn: Insn, gemm: boolean): string {
  const parts: string[] = [];
  if (insn.iter_out !== 1) parts.push(`outer=${insn.iter_out}`);
  if (insn.iter_in !== 1) parts.push(`inner=${insn.iter_in}`);
  const f: Array<[string, number]> = [
    ['dst_out', insn.dst_factor_out],
    ['src_out', insn.src_factor_out],
    ['dst_in', insn.dst_factor_in],
    ['src_in', insn.src_factor_in],
  ];
  if (gemm) f.push(['wgt_out', insn.wgt_factor_out], ['wgt_in', insn.wgt_factor_in]);
  for (const [k, v] of f) if (v) parts.push(`${k}=${v}`);
  return parts.length ? ` ${parts.join(' ')}` : '';
}

function memOperands(insn: Insn, dramText: string): string {
  let s = `sram=${insn.sram_base} dram=${dramText}`;
  if (insn.y_size !== 1) s += ` y=${insn.y_size}`;
  s += ` x=${insn.x_size}`;
  if (insn.x_stride !== insn.x_size) s += ` stride=${insn.x_stride}`;
  if (insn.y_pad_0 || insn.y_pad_1 || insn.x_pad_0 || insn.x_pad_1)
    s += ` pad=${insn.y_pad_0},${insn.y_pad_1},${insn.x_pad_0},${insn.x_pad_1}`;
  return s;
}

function instructionText(
  t: VtaTarget,
  insn: Insn,
  dramText: string,
  kernel: KernelDef | undefined,
  residency: UopResidency,
): { text: string } | { problem: string } {
  switch (insn.opcode) {
    case Opcode.FINISH:
      return { text: 'finish' };
    case Opcode.LOAD:
    case Opcode.STORE: {
      const m = moduleOf(insn);
      if (insn.x_size === 0 && sameExceptFlags(insn, nopInsn(m))) return { text: `nop ${m}` };
      if (insn.opcode === Opcode.STORE) {
        if (insn.memory_type !== MemType.OUT)
          return { problem: `STORE with memory_type ${insn.memory_type} (only OUT = 4 can be written)` };
        return { text: `store out ${memOperands(insn, dramText)}` };
      }
      const word = MEM_WORD[insn.memory_type];
      if (!word) return { problem: `LOAD with memory_type ${insn.memory_type}` };
      if (insn.memory_type === MemType.UOP) {
        if (kernel) {
          residency.load(kernel.name, insn.sram_base, insn.x_size, '', ZERO_RANGE);
          return { text: `load uop ${kernel.name} sram=${insn.sram_base}` };
        }
        const rows = (insn.y_pad_0 + insn.y_size + insn.y_pad_1) * (insn.x_pad_0 + insn.x_size + insn.x_pad_1);
        if (insn.x_size) residency.load(undefined, insn.sram_base, rows, '', ZERO_RANGE);
        return { text: `load uop ${memOperands(insn, String(insn.dram_base))}` };
      }
      return { text: `load ${word} ${memOperands(insn, dramText)}` };
    }
    case Opcode.GEMM:
    case Opcode.ALU: {
      const gemm = insn.opcode === Opcode.GEMM;
      let head: string;
      if (gemm) {
        head = 'gemm';
        if (insn.alu_opcode || insn.use_imm || insn.imm) return { problem: 'GEMM with ALU fields set' };
      } else {
        const op = ALU_OP_NAMES[insn.alu_opcode];
        if (!op || (op === 'mul' && t.keys.HW_VER !== '0.0.2')) return { problem: `ALU opcode ${insn.alu_opcode}` };
        if (!insn.use_imm && insn.imm) return { problem: `ALU in tensor mode with a non-zero imm field (${insn.imm})` };
        if (insn.wgt_factor_out || insn.wgt_factor_in) return { problem: 'ALU with weight factors set' };
        head = `alu ${op}`;
      }
      let uops = ` uop=${insn.uop_bgn}..${insn.uop_end}`;
      // The kernel whose latest load filled exactly this range, still intact: the load
      // that last wrote its first row (a lookup, not a scan of every kernel).
      const rec = residency.ownerOf(insn.uop_bgn);
      if (
        rec?.key !== undefined &&
        residency.latest(rec.key) === rec &&
        rec.sram === insn.uop_bgn &&
        rec.count === insn.uop_end - insn.uop_bgn &&
        !residency.overwrittenBy(rec)
      )
        uops = ` ${rec.key}`;
      const imm = !gemm && insn.use_imm ? ` imm=${insn.imm}` : '';
      return { text: `${head}${uops}${insn.reset_reg ? ' reset' : ''}${loops(insn, gemm)}${imm}` };
    }
    default:
      return { problem: `unknown opcode ${insn.opcode}` };
  }
}
