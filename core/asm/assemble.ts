/**
 * The assembler: `.vta` text → Program (instructions with their source ranges, the
 * DRAM image, the layout). Expansion of `for`/`if`, kernel instances and token
 * folding all happen in one walk over the statements, in text order.
 */
import { MAX_EXPANDED_INSTRUCTIONS, MAX_INSTRUCTIONS } from './limits';
import { checkpoint, rethrowCancelled } from '../lang/cancellation';
import { ZERO_RANGE, type Diagnostic } from '../lang/diagnostic';
import type { AluOpName, FieldName, InsnKind, Insn, VtaTarget } from '../isa';
import {
  aluOpsFor,
  defaultTarget,
  emptyInsn,
  encodeUop,
  fieldIndex,
  layoutsFor,
  setFieldAt,
  UOP_BYTES,
  MemType,
  moduleOf,
  Opcode,
  QUEUES,
} from '../isa';
import type { QueueId } from '../isa';
import type { Expr, InsnStmt, Range, SourceFile, Stmt, Word } from '../lang/ast';
import { InsnLineNode, LineItem } from '../lang/fast/item-nodes';
import { CallWord, SimpleOperandNode } from '../lang/fast/nodes';
import { TOO_LARGE } from '../lang/numbers';
import { parseVta } from '../lang/parser';
import { exprText } from '../lang/expr-text';
import type {
  KernelPlacement,
  LoopFrame,
  Program,
  ProgramInsn,
  SourceRange,
  TensorPlacement,
} from '../program/program';
import { programInsn } from '../program/program';
import { AsmContext, LocalScope, type GlobalKernel } from './context';
import { ImageBuilder, layoutData } from './data-layout';
import { collectDeclarations, type Declarations } from './declarations';
import { evaluate, type ReportFn, type Scope } from './evaluate';
import type { AsmHost } from './host';
import { NO_FILES } from './host';
import { readTargetSpec } from './target-spec';
import { checkRawDistance, expandKernel, instanceKey, type KernelInstance, UopResidency } from './kernels';
import type { InsnForm, OperandSpec } from './operands';
import { OPERANDS } from './operands';
import { SourceSpan } from './source-span';
import { TokenFolder } from './token-folding';
import { type FieldCheck, fieldChecks, fieldsFit, misfitMessage } from './field-fit';

export interface AssembleOptions {
  /** Path or URI of the text, used in diagnostics and to resolve relative paths. */
  file: string;
  host?: AsmHost;
  /** Overrides the program's `target` (the CLI's `--target`). */
  target?: VtaTarget;
  /** The target when neither the file nor its includes name one (an editor's setting); default `default`. */
  fallbackTarget?: VtaTarget;
  /**
   * How many instructions loops may expand to before expansion stops with an error
   * (MAX_EXPANDED_INSTRUCTIONS unless given; never more than MAX_INSTRUCTIONS).
   */
  maxInstructions?: number;
  /**
   * How many loop iterations may be walked in all (MAX_LOOP_ITERATIONS unless given, never
   * more): an editor's request assembles with a small one, since iterations that emit
   * only errors are not bounded by maxInstructions.
   */
  maxLoopIterations?: number;
  /**
   * Trees of included files parsed already, by resolved path (the language server's
   * symbol index of the same version); the assembler parses only the others and adds
   * them (`declarations.includedAsts` is this map).
   */
  includedAsts?: Map<string, SourceFile>;
}

export interface AssembleResult {
  /** Present unless the program could not be built at all (e.g. an unknown target). */
  program?: Program;
  diagnostics: Diagnostic[];
  ast: SourceFile;
  kernels: KernelInstance[];
  declarations?: Declarations;
}

/** Bounds loop work so that `for i in 0..10^15 {}` is an error, not a hang. */
const MAX_LOOP_ITERATIONS = 1 << 24;
/** A loop's bounds go in guards (`v >= FROM + d`, `v + d < TO`): operators looser than these get parentheses. */
const SUM_OPERAND = 8;
const COMPARISON_OPERAND = 7;

// A Map, not an object: `load constructor` must be an unknown memory, not a match on Object.prototype.
const LOAD_MEMS = new Map<string, number>([
  ['inp', MemType.INP],
  ['wgt', MemType.WGT],
  ['acc', MemType.ACC],
  ['acc8', MemType.ACC_8BIT],
  ['uop', MemType.UOP],
]);

/** Statement lists that hold no instruction, push, pop or label at any depth (cached: a list is asked once per walk of its loop). */
const silentBodies = new WeakMap<Stmt[], boolean>();
function emitsNothing(stmts: Stmt[]): boolean {
  let r = silentBodies.get(stmts);
  if (r !== undefined) return r;
  r = stmts.every((s) =>
    s.kind === 'for'
      ? emitsNothing(s.body)
      : s.kind === 'if'
        ? emitsNothing(s.then) && (!s.else || emitsNothing(s.else))
        : s.kind !== 'insn' && s.kind !== 'push' && s.kind !== 'pop' && s.kind !== 'label',
  );
  silentBodies.set(stmts, r);
  return r;
}

/** A one-token value of an instruction line: a number, or a name's value in `scope`; undefined when it has none (or is past 2^53). */
function lineValue(raw: number | string, scope: Scope): number | undefined {
  if (typeof raw === 'number') return raw === TOO_LARGE ? undefined : raw;
  return scope.lookup(raw);
}

/** An instruction form's operands, indexed once so that each operand is one map lookup. */
interface FormOperands {
  specs: OperandSpec[];
  /** Operand key → index in `specs` (bit `1 << index` in a mask of given operands). */
  index: Map<string, number>;
  /** For each spec, its fields' numbers (fieldIndex). */
  fields: number[][];
}

const FORM_OPERANDS = Object.fromEntries(
  Object.entries(OPERANDS).map(([form, specs]) => {
    const index = new Map<string, number>();
    specs.forEach((sp, i) => {
      if (!index.has(sp.key)) index.set(sp.key, i);
    });
    return [form, { specs, index, fields: specs.map((sp) => sp.fields.map(fieldIndex)) }];
  }),
) as Record<InsnForm, FormOperands>;

/** Whether the mask of given operands holds `key`. */
function hasOperand(form: FormOperands, given: number, key: string): boolean {
  const i = form.index.get(key);
  return i !== undefined && (given & (1 << i)) !== 0;
}

const NO_ARGS: readonly Expr[] = [];

/** Kernel instances by kernel and argument values, found without building their `name(a, b)` keys. */
class InstanceTable {
  /** In order of creation. */
  readonly all: KernelInstance[] = [];
  private readonly roots = new Map<GlobalKernel, InstanceNode>();

  get(kernel: GlobalKernel, args: readonly number[]): KernelInstance | undefined {
    let node = this.roots.get(kernel);
    for (let i = 0; node && i < args.length; i++) node = node.next?.get(args[i]!);
    return node?.inst;
  }

  add(kernel: GlobalKernel, args: readonly number[], inst: KernelInstance): void {
    let node = this.roots.get(kernel);
    if (!node) this.roots.set(kernel, (node = {}));
    for (const a of args) {
      const next: Map<number, InstanceNode> = (node.next ??= new Map());
      let child = next.get(a);
      if (!child) next.set(a, (child = {}));
      node = child;
    }
    node.inst = inst;
    this.all.push(inst);
  }
}

interface InstanceNode {
  inst?: KernelInstance;
  next?: Map<number, InstanceNode>;
}

export function assembleText(text: string, opts: AssembleOptions): AssembleResult {
  const ast = parseVta(text);
  return assembleAst(ast, opts);
}

export function assembleAst(ast: SourceFile, opts: AssembleOptions): AssembleResult {
  const host = opts.host ?? NO_FILES;
  const file = opts.file;
  const ctx = new AsmContext(file, host, opts.target ?? opts.fallbackTarget ?? defaultTarget());
  for (const e of ast.errors) ctx.report(file, e.range, 'error', 'vta.syntax.error', e.message);
  try {
    return new Assembler(ctx, ast, opts).run();
  } catch (e) {
    rethrowCancelled(e);
    // Pathological input (e.g. nesting deep enough to exhaust the stack) must not crash a server.
    ctx.report(file, ZERO_RANGE, 'error', 'vta.internal', `the assembler stopped: ${(e as Error).message}`);
    return { diagnostics: ctx.diagnostics, ast, kernels: [] };
  }
}

class Assembler {
  private readonly out: ProgramInsn[] = [];
  private readonly folder = new TokenFolder(this.out);
  private readonly instances = new InstanceTable();
  private residency!: UopResidency;
  /** Set once the target is known. */
  private fieldChecks!: Record<InsnKind, FieldCheck[]>;
  private aluOps!: readonly AluOpName[];
  /** Reports errors in the main file (one function for every expression evaluated there). */
  private readonly report: ReportFn;
  private pendingLabel?: string;
  /** The `for` iterations being expanded, outermost first. */
  private loops?: LoopFrame[];
  private loopIterations = 0;
  private tooLong = false;
  /** LOAD UOP instructions whose dram_base waits for the kernel's placement, and their kernels. */
  private readonly uopLoads: ProgramInsn[] = [];
  private readonly uopLoadKernels: KernelInstance[] = [];
  /** Scratch for a kernel use's argument values. */
  private readonly argValues: number[] = [];
  /** The items of the instruction line being read (reused from line to line). */
  private readonly lineItems: LineItem[] = [];

  constructor(
    private readonly ctx: AsmContext,
    private readonly ast: SourceFile,
    private readonly opts: AssembleOptions,
  ) {
    this.report = ctx.reporter(ctx.mainFile);
  }

  run(): AssembleResult {
    const { ctx, ast } = this;
    const decls = collectDeclarations(ctx, ctx.mainFile, ast, this.opts.includedAsts);
    if (!this.resolveTarget(decls)) return { diagnostics: ctx.diagnostics, ast, kernels: [], declarations: decls };
    this.residency = new UopResidency(ctx.target.uop.depth);
    this.fieldChecks = fieldChecks(layoutsFor(ctx.target));
    this.aluOps = aluOpsFor(ctx.target);

    let imageBytes: Uint8Array | undefined;
    if (decls.image) {
      const path = ctx.host.resolve(decls.image.file, decls.image.stmt.path);
      imageBytes = ctx.host.readBinary(path);
      if (!imageBytes)
        ctx.report(
          decls.image.file,
          decls.image.stmt.pathRange,
          'error',
          'vta.name.file',
          `cannot read the image '${decls.image.stmt.path}' (resolved to ${path})`,
        );
    }
    const image = new ImageBuilder(imageBytes);
    let tensors: Program['layout']['tensors'] = [];
    let laidOut = false;
    const doLayout = () => {
      if (laidOut) return;
      laidOut = true;
      tensors = layoutData(ctx, decls.datas, image, imageBytes?.length ?? 0);
    };
    ctx.layoutDataOnDemand = doLayout;
    doLayout();
    // Evaluate every constant, used or not, so that its errors show.
    for (const [name, g] of ctx.globals) if (g.kind === 'const') ctx.globalValue(name);

    this.walk(ast.statements, ctx.globalScope);
    this.loops = ctx.loops = undefined;
    this.folder.finish();
    for (const n of this.folder.notices)
      ctx.reportTimes(n.source.file, n.source, 'info', 'vta.tokens.nop', n.message, n.times);

    const kernels = this.placeKernels(image, tensors, imageBytes);
    const program: Program = {
      target: ctx.target,
      insns: this.out,
      dram: image.result(),
      layout: { tensors, kernels, bytes: image.length },
    };
    return { program, diagnostics: ctx.diagnostics, ast, kernels: [...this.instances.all], declarations: decls };
  }

  private resolveTarget(decls: Declarations): boolean {
    const { ctx } = this;
    if (this.opts.target) return true;
    const t = decls.target;
    if (!t) return true;
    const r = readTargetSpec(
      t.stmt.name !== undefined ? { name: t.stmt.name } : { path: t.stmt.path! },
      ctx.host,
      t.file,
    );
    if ('target' in r) {
      ctx.target = r.target;
      return true;
    }
    const code =
      r.problem === 'name' ? 'vta.name.target' : r.problem === 'file' ? 'vta.name.file' : 'vta.target.config';
    ctx.report(t.file, t.stmt.valueRange, 'error', code, r.message);
    return false;
  }

  private src(range: Range): SourceRange {
    return new SourceSpan(this.ctx.mainFile, range);
  }

  private walk(stmts: Stmt[], scope: Scope): void {
    const { ctx, report } = this;
    for (let k = 0; k < stmts.length; k++) {
      const s = stmts[k]!;
      if (this.tooLong) return;
      checkpoint();
      switch (s.kind) {
        case 'insn':
          this.instruction(s, scope);
          break;
        case 'push':
        case 'pop': {
          const q = queueNamed(s.queue);
          if (!q) {
            ctx.report(
              ctx.mainFile,
              s.queueRange,
              'error',
              'vta.name.queue',
              `unknown queue '${s.queue}': expected ld->ex, ex->ld, ex->st or st->ex`,
            );
            break;
          }
          if (s.kind === 'push') this.folder.push(q, this.src(s.range));
          else this.folder.pop(q, this.src(s.range));
          // A push or pop that no neighbour carries becomes a NOP: it counts against the limit too.
          if (this.out.length > this.maxInstructions)
            this.tooManyInstructions(this.loops?.[0]?.header ?? this.src(s.range));
          break;
        }
        case 'label':
          this.pendingLabel = s.name.name;
          break;
        case 'for': {
          const from = evaluate(s.from, scope, report);
          const to = evaluate(s.to, scope, report);
          if (from === undefined || to === undefined) break;
          if (scope.isDefined(s.variable.name)) {
            ctx.report(
              ctx.mainFile,
              s.variable.range,
              'error',
              'vta.name.duplicate',
              `loop variable '${s.variable.name}' hides a name already defined`,
            );
          }
          // A loop that must go past a limit is reported at once, not walked up to it:
          // its iterations, and the instructions written directly in its body, are known.
          const direct = s.body.reduce((n, b) => n + (b.kind === 'insn' ? 1 : 0), 0);
          if (to - from > this.maxLoopIterations - this.loopIterations) {
            ctx.report(
              ctx.mainFile,
              s.headerRange,
              'error',
              'vta.bounds.stream',
              `loops run more than ${this.maxLoopIterations} iterations in all; expansion stopped`,
            );
            this.tooLong = true;
            return;
          }
          if (direct > 0 && (to - from) * direct > this.maxInstructions - this.out.length) {
            this.tooManyInstructions(this.src(s.headerRange));
            return;
          }
          const inner = new LocalScope(scope);
          // A body that can emit nothing is walked once, for its diagnostics: its other
          // iterations would only repeat them (nested empty loops multiply to 2^24 walks).
          const last = emitsNothing(s.body) ? Math.min(to, from + 1) : to;
          const outerLoops = this.loops;
          const header = this.src(s.headerRange);
          // The bounds as written (`CO`, `N * 2`), for fixes that guard on them.
          const fromText = exprText(s.from, SUM_OPERAND);
          const toText = exprText(s.to, COMPARISON_OPERAND);
          for (let i = from; i < last; i++) {
            this.loops = ctx.loops = [
              ...(outerLoops ?? []),
              { variable: s.variable.name, value: i, from, to, header, fromText, toText },
            ];
            if (++this.loopIterations > this.maxLoopIterations) {
              ctx.report(
                ctx.mainFile,
                s.headerRange,
                'error',
                'vta.bounds.stream',
                `loops run more than ${this.maxLoopIterations} iterations in all; expansion stopped`,
              );
              this.tooLong = true;
              return;
            }
            inner.set(s.variable.name, i);
            this.walk(s.body, inner);
            if (this.tooLong) return;
          }
          this.loops = ctx.loops = outerLoops;
          break;
        }
        case 'if': {
          const c = evaluate(s.cond, scope, report);
          if (c === undefined) break;
          if (c !== 0) this.walk(s.then, scope);
          else if (s.else) this.walk(s.else, scope);
          break;
        }
        default:
          break; // declarations were handled by collectDeclarations
      }
    }
  }

  private get maxLoopIterations(): number {
    return Math.min(this.opts.maxLoopIterations ?? MAX_LOOP_ITERATIONS, MAX_LOOP_ITERATIONS);
  }

  /** How many instructions the program may expand to. */
  private get maxInstructions(): number {
    return Math.min(this.opts.maxInstructions ?? MAX_EXPANDED_INSTRUCTIONS, MAX_INSTRUCTIONS);
  }

  /** Stops the expansion, reporting the limit at `at` (the outermost loop that went past it). */
  private tooManyInstructions(at: SourceRange): void {
    const max = this.maxInstructions;
    this.ctx.report(
      this.ctx.mainFile,
      at,
      'error',
      'vta.bounds.stream',
      max === MAX_INSTRUCTIONS
        ? `the stream has more than ${MAX_INSTRUCTIONS} instructions, the most VTA's runtime sends in one run (VTA_MAX_XFER); expansion stopped`
        : `the program expands to more than ${max} instructions; expansion stopped (the editor's vta.diagnostics.maxInstructions setting and the --max-instructions of vta asm and vta check allow up to ${MAX_INSTRUCTIONS})`,
    );
    this.tooLong = true;
  }

  private emit(p: ProgramInsn): number {
    if (this.loops) p.loops = this.loops;
    if (this.pendingLabel) {
      p.label = this.pendingLabel;
      this.pendingLabel = undefined;
    }
    const index = this.folder.add(p);
    if (this.out.length > this.maxInstructions) this.tooManyInstructions(p.loops?.[0]?.header ?? p.source!);
    return index;
  }

  private instruction(s: InsnStmt, scope: Scope): void {
    const { ctx } = this;
    const file = ctx.mainFile;
    const t = ctx.target;
    // An instruction line is read once: its words become nodes, its operands are read
    // from the items (lineOperands).
    const line = s instanceof InsnLineNode ? s : undefined;
    const items = this.lineItems;
    const itemCount = line ? line.readItems(items) : 0;
    const words = line ? line.nodes(items, itemCount, true) : s.words;
    const w = words[0];
    let insn: Insn;
    let form: InsnForm;
    let kernelWord: Word | undefined;
    let reset = false;
    switch (s.mnemonic) {
      case 'load': {
        const mem = w ? LOAD_MEMS.get(w.name) : undefined;
        if (!w || mem === undefined || w.args) {
          ctx.report(
            file,
            w?.range ?? s.mnemonicRange,
            'error',
            'vta.name.mem',
            `${w ? `unknown memory type '${w.name}'` : 'missing memory type'}: expected load inp, wgt, acc, acc8 or uop`,
          );
          return;
        }
        if (mem === MemType.ACC_8BIT && t.keys.HW_VER !== '0.0.2') {
          ctx.report(
            file,
            w.range,
            'error',
            'vta.name.mem',
            `acc8 (ACC_8BIT) does not exist in HW_VER ${t.keys.HW_VER}`,
          );
          return;
        }
        insn = emptyInsn(Opcode.LOAD);
        insn.memory_type = mem;
        let rest = 1;
        if (mem === MemType.UOP && words.length > 1 && !words[1]!.name.startsWith('reset')) {
          kernelWord = words[1];
          rest = 2;
          form = 'load-uop-kernel';
        } else form = 'load';
        this.unexpectedWords(words, rest, 'load');
        if (mem === MemType.ACC_8BIT && !t.board.hasMulAndAcc8) {
          ctx.report(
            file,
            w.range,
            'warning',
            'vta.fidelity.acc8',
            `LOAD ACC_8BIT runs in fsim but the ${t.board.implementation} hardware of target '${t.name}' does not implement it`,
          );
        }
        break;
      }
      case 'store': {
        if (!w || w.name !== 'out' || w.args) {
          ctx.report(
            file,
            w?.range ?? s.mnemonicRange,
            'error',
            'vta.name.mem',
            `${w ? `'store ${w.name}'` : 'missing memory type'}: VTA stores only from the output buffer, write 'store out'`,
          );
          return;
        }
        this.unexpectedWords(words, 1, 'store');
        insn = emptyInsn(Opcode.STORE);
        insn.memory_type = MemType.OUT;
        form = 'store';
        break;
      }
      case 'gemm':
        insn = emptyInsn(Opcode.GEMM);
        form = 'gemm';
        ({ kernelWord, reset } = this.kernelWords(s, words, 0));
        break;
      case 'alu': {
        const ops = this.aluOps;
        const idx = w ? (ops as readonly string[]).indexOf(w.name) : -1;
        if (!w || idx < 0 || w.args) {
          const known =
            w && w.name === 'mul' ? ` (mul needs HW_VER 0.0.2; target '${t.name}' is ${t.keys.HW_VER})` : '';
          ctx.report(
            file,
            w?.range ?? s.mnemonicRange,
            'error',
            'vta.name.aluop',
            `${w ? `unknown ALU operation '${w.name}'` : 'missing ALU operation'}${known}: expected ${ops.join(', ')}`,
          );
          return;
        }
        insn = emptyInsn(Opcode.ALU);
        insn.alu_opcode = idx;
        form = 'alu';
        ({ kernelWord, reset } = this.kernelWords(s, words, 1));
        if (w.name === 'mul' && !t.board.hasMulAndAcc8) {
          ctx.report(
            file,
            w.range,
            'warning',
            'vta.fidelity.mul',
            `ALU mul runs in fsim but the ${t.board.implementation} hardware of target '${t.name}' does not implement it`,
          );
        }
        break;
      }
      case 'nop': {
        if (!w || (w.name !== 'ld' && w.name !== 'ex' && w.name !== 'st') || w.args) {
          ctx.report(
            file,
            w?.range ?? s.mnemonicRange,
            'error',
            'vta.name.module',
            `${w ? `unknown module '${w.name}'` : 'missing module'}: expected nop ld, nop ex or nop st`,
          );
          return;
        }
        this.unexpectedWords(words, 1, 'nop');
        for (const o of s.operands) ctx.report(file, o.range, 'error', 'vta.name.operand', 'nop takes no operands');
        insn = w.name === 'st' ? emptyInsn(Opcode.STORE) : emptyInsn(Opcode.LOAD);
        if (w.name === 'ld') insn.memory_type = MemType.INP;
        else if (w.name === 'ex') insn.memory_type = MemType.UOP;
        this.emit(programInsn(insn, moduleOf(insn), 'written', this.src(s.range)));
        return;
      }
      case 'finish':
        this.unexpectedWords(words, 0, 'finish');
        for (const o of s.operands) ctx.report(file, o.range, 'error', 'vta.name.operand', 'finish takes no operands');
        insn = emptyInsn(Opcode.FINISH);
        this.emit(programInsn(insn, 'ex', 'written', this.src(s.range)));
        return;
    }

    const operands = FORM_OPERANDS[form];
    let given = line ? this.lineOperands(items, itemCount, operands, insn, scope) : -1;
    if (given < 0) given = this.operands(s, operands, insn, scope);
    if (given < 0) return;
    let kernel: KernelInstance | undefined;

    if (form === 'load' || form === 'store') {
      if (!hasOperand(operands, given, 'y')) insn.y_size = 1;
      if (!hasOperand(operands, given, 'stride')) insn.x_stride = insn.x_size;
      if (form === 'store' && hasOperand(operands, given, 'pad')) {
        ctx.report(
          file,
          s.operands.find((o) => o.key.name === 'pad')!.range,
          'error',
          'vta.range.store-pad',
          'STORE has no padding: fsim aborts on a non-zero pad and the hardware ignores it',
        );
      }
      if (form === 'load' && insn.memory_type === MemType.UOP) this.rawUopLoad(insn, s);
    } else if (form === 'load-uop-kernel') {
      kernel = this.kernelLoad(insn, kernelWord!, hasOperand(operands, given, 'sram'), scope, s);
      if (!kernel) return;
    } else if (form === 'gemm' || form === 'alu') {
      if (!hasOperand(operands, given, 'outer')) insn.iter_out = 1;
      if (!hasOperand(operands, given, 'inner')) insn.iter_in = 1;
      if (form === 'alu' && hasOperand(operands, given, 'imm')) insn.use_imm = 1;
      insn.reset_reg = reset ? 1 : 0;
      const rawUops = hasOperand(operands, given, 'uop');
      if (kernelWord && rawUops) {
        ctx.report(file, kernelWord.range, 'error', 'vta.name.operand', `give either a kernel or uop=B..E, not both`);
        return;
      }
      if (kernelWord) {
        kernel = this.kernelUse(insn, kernelWord, scope);
        if (!kernel) return;
      } else if (!rawUops) {
        ctx.report(file, s.mnemonicRange, 'error', 'vta.name.missing', `${s.mnemonic} needs a kernel name or uop=B..E`);
        return;
      }
      if (insn.iter_out === 0 || insn.iter_in === 0) {
        ctx.report(
          file,
          s.range,
          'warning',
          'vta.fidelity.zero-iterations',
          'a loop count of 0 runs nothing in fsim but wraps around in the Chisel hardware',
        );
      }
    }
    const p = programInsn(insn, moduleOf(insn), 'written', this.src(s.range), kernel?.key);
    if (form === 'load-uop-kernel') {
      // Placed in the image even when the load itself fails the width check below.
      this.uopLoads.push(p);
      this.uopLoadKernels.push(kernel!);
    }
    if (!this.fits(insn, s)) return;
    this.emit(p);
  }

  /** The words of a GEMM/ALU from `words[from]` on: `reset` and at most one kernel name. */
  private kernelWords(s: InsnStmt, words: Word[], from: number): { kernelWord?: Word; reset: boolean } {
    let kernelWord: Word | undefined;
    let reset = false;
    for (let i = from; i < words.length; i++) {
      const w = words[i]!;
      if (w.name === 'reset' && !w.args) reset = true;
      else if (!kernelWord) kernelWord = w;
      else this.unexpectedWord(w, s.mnemonic);
    }
    return { kernelWord, reset };
  }

  /** Reports `words[from..]` as out of place in `what`. */
  private unexpectedWords(words: Word[], from: number, what: string): void {
    for (let i = from; i < words.length; i++) this.unexpectedWord(words[i]!, what);
  }

  private unexpectedWord(w: Word, what: string): void {
    this.ctx.report(this.ctx.mainFile, w.range, 'error', 'vta.syntax.word', `unexpected '${w.name}' in ${what}`);
  }

  /**
   * Evaluates operands into fields; returns the operands given as a mask (bit i:
   * `form.specs[i]`), or -1 on a fatal error.
   */
  private operands(s: InsnStmt, form: FormOperands, insn: Insn, scope: Scope): number {
    const { ctx, report } = this;
    const file = ctx.mainFile;
    const specs = form.specs;
    let given = 0;
    let ok = true;
    const ops = s.operands;
    for (let j = 0; j < ops.length; j++) {
      const o = ops[j]!;
      // Most operands are `key=NUMBER`: read those without building their nodes.
      const simple = o instanceof SimpleOperandNode ? o : undefined;
      const index = form.index.get(simple ? simple.keyName : o.key.name);
      if (index === undefined) {
        const keys = specs.map((sp) => sp.key);
        ctx.report(
          file,
          o.key.range,
          'error',
          'vta.name.operand',
          `'${o.key.name}' is not an operand of ${describeForm(s)}${keys.length ? `: expected ${keys.join(', ')}` : ''}`,
        );
        ok = false;
        continue;
      }
      const spec = specs[index]!;
      if (given & (1 << index)) {
        ctx.report(file, o.key.range, 'error', 'vta.name.duplicate', `operand '${spec.key}' is given twice`);
        ok = false;
        continue;
      }
      given |= 1 << index;
      if (spec.key === 'uop') {
        if (!o.isRange) {
          ctx.report(file, o.range, 'error', 'vta.syntax.operand', 'uop takes a range: uop=B..E');
          ok = false;
          continue;
        }
      } else if (o.isRange) {
        ctx.report(file, o.range, 'error', 'vta.syntax.operand', `'${spec.key}' takes a single value, not a range`);
        ok = false;
        continue;
      }
      const fields = form.fields[index]!;
      if (simple && fields.length === 1 && typeof simple.value === 'number' && !simple.tooLarge) {
        setFieldAt(insn, fields[0]!, simple.value);
        continue;
      }
      const values = o.values;
      // `pad=P` pads all four sides and `pad=V,H` the vertical and horizontal ones
      // (each value is evaluated once per field it sets, as when written out).
      const shorthand = spec.key === 'pad' && (values.length === 1 || values.length === 2);
      if ((shorthand ? 4 : values.length) !== fields.length) {
        ctx.report(
          file,
          o.range,
          'error',
          'vta.syntax.operand',
          `'${spec.key}' takes ${spec.shape ?? 'one value'}${spec.key === 'pad' ? ' (or one value for all sides, or two: vertical,horizontal)' : ''}`,
        );
        ok = false;
        continue;
      }
      for (let k = 0; k < fields.length; k++) {
        const e = values[shorthand ? (values.length === 1 ? 0 : k >> 1) : k]!;
        const v = e.kind === 'num' && !e.tooLarge ? e.value : evaluate(e, scope, report);
        if (v === undefined) ok = false;
        else setFieldAt(insn, fields[k]!, v);
      }
    }
    for (let i = 0; i < specs.length; i++) {
      if (specs[i]!.required && !(given & (1 << i))) {
        ctx.report(file, s.mnemonicRange, 'error', 'vta.name.missing', `${describeForm(s)} needs '${specs[i]!.key}='`);
        ok = false;
      }
    }
    return ok ? given : -1;
  }

  /**
   * The operands of an instruction line read from its text, without building their
   * nodes: each one `key=NUMBER`, `key=NAME` or `key=A + B` / `key=A - B` setting one
   * field. Returns the mask of operands given, or -1 as soon as an operand is anything
   * else or anything is wrong; `operands` then reads the nodes and reports what is.
   */
  private lineOperands(items: LineItem[], count: number, form: FormOperands, insn: Insn, scope: Scope): number {
    let given = 0;
    for (let k = 0; k < count; k++) {
      const item = items[k]!;
      if (item.kind === LineItem.WORD || item.kind === LineItem.CALL) continue;
      const index = form.index.get(item.name);
      if (index === undefined || given & (1 << index)) return -1;
      const fields = form.fields[index]!;
      if (fields.length !== 1 || form.specs[index]!.key === 'uop') return -1;
      const a = lineValue(item.value, scope);
      if (a === undefined) return -1;
      let v = a;
      if (item.kind === LineItem.BINARY) {
        const b = lineValue(item.right, scope);
        if (b === undefined || (item.op !== '+' && item.op !== '-')) return -1;
        v = item.op === '+' ? a + b : a - b;
        if (!Number.isSafeInteger(v)) return -1;
      }
      given |= 1 << index;
      setFieldAt(insn, fields[0]!, v);
    }
    const specs = form.specs;
    for (let k = 0; k < specs.length; k++) if (specs[k]!.required && !(given & (1 << k))) return -1;
    return given;
  }

  /** Every field within its encodable width for the target. */
  private fits(insn: Insn, s: InsnStmt): boolean {
    return fieldsFit(insn, this.fieldChecks, (f, v) => {
      const range = operandRangeOf(s, f.name) ?? s.range;
      this.ctx.report(this.ctx.mainFile, range, 'error', 'vta.range.field', misfitMessage(f, v, this.ctx.target));
    });
  }

  private rawUopLoad(insn: Insn, s: InsnStmt): void {
    // A raw `load uop` overwrites kernel rows just like a named one.
    const rows = (insn.y_pad_0 + insn.y_size + insn.y_pad_1) * (insn.x_pad_0 + insn.x_size + insn.x_pad_1);
    this.residency.load(undefined, insn.sram_base, rows, this.ctx.mainFile, s.range);
  }

  /** The instance `w` names with its arguments, expanded on first use. */
  private kernelInstance(w: Word, scope: Scope): KernelInstance | undefined {
    const { ctx } = this;
    const file = ctx.mainFile;
    const g = ctx.globals.get(w.name);
    if (!g || g.kind !== 'kernel') {
      ctx.report(
        file,
        w.range,
        'error',
        g ? 'vta.name.kind' : 'vta.name.unknown',
        g ? `'${w.name}' is a ${g.kind}, not a kernel` : `unknown kernel '${w.name}'`,
      );
      return undefined;
    }
    const params = g.stmt.params;
    // Most uses find an existing instance: the values go to a reused array, copied only for a new one.
    const values = this.argValues;
    // A call written with one-token arguments gives their values without building nodes;
    // otherwise (or when a value is missing) the argument expressions are evaluated.
    if (w instanceof CallWord && w.argumentValues(values, scope)) {
      if (values.length !== params.length) return void this.arityError(w, g, values.length);
    } else {
      const argExprs = w.args ?? NO_ARGS;
      if (argExprs.length !== params.length) return void this.arityError(w, g, argExprs.length);
      values.length = argExprs.length;
      for (let i = 0; i < argExprs.length; i++) {
        const e = argExprs[i]!;
        const v = e.kind === 'num' && !e.tooLarge ? e.value : evaluate(e, scope, this.report);
        if (v === undefined) return undefined;
        values[i] = v;
      }
    }
    const found = this.instances.get(g, values);
    if (found) return found;
    const args = values.slice();
    const uops = expandKernel(ctx, g, args);
    if (!uops) return undefined;
    const inst: KernelInstance = { key: instanceKey(w.name, args), kernel: g, uops };
    checkRawDistance(ctx, inst);
    this.instances.add(g, args, inst);
    return inst;
  }

  private arityError(w: Word, g: GlobalKernel, got: number): void {
    const n = g.stmt.params.length;
    this.ctx.report(
      this.ctx.mainFile,
      w.argsRange ?? w.range,
      'error',
      'vta.name.arity',
      `kernel '${w.name}' takes ${n} argument${n === 1 ? '' : 's'}, got ${got}`,
      [{ file: g.file, range: g.stmt.headerRange, message: `'${w.name}' is declared here` }],
    );
  }

  /** Sets a LOAD UOP's rows for the kernel `w` names; returns the instance, or undefined after an error. */
  private kernelLoad(
    insn: Insn,
    w: Word,
    explicitSram: boolean,
    scope: Scope,
    s: InsnStmt,
  ): KernelInstance | undefined {
    const { ctx } = this;
    const file = ctx.mainFile;
    const inst = this.kernelInstance(w, scope);
    if (!inst) return undefined;
    const n = inst.uops.length;
    const depth = ctx.target.uop.depth;
    if (n === 0) {
      ctx.report(
        file,
        w.range,
        'error',
        'vta.kernel.empty',
        `kernel ${inst.key} has no micro-ops (a LOAD UOP of size 0 would be a NOP)`,
      );
      return undefined;
    }
    if (!explicitSram) insn.sram_base = this.residency.next;
    if (insn.sram_base + n > depth) {
      ctx.report(
        file,
        s.range,
        'error',
        'vta.bounds.uop',
        `kernel ${inst.key} needs UOP rows ${insn.sram_base}..${insn.sram_base + n - 1} but the UOP buffer has ${depth} rows${explicitSram ? '' : ' (the default place is right after the previous kernel; give sram= to reuse rows)'}`,
      );
      return undefined;
    }
    insn.y_size = 1;
    insn.x_size = n;
    insn.x_stride = n;
    this.residency.load(inst.key, insn.sram_base, n, file, s.range);
    return inst;
  }

  /** Sets a GEMM/ALU's micro-op range to where kernel `w` was loaded; returns the instance, or undefined after an error. */
  private kernelUse(insn: Insn, w: Word, scope: Scope): KernelInstance | undefined {
    const { ctx } = this;
    const file = ctx.mainFile;
    const inst = this.kernelInstance(w, scope);
    if (!inst) return undefined;
    const rec = this.residency.latest(inst.key);
    if (!rec) {
      ctx.report(
        file,
        w.range,
        'error',
        'vta.kernel.not-loaded',
        `kernel ${inst.key} is used before any 'load uop ${inst.key}'`,
      );
      return undefined;
    }
    const by = this.residency.overwrittenBy(rec);
    if (by) {
      ctx.report(
        file,
        w.range,
        'error',
        'vta.kernel.overwritten',
        `kernel ${inst.key} was loaded at UOP rows ${rec.sram}..${rec.sram + rec.count - 1}, but a later load overwrote some of them`,
        [
          { file: rec.file, range: rec.range, message: `${inst.key} loaded here` },
          {
            file: by.file,
            range: by.range,
            message: `${by.key ?? 'raw micro-ops'} loaded over it here (rows ${by.sram}..${by.sram + by.count - 1})`,
          },
        ],
      );
      return undefined;
    }
    insn.uop_bgn = rec.sram;
    insn.uop_end = rec.sram + rec.count;
    return inst;
  }

  /** Places each loaded kernel instance in the image and patches its loads' dram_base. */
  private placeKernels(
    image: ImageBuilder,
    tensors: readonly TensorPlacement[],
    imageBytes: Uint8Array | undefined,
  ): KernelPlacement[] {
    const { ctx } = this;
    const t = ctx.target;
    const placements: KernelPlacement[] = [];
    const encodeAll = (inst: KernelInstance) => {
      const bytes = new Uint8Array(inst.uops.length * UOP_BYTES);
      inst.uops.forEach((u, i) => encodeUop(t, u, bytes, i * UOP_BYTES));
      return bytes;
    };
    for (let i = 0; i < this.uopLoadKernels.length; i++) {
      const inst = this.uopLoadKernels[i]!;
      if (inst.byteOffset !== undefined) continue;
      const bytes = encodeAll(inst);
      let offset: number | undefined;
      const at = inst.kernel.stmt.at;
      if (at) {
        const v = evaluate(at, ctx.globalScope, ctx.reporter(inst.kernel.file));
        if (v === undefined) continue;
        if (v < 0 || v % 4 !== 0) {
          ctx.report(
            inst.kernel.file,
            at.range,
            'error',
            'vta.bounds.dram',
            `kernel placement ${v} is not a non-negative multiple of 4 (one micro-op)`,
          );
          continue;
        }
        offset = v;
        // Kernels placed inside an image must agree with the bytes already there.
        if (offset < image.length) {
          const existing = image.bytes.subarray(offset, Math.min(image.length, offset + bytes.length));
          const differs = existing.some((b, i) => b !== bytes[i]);
          if (
            differs &&
            placements.some((pl) => pl.byteOffset < offset! + bytes.length && offset! < pl.byteOffset + pl.uops * 4)
          ) {
            ctx.report(
              inst.kernel.file,
              at.range,
              'error',
              'vta.bounds.dram',
              `kernel ${inst.key} at byte ${offset} overlaps another kernel with different micro-ops`,
            );
          }
        }
        // Micro-ops written over a data tensor would silently change its values.
        const end = offset + bytes.length;
        for (const t of tensors) {
          const tEnd = t.byteOffset + t.count * t.elemBytes;
          if (offset < tEnd && t.byteOffset < end && (t.initialised || !imageBytes)) {
            ctx.report(
              inst.kernel.file,
              at.range,
              'error',
              'vta.bounds.dram',
              `kernel ${inst.key} (bytes ${offset}..${end - 1}) overlaps tensor '${t.name}' (bytes ${t.byteOffset}..${tEnd - 1})`,
              t.source
                ? [
                    {
                      file: t.source.file,
                      range: { start: t.source.start, end: t.source.end },
                      message: `'${t.name}' is declared here`,
                    },
                  ]
                : undefined,
            );
          }
        }
      } else {
        offset = Math.ceil(image.length / 4) * 4;
      }
      image.ensure(offset + bytes.length);
      image.bytes.set(bytes, offset);
      inst.byteOffset = offset;
      placements.push({
        name: inst.key,
        uops: inst.uops.length,
        byteOffset: offset,
        source: {
          file: inst.kernel.file,
          start: inst.kernel.stmt.headerRange.start,
          end: inst.kernel.stmt.headerRange.end,
        },
      });
    }
    for (let i = 0; i < this.uopLoads.length; i++) {
      const offset = this.uopLoadKernels[i]!.byteOffset;
      if (offset !== undefined) this.uopLoads[i]!.insn.dram_base = offset / 4;
    }
    return placements;
  }
}

/** The range of the value that set `field`, for messages (looked up only on errors). */
function operandRangeOf(s: InsnStmt, field: FieldName): Range | undefined {
  for (const specs of Object.values(OPERANDS)) {
    for (const sp of specs) {
      const i = sp.fields.indexOf(field);
      if (i < 0) continue;
      const o = s.operands.find((op) => op.key.name === sp.key);
      if (o) return (o.values[i] ?? o.values[0])?.range;
    }
  }
  return undefined;
}

/**
 * The queue spelled `name`, as the QUEUES constant: the parser's copy is a fresh
 * string, slower to compare and to use as a property key.
 */
function queueNamed(name: string): QueueId | undefined {
  for (const q of QUEUES) if (q === name) return q;
  return undefined;
}

function describeForm(s: InsnStmt): string {
  const w = s.words[0]?.name;
  if (s.mnemonic === 'load' || s.mnemonic === 'store' || s.mnemonic === 'alu')
    return w ? `${s.mnemonic} ${w}` : s.mnemonic;
  return s.mnemonic;
}
