/**
 * A lowered stream built into a Program directly, without text: the same instructions,
 * token folding, DRAM layout and micro-kernel placement that assembling the printed
 * `.vta` text gives (a test holds the two identical), at a fraction of the cost — the
 * path the lowered checks and the timing model take.
 *
 * The layout is the assembler's: tensors in declaration order from byte 0, each
 * aligned to its element size; then each kernel instance, in the order of its first
 * `load uop`, at the next multiple of 4 bytes. Tensor values are written only when
 * asked (`data`); otherwise their bytes stay zero, which is all a timing run reads.
 *
 * The program takes the stream's instruction objects (and fills their flags and
 * dram_base): print the text from the stream before or after, it does not read them.
 */
import type { Diagnostic } from '../lang/diagnostic';
import type { VtaTarget } from '../isa';
import { encodeUop, Opcode, UOP_BYTES, uopLayoutFor } from '../isa';
import { fieldChecksFor, fieldsFit, misfitMessage } from '../asm/field-fit';
import type { KernelPlacement, Program, ProgramInsn, SourceRange, TensorPlacement } from '../program/program';
import { programInsn } from '../program/program';
import { memInfo, writeRandom } from '../asm/data-layout';
import { TokenFolder } from '../asm/token-folding';
import { kernelExpander, type LoweredStream } from './lowered-stream';

export interface LoweredProgramOptions {
  /** Write the tensors' initial values (random draws): needed to run functionally, not for timing or checks. */
  data: boolean;
  /** The source every instruction points at (e.g. the layer's line in the schedule); none by default. */
  source?: SourceRange;
  /** The file named by diagnostics. */
  file?: string;
  /** Check every field against its width (default true); the lint already checks the ones a layer sets. */
  checkFields?: boolean;
}

export interface LoweredProgram {
  program: Program;
  /** Fields that do not fit their width (the assembler's `vta.range.*` findings). */
  diagnostics: Diagnostic[];
}

const NO_SOURCE: SourceRange = { file: '', start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function loweredProgram(s: LoweredStream, t: VtaTarget, opts: LoweredProgramOptions): LoweredProgram {
  const diagnostics: Diagnostic[] = [];
  const file = opts.file ?? '';
  const report = (message: string, code: string, instruction?: number) =>
    diagnostics.push({ file, range: opts.source ?? NO_SOURCE, severity: 'error', code, message, instruction });

  // Tensors, in declaration order.
  const tensors: TensorPlacement[] = [];
  const tensorBase: number[] = [];
  let cursor = 0;
  for (const d of s.decls)
    for (const i of d.tensors) {
      const x = s.tensors[i]!;
      const info = memInfo(t, x.mem);
      const byteOffset = Math.ceil(cursor / info.elemBytes) * info.elemBytes;
      cursor = byteOffset + x.count * info.elemBytes;
      tensorBase[i] = byteOffset / info.elemBytes;
      tensors.push({
        name: x.name,
        mem: x.mem,
        count: x.count,
        byteOffset,
        elemBytes: info.elemBytes,
        initialised: true,
        source: opts.source,
      });
    }

  // The stream, its pushes and pops folded into flags as the assembler folds them.
  const insns: ProgramInsn[] = [];
  const folder = new TokenFolder(insns);
  const tokenSource = opts.source ?? NO_SOURCE;
  // Byte offset of each kernel instance once placed; -1 until its first load.
  const placed = new Float64Array(s.instances.length).fill(-1);
  const order: number[] = [];
  const uopLoads: ProgramInsn[] = [];
  const uopLoadInstances: number[] = [];
  let label: string | undefined;
  for (const it of s.items) {
    switch (it.kind) {
      case 'push':
        folder.push(it.queue, tokenSource);
        break;
      case 'pop':
        folder.pop(it.queue, tokenSource);
        break;
      case 'label':
        label = it.name;
        break;
      case 'comment':
        break;
      case 'insn': {
        const insn = it.insn;
        // Set afresh, so that building a stream twice gives the same program.
        insn.pop_prev_dep = insn.pop_next_dep = insn.push_prev_dep = insn.push_next_dep = 0;
        if (it.tensor >= 0) insn.dram_base = tensorBase[it.tensor]! + it.offset;
        const inst = it.instance;
        const p = programInsn(insn, it.module, 'written', opts.source, inst >= 0 ? s.instances[inst]!.key : undefined);
        if (label !== undefined) {
          p.label = label;
          label = undefined;
        }
        if (inst >= 0 && insn.opcode === Opcode.LOAD) {
          if (placed[inst] === -1) {
            placed[inst] = 0;
            order.push(inst);
          }
          uopLoads.push(p);
          uopLoadInstances.push(inst);
        }
        folder.add(p);
        break;
      }
    }
  }
  folder.finish();
  if (opts.checkFields !== false) {
    const checks = fieldChecksFor(t);
    for (let i = 0; i < insns.length; i++)
      fieldsFit(insns[i]!.insn, checks, (f, v) => report(misfitMessage(f, v, t), 'vta.range.field', i));
  }

  // Kernel instances after the data, in order of first load.
  const uopLayout = uopLayoutFor(t);
  const fits = (v: number, width: number) => v >= 0 && v < 2 ** width;
  const encoded: Array<[number, ReturnType<ReturnType<typeof kernelExpander>>]> = [];
  const kernels: KernelPlacement[] = [];
  const expanders = s.kernels.map(kernelExpander);
  for (const i of order) {
    const inst = s.instances[i]!;
    const uops = expanders[inst.kernel]!(inst.args);
    const bad = uops.find(
      (u) =>
        !fits(u.dst, uopLayout.dst.width) || !fits(u.src, uopLayout.src.width) || !fits(u.wgt, uopLayout.wgt.width),
    );
    if (bad)
      report(
        `kernel ${inst.key}: micro-op dst=${bad.dst} src=${bad.src} wgt=${bad.wgt} does not fit the micro-op fields (${uopLayout.dst.width}, ${uopLayout.src.width}, ${uopLayout.wgt.width} bits)`,
        'vta.range.uop',
      );
    placed[i] = Math.ceil(cursor / UOP_BYTES) * UOP_BYTES;
    cursor = placed[i]! + uops.length * UOP_BYTES;
    if (!bad) encoded.push([placed[i]!, uops]);
    kernels.push({ name: inst.key, uops: uops.length, byteOffset: placed[i]!, source: opts.source });
  }
  for (let k = 0; k < uopLoads.length; k++) uopLoads[k]!.insn.dram_base = placed[uopLoadInstances[k]!]! / UOP_BYTES;

  const dram = new Uint8Array(cursor);
  for (const [at, uops] of encoded)
    for (let i = 0; i < uops.length; i++) encodeUop(t, uops[i]!, dram, at + i * UOP_BYTES);
  if (opts.data) {
    s.decls.forEach((d) =>
      d.tensors.forEach((i) => {
        const x = s.tensors[i]!;
        if (x.init === undefined || x.init === 'zeros') return;
        const info = memInfo(t, x.mem);
        writeRandom(dram, tensorBase[i]! * info.elemBytes, x.count * info.elemBytes, info.laneBits, x.init.seed);
      }),
    );
  }
  return { program: { target: t, insns, dram, layout: { tensors, kernels, bytes: cursor } }, diagnostics };
}
