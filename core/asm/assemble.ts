/**
 * The assembler: `.vta` text → Program (instructions with their source ranges, the
 * DRAM image, the layout). Expansion of `for`/`if`, kernel instances and token
 * folding all happen in one walk over the statements, in text order.
 */
import { ZERO_RANGE, type Diagnostic } from '../analysis/diagnostic';
import type { FieldName, Insn, VtaTarget } from '../isa';
import {
  aluOpsFor, ConfigError, defaultTarget, emptyInsn, encodeUop, layoutsFor, UOP_BYTES, MemType, moduleOf, Opcode, shippedTarget, targetFromJson, QUEUES,
} from '../isa';
import type { QueueId } from '../isa';
import type { Expr, InsnStmt, Operand, Range, SourceFile, Stmt, Word } from '../lang/ast';
import { parseVta } from '../lang/parser';
import type { KernelPlacement, LoopFrame, Program, ProgramInsn, SourceRange, TensorPlacement } from '../program/program';
import { AsmContext, LocalScope } from './context';
import { ImageBuilder, layoutData } from './data-layout';
import { collectDeclarations, type Declarations } from './declarations';
import { evaluate, type Scope } from './evaluate';
import type { AsmHost } from './host';
import { NO_FILES } from './host';
import { checkRawDistance, expandKernel, instanceKey, type KernelInstance, UopResidency } from './kernels';
import type { InsnForm, OperandSpec } from './operands';
import { OPERANDS } from './operands';
import { TokenFolder } from './token-folding';

export interface AssembleOptions {
  /** Path or URI of the text, used in diagnostics and to resolve relative paths. */
  file: string;
  host?: AsmHost;
  /** Overrides the program's `target` (the CLI's `--target`). */
  target?: VtaTarget;
}

export interface AssembleResult {
  /** Present unless the program could not be built at all (e.g. an unknown target). */
  program?: Program;
  diagnostics: Diagnostic[];
  ast: SourceFile;
  kernels: KernelInstance[];
  declarations?: Declarations;
}

/** A stream longer than the runtime can send in one run (VTA_MAX_XFER / 16). */
export const MAX_INSTRUCTIONS = 1 << 21;
/** Bounds loop work so that `for i in 0..10^15 {}` is an error, not a hang. */
const MAX_LOOP_ITERATIONS = 1 << 24;

const LOAD_MEMS: Record<string, number> = { inp: MemType.INP, wgt: MemType.WGT, acc: MemType.ACC, acc8: MemType.ACC_8BIT, uop: MemType.UOP };

export function assembleText(text: string, opts: AssembleOptions): AssembleResult {
  const ast = parseVta(text);
  return assembleAst(ast, opts);
}

export function assembleAst(ast: SourceFile, opts: AssembleOptions): AssembleResult {
  const host = opts.host ?? NO_FILES;
  const file = opts.file;
  const ctx = new AsmContext(file, host, opts.target ?? defaultTarget());
  for (const e of ast.errors) ctx.report(file, e.range, 'error', 'vta.syntax.error', e.message);
  try {
    return new Assembler(ctx, ast, opts).run();
  } catch (e) {
    // Pathological input (e.g. nesting deep enough to exhaust the stack) must not crash a server.
    ctx.report(file, ZERO_RANGE, 'error', 'vta.internal',
      `the assembler stopped: ${(e as Error).message}`);
    return { diagnostics: ctx.diagnostics, ast, kernels: [] };
  }
}

class Assembler {
  private readonly out: ProgramInsn[] = [];
  private readonly folder = new TokenFolder(this.out);
  private readonly instances = new Map<string, KernelInstance>();
  private residency!: UopResidency;
  private pendingLabel?: string;
  /** The `for` iterations being expanded, outermost first. */
  private loops?: LoopFrame[];
  private loopIterations = 0;
  private tooLong = false;
  /** LOAD UOP instructions whose dram_base waits for the kernel's placement. */
  private readonly uopLoads: Array<{ p: ProgramInsn; inst: KernelInstance }> = [];

  constructor(private readonly ctx: AsmContext, private readonly ast: SourceFile, private readonly opts: AssembleOptions) {}

  run(): AssembleResult {
    const { ctx, ast } = this;
    const decls = collectDeclarations(ctx, ctx.mainFile, ast);
    if (!this.resolveTarget(decls)) return { diagnostics: ctx.diagnostics, ast, kernels: [], declarations: decls };
    this.residency = new UopResidency(ctx.target.uop.depth);

    let imageBytes: Uint8Array | undefined;
    if (decls.image) {
      const path = ctx.host.resolve(decls.image.file, decls.image.stmt.path);
      imageBytes = ctx.host.readBinary(path);
      if (!imageBytes) ctx.report(decls.image.file, decls.image.stmt.pathRange, 'error', 'vta.name.file', `cannot read the image '${decls.image.stmt.path}' (resolved to ${path})`);
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
    this.folder.finish();
    for (const n of this.folder.notices) ctx.report(n.source.file, n.source, 'info', 'vta.tokens.nop', n.message);

    const kernels = this.placeKernels(image, tensors, imageBytes);
    const program: Program = {
      target: ctx.target,
      insns: this.out,
      dram: image.result(),
      layout: { tensors, kernels, bytes: image.length },
    };
    return { program, diagnostics: ctx.diagnostics, ast, kernels: [...this.instances.values()], declarations: decls };
  }

  private resolveTarget(decls: Declarations): boolean {
    const { ctx } = this;
    if (this.opts.target) return true;
    const t = decls.target;
    if (!t) return true;
    try {
      if (t.stmt.name !== undefined) {
        const found = shippedTarget(t.stmt.name);
        if (!found) {
          ctx.report(t.file, t.stmt.valueRange, 'error', 'vta.name.target', `unknown target '${t.stmt.name}': expected default, sim, tsim, pynq, ultra96, zcu104, de10nano, intelfocl or a "path/vta_config.json"`);
          return false;
        }
        ctx.target = found;
      } else {
        const path = ctx.host.resolve(t.file, t.stmt.path!);
        const text = ctx.host.readText(path);
        if (text === undefined) {
          ctx.report(t.file, t.stmt.valueRange, 'error', 'vta.name.file', `cannot read '${t.stmt.path}' (resolved to ${path})`);
          return false;
        }
        ctx.target = targetFromJson(text, t.stmt.path!);
      }
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      ctx.report(t.file, t.stmt.valueRange, 'error', 'vta.target.config', e.message);
      return false;
    }
    return true;
  }

  private src(range: Range): SourceRange {
    return { file: this.ctx.mainFile, start: range.start, end: range.end };
  }

  private walk(stmts: Stmt[], scope: Scope): void {
    const { ctx } = this;
    const report = ctx.reporter(ctx.mainFile);
    for (const s of stmts) {
      if (this.tooLong) return;
      switch (s.kind) {
        case 'insn':
          this.instruction(s, scope);
          break;
        case 'push':
        case 'pop': {
          if (!(QUEUES as readonly string[]).includes(s.queue)) {
            ctx.report(ctx.mainFile, s.queueRange, 'error', 'vta.name.queue', `unknown queue '${s.queue}': expected ld->ex, ex->ld, ex->st or st->ex`);
            break;
          }
          if (s.kind === 'push') this.folder.push(s.queue as QueueId, this.src(s.range));
          else this.folder.pop(s.queue as QueueId, this.src(s.range));
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
            ctx.report(ctx.mainFile, s.variable.range, 'error', 'vta.name.duplicate', `loop variable '${s.variable.name}' hides a name already defined`);
          }
          const inner = new LocalScope(scope);
          const outerLoops = this.loops;
          const header = this.src(s.headerRange);
          for (let i = from; i < to; i++) {
            this.loops = [...(outerLoops ?? []), { variable: s.variable.name, value: i, from, to, header }];
            if (++this.loopIterations > MAX_LOOP_ITERATIONS) {
              ctx.report(ctx.mainFile, s.headerRange, 'error', 'vta.bounds.stream', `loops run more than ${MAX_LOOP_ITERATIONS} iterations in all; expansion stopped`);
              this.tooLong = true;
              return;
            }
            inner.set(s.variable.name, i);
            this.walk(s.body, inner);
            if (this.tooLong) return;
          }
          this.loops = outerLoops;
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

  private emit(p: ProgramInsn): number {
    if (this.loops) p.loops = this.loops;
    if (this.pendingLabel) {
      p.label = this.pendingLabel;
      this.pendingLabel = undefined;
    }
    const index = this.folder.add(p);
    if (this.out.length > MAX_INSTRUCTIONS) {
      this.ctx.report(this.ctx.mainFile, p.source!, 'error', 'vta.bounds.stream', `the stream has more than ${MAX_INSTRUCTIONS} instructions, the most VTA's runtime sends in one run (VTA_MAX_XFER); expansion stopped`);
      this.tooLong = true;
    }
    return index;
  }

  private instruction(s: InsnStmt, scope: Scope): void {
    const { ctx } = this;
    const file = ctx.mainFile;
    const t = ctx.target;
    const words = [...s.words];
    const takeWord = (): Word | undefined => words.shift();
    let insn: Insn;
    let form: InsnForm;
    let kernelWord: Word | undefined;
    let reset = false;
    const restWords = () => {
      for (const w of words.splice(0)) {
        if (w.name === 'reset' && !w.args && (s.mnemonic === 'gemm' || s.mnemonic === 'alu')) reset = true;
        else if (!kernelWord && (s.mnemonic === 'gemm' || s.mnemonic === 'alu')) kernelWord = w;
        else ctx.report(file, w.range, 'error', 'vta.syntax.word', `unexpected '${w.name}' in ${s.mnemonic}`);
      }
    };
    switch (s.mnemonic) {
      case 'load': {
        const w = takeWord();
        const mem = w ? LOAD_MEMS[w.name] : undefined;
        if (!w || mem === undefined || w.args) {
          ctx.report(file, w?.range ?? s.mnemonicRange, 'error', 'vta.name.mem', `${w ? `unknown memory type '${w.name}'` : 'missing memory type'}: expected load inp, wgt, acc, acc8 or uop`);
          return;
        }
        if (mem === MemType.ACC_8BIT && t.keys.HW_VER !== '0.0.2') {
          ctx.report(file, w.range, 'error', 'vta.name.mem', `acc8 (ACC_8BIT) does not exist in HW_VER ${t.keys.HW_VER}`);
          return;
        }
        insn = emptyInsn(Opcode.LOAD);
        insn.memory_type = mem;
        if (mem === MemType.UOP && words.length && !words[0]!.name.startsWith('reset')) {
          kernelWord = takeWord();
          form = 'load-uop-kernel';
        } else form = 'load';
        for (const extra of words.splice(0)) ctx.report(file, extra.range, 'error', 'vta.syntax.word', `unexpected '${extra.name}' in load`);
        if (mem === MemType.ACC_8BIT && !t.board.hasMulAndAcc8) {
          ctx.report(file, w.range, 'warning', 'vta.fidelity.acc8', `LOAD ACC_8BIT runs in fsim but the ${t.board.implementation} hardware of target '${t.name}' does not implement it`);
        }
        break;
      }
      case 'store': {
        const w = takeWord();
        if (!w || w.name !== 'out' || w.args) {
          ctx.report(file, w?.range ?? s.mnemonicRange, 'error', 'vta.name.mem', `${w ? `'store ${w.name}'` : 'missing memory type'}: VTA stores only from the output buffer, write 'store out'`);
          return;
        }
        for (const extra of words.splice(0)) ctx.report(file, extra.range, 'error', 'vta.syntax.word', `unexpected '${extra.name}' in store`);
        insn = emptyInsn(Opcode.STORE);
        insn.memory_type = MemType.OUT;
        form = 'store';
        break;
      }
      case 'gemm':
        insn = emptyInsn(Opcode.GEMM);
        form = 'gemm';
        restWords();
        break;
      case 'alu': {
        const w = takeWord();
        const ops = aluOpsFor(t);
        const idx = w ? (ops as readonly string[]).indexOf(w.name) : -1;
        if (!w || idx < 0 || w.args) {
          const known = w && w.name === 'mul' ? ` (mul needs HW_VER 0.0.2; target '${t.name}' is ${t.keys.HW_VER})` : '';
          ctx.report(file, w?.range ?? s.mnemonicRange, 'error', 'vta.name.aluop', `${w ? `unknown ALU operation '${w.name}'` : 'missing ALU operation'}${known}: expected ${ops.join(', ')}`);
          return;
        }
        insn = emptyInsn(Opcode.ALU);
        insn.alu_opcode = idx;
        form = 'alu';
        restWords();
        if (w.name === 'mul' && !t.board.hasMulAndAcc8) {
          ctx.report(file, w.range, 'warning', 'vta.fidelity.mul', `ALU mul runs in fsim but the ${t.board.implementation} hardware of target '${t.name}' does not implement it`);
        }
        break;
      }
      case 'nop': {
        const w = takeWord();
        if (!w || !['ld', 'ex', 'st'].includes(w.name) || w.args) {
          ctx.report(file, w?.range ?? s.mnemonicRange, 'error', 'vta.name.module', `${w ? `unknown module '${w.name}'` : 'missing module'}: expected nop ld, nop ex or nop st`);
          return;
        }
        for (const extra of words.splice(0)) ctx.report(file, extra.range, 'error', 'vta.syntax.word', `unexpected '${extra.name}' in nop`);
        for (const o of s.operands) ctx.report(file, o.range, 'error', 'vta.name.operand', 'nop takes no operands');
        insn = w.name === 'st' ? emptyInsn(Opcode.STORE) : emptyInsn(Opcode.LOAD);
        if (w.name === 'ld') insn.memory_type = MemType.INP;
        else if (w.name === 'ex') insn.memory_type = MemType.UOP;
        this.emit({ insn, module: moduleOf(insn), source: this.src(s.range), origin: 'written' });
        return;
      }
      case 'finish':
        for (const extra of words.splice(0)) ctx.report(file, extra.range, 'error', 'vta.syntax.word', `unexpected '${extra.name}' in finish`);
        for (const o of s.operands) ctx.report(file, o.range, 'error', 'vta.name.operand', 'finish takes no operands');
        insn = emptyInsn(Opcode.FINISH);
        this.emit({ insn, module: 'ex', source: this.src(s.range), origin: 'written' });
        return;
    }

    const given = this.operands(s.operands, OPERANDS[form], insn, scope, s);
    if (!given) return;
    const p: ProgramInsn = { insn, module: moduleOf(insn), source: this.src(s.range), origin: 'written' };

    if (form === 'load' || form === 'store') {
      if (!given.has('y')) insn.y_size = 1;
      if (!given.has('stride')) insn.x_stride = insn.x_size;
      if (form === 'store' && given.has('pad')) {
        ctx.report(file, s.operands.find((o) => o.key.name === 'pad')!.range, 'error', 'vta.range.store-pad', 'STORE has no padding: fsim aborts on a non-zero pad and the hardware ignores it');
      }
      if (form === 'load' && insn.memory_type === MemType.UOP) this.rawUopLoad(insn, s);
    } else if (form === 'load-uop-kernel') {
      if (!this.kernelLoad(insn, p, kernelWord!, given.has('sram'), scope, s)) return;
    } else if (form === 'gemm' || form === 'alu') {
      if (!given.has('outer')) insn.iter_out = 1;
      if (!given.has('inner')) insn.iter_in = 1;
      if (form === 'alu' && given.has('imm')) insn.use_imm = 1;
      insn.reset_reg = reset ? 1 : 0;
      if (kernelWord && given.has('uop')) {
        ctx.report(file, kernelWord.range, 'error', 'vta.name.operand', `give either a kernel or uop=B..E, not both`);
        return;
      }
      if (kernelWord) {
        if (!this.kernelUse(insn, p, kernelWord, scope)) return;
      } else if (!given.has('uop')) {
        ctx.report(file, s.mnemonicRange, 'error', 'vta.name.missing', `${s.mnemonic} needs a kernel name or uop=B..E`);
        return;
      }
      if (insn.iter_out === 0 || insn.iter_in === 0) {
        ctx.report(file, s.range, 'warning', 'vta.fidelity.zero-iterations', 'a loop count of 0 runs nothing in fsim but wraps around in the Chisel hardware');
      }
    }
    if (!this.fits(insn, s)) return;
    this.emit(p);
  }

  /** Evaluates operands into fields; returns the keys given, or undefined on a fatal error. */
  private operands(ops: Operand[], specs: OperandSpec[], insn: Insn, scope: Scope, s: InsnStmt): Set<string> | undefined {
    const { ctx } = this;
    const file = ctx.mainFile;
    const report = ctx.reporter(file);
    const given = new Set<string>();
    let ok = true;
    for (const o of ops) {
      const spec = specs.find((sp) => sp.key === o.key.name);
      if (!spec) {
        const keys = specs.map((sp) => sp.key);
        ctx.report(file, o.key.range, 'error', 'vta.name.operand', `'${o.key.name}' is not an operand of ${describeForm(s)}${keys.length ? `: expected ${keys.join(', ')}` : ''}`);
        ok = false;
        continue;
      }
      if (given.has(spec.key)) {
        ctx.report(file, o.key.range, 'error', 'vta.name.duplicate', `operand '${spec.key}' is given twice`);
        ok = false;
        continue;
      }
      given.add(spec.key);
      let values: Expr[] = o.values;
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
      if (spec.key === 'pad') {
        if (values.length === 1) values = [values[0]!, values[0]!, values[0]!, values[0]!];
        else if (values.length === 2) values = [values[0]!, values[0]!, values[1]!, values[1]!];
      }
      if (values.length !== spec.fields.length) {
        ctx.report(file, o.range, 'error', 'vta.syntax.operand', `'${spec.key}' takes ${spec.shape ?? 'one value'}${spec.key === 'pad' ? ' (or one value for all sides, or two: vertical,horizontal)' : ''}`);
        ok = false;
        continue;
      }
      values.forEach((e, i) => {
        const v = evaluate(e, scope, report);
        if (v === undefined) {
          ok = false;
          return;
        }
        insn[spec.fields[i]!] = v;
      });
    }
    for (const spec of specs) {
      if (spec.required && !given.has(spec.key)) {
        ctx.report(file, s.mnemonicRange, 'error', 'vta.name.missing', `${describeForm(s)} needs '${spec.key}='`);
        ok = false;
      }
    }
    return ok ? given : undefined;
  }


  /** Every field within its encodable width for the target. */
  private fits(insn: Insn, s: InsnStmt): boolean {
    const layout = layoutsFor(this.ctx.target)[insn.opcode === Opcode.GEMM ? 'gemm' : insn.opcode === Opcode.ALU ? 'alu' : insn.opcode === Opcode.FINISH ? 'finish' : 'mem'];
    let ok = true;
    for (const f of layout.fields) {
      const v = insn[f.name];
      const { min, max } = f;
      if (v < min || v > max) {
        const range = operandRangeOf(s, f.name) ?? s.range;
        this.ctx.report(this.ctx.mainFile, range, 'error', 'vta.range.field', `${f.name} = ${v} does not fit its ${f.width}-bit${f.signed ? ' signed' : ''} field [${min}, ${max}] on target '${this.ctx.target.name}'`);
        ok = false;
      }
    }
    return ok;
  }

  private rawUopLoad(insn: Insn, s: InsnStmt): void {
    // A raw `load uop` overwrites kernel rows just like a named one.
    const rows = (insn.y_pad_0 + insn.y_size + insn.y_pad_1) * (insn.x_pad_0 + insn.x_size + insn.x_pad_1);
    this.residency.load({ sram: insn.sram_base, count: rows, file: this.ctx.mainFile, range: s.range });
  }

  private kernelArgs(w: Word, scope: Scope): { inst: KernelInstance } | undefined {
    const { ctx } = this;
    const file = ctx.mainFile;
    const g = ctx.globals.get(w.name);
    if (!g || g.kind !== 'kernel') {
      ctx.report(file, w.range, 'error', g ? 'vta.name.kind' : 'vta.name.unknown', g ? `'${w.name}' is a ${g.kind}, not a kernel` : `unknown kernel '${w.name}'`);
      return undefined;
    }
    const params = g.stmt.params;
    const argExprs = w.args ?? [];
    if (argExprs.length !== params.length) {
      ctx.report(file, w.argsRange ?? w.range, 'error', 'vta.name.arity', `kernel '${w.name}' takes ${params.length} argument${params.length === 1 ? '' : 's'}, got ${argExprs.length}`,
        [{ file: g.file, range: g.stmt.headerRange, message: `'${w.name}' is declared here` }]);
      return undefined;
    }
    const args: number[] = [];
    for (const e of argExprs) {
      const v = evaluate(e, scope, ctx.reporter(file));
      if (v === undefined) return undefined;
      args.push(v);
    }
    const key = instanceKey(w.name, args);
    let inst = this.instances.get(key);
    if (!inst) {
      const uops = expandKernel(ctx, g, args);
      if (!uops) return undefined;
      inst = { key, kernel: g, uops };
      checkRawDistance(ctx, inst);
      this.instances.set(key, inst);
    }
    return { inst };
  }

  private kernelLoad(insn: Insn, p: ProgramInsn, w: Word, explicitSram: boolean, scope: Scope, s: InsnStmt): boolean {
    const { ctx } = this;
    const file = ctx.mainFile;
    const r = this.kernelArgs(w, scope);
    if (!r) return false;
    const n = r.inst.uops.length;
    const depth = ctx.target.uop.depth;
    if (n === 0) {
      ctx.report(file, w.range, 'error', 'vta.kernel.empty', `kernel ${r.inst.key} has no micro-ops (a LOAD UOP of size 0 would be a NOP)`);
      return false;
    }
    if (!explicitSram) insn.sram_base = this.residency.next;
    if (insn.sram_base + n > depth) {
      ctx.report(file, s.range, 'error', 'vta.bounds.uop',
        `kernel ${r.inst.key} needs UOP rows ${insn.sram_base}..${insn.sram_base + n - 1} but the UOP buffer has ${depth} rows${explicitSram ? '' : ' (the default place is right after the previous kernel; give sram= to reuse rows)'}`);
      return false;
    }
    insn.y_size = 1;
    insn.x_size = n;
    insn.x_stride = n;
    p.kernel = r.inst.key;
    this.residency.load({ key: r.inst.key, sram: insn.sram_base, count: n, file, range: s.range });
    this.uopLoads.push({ p, inst: r.inst });
    return true;
  }

  private kernelUse(insn: Insn, p: ProgramInsn, w: Word, scope: Scope): boolean {
    const { ctx } = this;
    const file = ctx.mainFile;
    const r = this.kernelArgs(w, scope);
    if (!r) return false;
    const rec = this.residency.latest(r.inst.key);
    if (!rec) {
      ctx.report(file, w.range, 'error', 'vta.kernel.not-loaded', `kernel ${r.inst.key} is used before any 'load uop ${r.inst.key}'`);
      return false;
    }
    const by = this.residency.overwrittenBy(rec);
    if (by) {
      ctx.report(file, w.range, 'error', 'vta.kernel.overwritten',
        `kernel ${r.inst.key} was loaded at UOP rows ${rec.sram}..${rec.sram + rec.count - 1}, but a later load overwrote some of them`,
        [
          { file: rec.file, range: rec.range, message: `${r.inst.key} loaded here` },
          { file: by.file, range: by.range, message: `${by.key ?? 'raw micro-ops'} loaded over it here (rows ${by.sram}..${by.sram + by.count - 1})` },
        ]);
      return false;
    }
    insn.uop_bgn = rec.sram;
    insn.uop_end = rec.sram + rec.count;
    p.kernel = r.inst.key;
    return true;
  }

  /** Places each loaded kernel instance in the image and patches its loads' dram_base. */
  private placeKernels(image: ImageBuilder, tensors: readonly TensorPlacement[], imageBytes: Uint8Array | undefined): KernelPlacement[] {
    const { ctx } = this;
    const t = ctx.target;
    const placements: KernelPlacement[] = [];
    const encodeAll = (inst: KernelInstance) => {
      const bytes = new Uint8Array(inst.uops.length * UOP_BYTES);
      inst.uops.forEach((u, i) => encodeUop(t, u, bytes, i * UOP_BYTES));
      return bytes;
    };
    for (const { inst } of this.uopLoads) {
      if (inst.byteOffset !== undefined) continue;
      const bytes = encodeAll(inst);
      let offset: number | undefined;
      const at = inst.kernel.stmt.at;
      if (at) {
        const v = evaluate(at, ctx.globalScope, ctx.reporter(inst.kernel.file));
        if (v === undefined) continue;
        if (v < 0 || v % 4 !== 0) {
          ctx.report(inst.kernel.file, at.range, 'error', 'vta.bounds.dram', `kernel placement ${v} is not a non-negative multiple of 4 (one micro-op)`);
          continue;
        }
        offset = v;
        // Kernels placed inside an image must agree with the bytes already there.
        if (offset < image.length) {
          const existing = image.bytes.subarray(offset, Math.min(image.length, offset + bytes.length));
          const differs = existing.some((b, i) => b !== bytes[i]);
          if (differs && placements.some((pl) => pl.byteOffset < offset! + bytes.length && offset! < pl.byteOffset + pl.uops * 4)) {
            ctx.report(inst.kernel.file, at.range, 'error', 'vta.bounds.dram', `kernel ${inst.key} at byte ${offset} overlaps another kernel with different micro-ops`);
          }
        }
        // Micro-ops written over a data tensor would silently change its values.
        const end = offset + bytes.length;
        for (const t of tensors) {
          const tEnd = t.byteOffset + t.count * t.elemBytes;
          if (offset < tEnd && t.byteOffset < end && (t.initialised || !imageBytes)) {
            ctx.report(inst.kernel.file, at.range, 'error', 'vta.bounds.dram',
              `kernel ${inst.key} (bytes ${offset}..${end - 1}) overlaps tensor '${t.name}' (bytes ${t.byteOffset}..${tEnd - 1})`,
              t.source ? [{ file: t.source.file, range: { start: t.source.start, end: t.source.end }, message: `'${t.name}' is declared here` }] : undefined);
          }
        }
      } else {
        offset = Math.ceil(image.length / 4) * 4;
      }
      image.ensure(offset + bytes.length);
      image.bytes.set(bytes, offset);
      inst.byteOffset = offset;
      placements.push({ name: inst.key, uops: inst.uops.length, byteOffset: offset, source: { file: inst.kernel.file, ...inst.kernel.stmt.headerRange } });
    }
    for (const { p, inst } of this.uopLoads) {
      if (inst.byteOffset !== undefined) p.insn.dram_base = inst.byteOffset / 4;
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

function describeForm(s: InsnStmt): string {
  const w = s.words[0]?.name;
  if (s.mnemonic === 'load' || s.mnemonic === 'store' || s.mnemonic === 'alu') return w ? `${s.mnemonic} ${w}` : s.mnemonic;
  return s.mnemonic;
}
