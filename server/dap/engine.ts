/**
 * The debugger's model, free of the protocol: a Simulator plus breakpoints (line,
 * conditional, hit count, logpoints, data), stepping in both directions, and the
 * row sources that variables, expressions and memory requests read. The session
 * (session.ts) maps DAP requests onto it.
 */
import { resolve } from 'node:path';
import type { BufferName as AccessBuffer } from '../../core/analysis/access';
import { programIndex, type ProgramIndex } from '../../core/analysis/program-index';
import type { ModuleId, QueueId } from '../../core/isa';
import { MODULES, MODULE_NAMES, QUEUES, decodeUop, tokenUse, uopLayoutFor } from '../../core/isa';
import type { Program } from '../../core/program/program';
import type { ModuleView, SimError, SimMode, SimSummary, StopReason } from '../../core/sim';
import { Simulator } from '../../core/sim';
import { EvalError, describe, evaluate, isTrue } from './expr';
import type { EvalEnv, RowSource, Value } from './expr';
import { insnText } from './format';

export interface LineBreakpointSpec {
  line: number; // 1-based
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
}

export interface LineBreakpoint extends LineBreakpointSpec {
  id: number;
  verified: boolean;
  message?: string;
  /** Instructions it stops before. */
  insns: number[];
  hits: number;
}

export interface DataBreakpoint {
  id: number;
  dataId: string;
  accessType: 'read' | 'write' | 'readWrite';
  condition?: string;
  hitCondition?: string;
  hits: number;
  insns: Set<number>;
  label: string;
}

export interface Stop {
  reason: 'entry' | 'step' | 'breakpoint' | 'data breakpoint' | 'pause' | 'exception' | 'finished';
  description?: string;
  text?: string;
  hitBreakpointIds?: number[];
  /** The module the stop is about, if one. */
  module?: ModuleId;
  /** When FINISH ran: the run's summary. */
  summary?: SimSummary;
}

/** How long one step over may simulate before it stops and says why. */
const STEP_OVER_MS = 2000;

export type SramName = 'inp' | 'wgt' | 'acc' | 'uop';
export const SRAMS: readonly SramName[] = ['inp', 'wgt', 'acc', 'uop'];

export interface EngineOptions {
  /** The simulator's mode: functional (no cycles), timing (no data), both. */
  mode: SimMode;
  seed?: number;
  /** Called for logpoint output. */
  log?: (text: string) => void;
}

/** Normalises a file name for matching breakpoints with source ranges. */
export const fileKey = (f: string): string => resolve(f);

export class DebugEngine {
  readonly sim: Simulator;
  readonly simMode: SimMode;
  /** Program indices per module, in order. */
  readonly byModule: Record<ModuleId, number[]>;
  /** Source lines ↔ instructions and each instruction's SRAM rows, shared with the checks. */
  private readonly index: ProgramIndex;
  private readonly lineBps = new Map<string, LineBreakpoint[]>();
  private dataBps: DataBreakpoint[] = [];
  private bpSet = new Set<number>();
  private bpAt = new Map<number, Array<LineBreakpoint | DataBreakpoint>>();
  private nextId = 1;
  /** Step counts of the positions we stopped at (for stepping back). */
  private history: number[] = [0];
  private deadline = Infinity;
  pauseRequested = false;
  private cursor?: { time: number; steps: number };
  private lastStop?: { step: number; reason: Stop['reason'] };
  /** Set when memory was written: the recorded history no longer replays to the live state. */
  reverseBlocked?: string;
  readonly sources = new Map<string, RowSource>();

  constructor(
    readonly program: Program,
    private readonly opts: EngineOptions,
  ) {
    this.simMode = opts.mode;
    this.sim = new Simulator(program, {
      mode: this.simMode,
      interleaving: opts.seed === undefined ? 'program-order' : { seed: opts.seed },
      trace: false,
      cancel: () => this.pauseRequested || Date.now() > this.deadline,
    });
    this.byModule = { ld: [], ex: [], st: [] };
    program.insns.forEach((pi, i) => this.byModule[pi.module].push(i));
    this.index = programIndex(program);
    this.buildSources();
  }

  // --- views -------------------------------------------------------------------

  /** The simulator's module views; a module whose next pop has no token is shown blocked (also after a deadlock). */
  modules(): ModuleView[] {
    const views = this.sim.modules();
    let queues: Map<string, number> | undefined;
    return views.map((v) => {
      if (v.state !== 'ready' || v.insnIndex < 0) return v;
      queues ??= new Map(this.sim.queues().map((q) => [q.queue, q.tokens]));
      const empty = tokenUse(this.program.insns[v.insnIndex]!.insn).pops.find((q) => !queues!.get(q));
      return empty ? { ...v, state: 'waiting-token', waitingOn: empty } : v;
    });
  }

  moduleView(m: ModuleId): ModuleView {
    return this.modules().find((v) => v.module === m)!;
  }

  get status() {
    return this.sim.status;
  }

  get error(): SimError | undefined {
    return this.sim.error;
  }

  queueDepth(name: string): number {
    const q = this.sim.queues().find((v) => v.queue === name);
    if (!q) throw new EvalError(`unknown queue "${name}" (queues: ${QUEUES.join(', ')})`);
    return q.tokens;
  }

  private buildSources(): void {
    const sim = this.sim;
    const t = this.program.target;
    const g = { inp: t.inp.depth, wgt: t.wgt.depth, acc: t.acc.depth, uop: t.uop.depth };
    this.sources.set('acc', { name: 'acc', rows: g.acc, read: (r) => Array.from(sim.readAcc(r)) });
    this.sources.set('inp', { name: 'inp', rows: g.inp, read: (r) => Array.from(sim.readInp(r)) });
    this.sources.set('wgt', { name: 'wgt', rows: g.wgt, read: (r) => Array.from(sim.readWgt(r)) });
    this.sources.set('uop', {
      name: 'uop',
      rows: g.uop,
      read: (r) => {
        const u = sim.readUops(r)[0]!;
        return [u.dst, u.src, u.wgt];
      },
    });
    this.sources.set('dram', {
      name: 'dram',
      rows: this.program.dram.length,
      read: (r) => [sim.readDram(r, 1)[0] ?? 0],
      scalarRows: true,
    });
    for (const tp of this.program.layout.tensors) {
      if (this.sources.has(tp.name)) continue;
      const eb = tp.elemBytes;
      const read = (r: number): number[] => {
        const bytes = sim.readDram(tp.byteOffset + r * eb, eb);
        if (tp.mem === 'acc') return Array.from(new Int32Array(bytes.buffer, bytes.byteOffset, eb >> 2));
        if (tp.mem === 'uop') {
          const u = decodeUop(t, bytes, 0);
          return [u.dst, u.src, u.wgt];
        }
        return Array.from(new Int8Array(bytes.buffer, bytes.byteOffset, eb));
      };
      this.sources.set(tp.name, { name: tp.name, rows: tp.count, read });
    }
  }

  env(): EvalEnv {
    return {
      time: () => this.clock,
      steps: () => this.sim.steps,
      queue: (q) => this.queueDepth(q),
      source: (n) => this.sources.get(n),
    };
  }

  evaluate(text: string): Value {
    return evaluate(text, this.env());
  }

  /** `LOAD INP … (line 12)` */
  describeInsn(i: number): string {
    const pi = this.program.insns[i];
    if (!pi) return '';
    return `${insnText(pi.insn)}${pi.source ? ` (line ${pi.source.start.line + 1})` : ''}`;
  }

  // --- breakpoints ------------------------------------------------------------------

  /** The names the program's sources give `file` (the client may spell a path differently). */
  private sourceNames(file: string): string[] {
    const k = fileKey(file);
    return this.index.files().filter((f) => fileKey(f) === k);
  }

  /** Lines of `file` that hold instructions (0-based), sorted. */
  instructionLines(file: string): number[] {
    const names = this.sourceNames(file);
    if (names.length === 1) return this.index.lines(names[0]!);
    return [...new Set(names.flatMap((f) => this.index.lines(f)))].sort((a, b) => a - b);
  }

  /** The instructions written on a line of `file` or carrying a flag written there, in program order. */
  private lineInstructions(file: string, line: number): number[] {
    const names = this.sourceNames(file);
    if (names.length === 1) return [...this.index.onLine(names[0]!, line)];
    return [...new Set(names.flatMap((f) => this.index.onLine(f, line)))].sort((a, b) => a - b);
  }

  setLineBreakpoints(file: string, specs: LineBreakpointSpec[]): LineBreakpoint[] {
    const k = fileKey(file);
    const lines = this.instructionLines(file);
    const out: LineBreakpoint[] = specs.map((s) => {
      const bp: LineBreakpoint = { ...s, id: this.nextId++, verified: false, insns: [], hits: 0 };
      const line0 = lines.find((l) => l >= s.line - 1);
      if (line0 === undefined) {
        bp.message = 'no instruction on or after this line';
        return bp;
      }
      bp.line = line0 + 1;
      bp.insns = this.lineInstructions(file, line0);
      bp.verified = true;
      if (s.condition) {
        try {
          this.evaluate(s.condition);
        } catch (e) {
          bp.verified = false;
          bp.message = `condition: ${(e as Error).message}`;
        }
      }
      if (s.hitCondition && !parseHit(s.hitCondition)) {
        bp.verified = false;
        bp.message = `hit count "${s.hitCondition}": expected N, ==N, >N, >=N, <N, <=N or %N`;
      }
      return bp;
    });
    this.lineBps.set(k, out);
    this.rebuild();
    return out;
  }

  /** Breakpoints on instruction indices (the disassembly view). */
  setInstructionBreakpoints(
    specs: Array<{ index: number; condition?: string; hitCondition?: string }>,
  ): LineBreakpoint[] {
    const out = specs.map((s) => {
      const pi = this.program.insns[s.index];
      const bp: LineBreakpoint = {
        line: pi?.source ? pi.source.start.line + 1 : 0,
        condition: s.condition,
        hitCondition: s.hitCondition,
        id: this.nextId++,
        verified: !!pi,
        insns: pi ? [s.index] : [],
        hits: 0,
      };
      if (!pi) bp.message = `no instruction ${s.index}`;
      return bp;
    });
    this.lineBps.set('\0instructions', out);
    this.rebuild();
    return out;
  }

  /** dataId for an expression or a variable: `acc:0:1` (rows [0,1)), `queue:ld->ex`. */
  dataIdFor(
    expression: string,
  ): { dataId: string; description: string; accessTypes: Array<'read' | 'write' | 'readWrite'> } | { error: string } {
    const queue = QUEUES.find(
      (q) => expression === q || expression === `queue("${q}")` || expression === `queue('${q}')`,
    );
    if (queue)
      return {
        dataId: `queue:${queue}`,
        description: `tokens on ${queue} (push or pop)`,
        accessTypes: ['readWrite', 'write', 'read'],
      };
    let v: Value;
    try {
      v = this.evaluate(expression);
    } catch (e) {
      return { error: (e as Error).message };
    }
    if (typeof v === 'number')
      return { error: `${expression} is a number; data breakpoints take SRAM rows (acc[0], wgt[0:16]) or queues` };
    if (v.kind === 'lanes') {
      const m = /^(inp|wgt|acc|uop)\[(\d+)\]/.exec(v.label);
      if (!m) return { error: `${expression}: data breakpoints take SRAM rows (acc[0], wgt[0:16]) or queues` };
      const row = Number(m[2]);
      return {
        dataId: `${m[1]}:${row}:${row + 1}`,
        description: `${m[1]}[${row}]`,
        accessTypes: ['write', 'read', 'readWrite'],
      };
    }
    if (!SRAMS.includes(v.src.name as SramName))
      return { error: `${expression}: data breakpoints take SRAM rows (acc[0], wgt[0:16]) or queues, not DRAM` };
    return {
      dataId: `${v.src.name}:${v.lo}:${v.hi}`,
      description: v.hi - v.lo === 1 ? `${v.src.name}[${v.lo}]` : `${v.src.name}[${v.lo}:${v.hi}]`,
      accessTypes: ['write', 'read', 'readWrite'],
    };
  }

  setDataBreakpoints(
    specs: Array<{
      dataId: string;
      accessType?: 'read' | 'write' | 'readWrite';
      condition?: string;
      hitCondition?: string;
    }>,
  ): Array<DataBreakpoint & { verified: boolean; message?: string }> {
    const out = specs.map((s) => {
      const accessType = s.accessType ?? (s.dataId.startsWith('queue:') ? 'readWrite' : 'write');
      const bp = {
        id: this.nextId++,
        dataId: s.dataId,
        accessType,
        condition: s.condition,
        hitCondition: s.hitCondition,
        hits: 0,
        insns: new Set<number>(),
        label: s.dataId,
        verified: true,
      } as DataBreakpoint & { verified: boolean; message?: string };
      const q = /^queue:(.+)$/.exec(s.dataId);
      const r = /^(inp|wgt|acc|uop):(\d+):(\d+)$/.exec(s.dataId);
      if (q && QUEUES.includes(q[1] as QueueId)) {
        const queue = q[1] as QueueId;
        bp.label = `queue ${queue}`;
        this.program.insns.forEach((pi, i) => {
          const u = tokenUse(pi.insn);
          const push = u.pushes.includes(queue),
            pop = u.pops.includes(queue);
          if (
            (push && accessType !== 'read') ||
            (pop && accessType !== 'write') ||
            ((push || pop) && accessType === 'readWrite')
          )
            bp.insns.add(i);
        });
      } else if (r) {
        const buf = r[1] as AccessBuffer,
          lo = Number(r[2]),
          hi = Number(r[3]);
        bp.label = hi - lo === 1 ? `${buf}[${lo}]` : `${buf}[${lo}:${hi}]`;
        const n = this.program.insns.length;
        for (let i = 0; i < n; i++) {
          const list = this.index.accesses(i);
          if (!list) {
            bp.message = `instructions ${i}..${n - 1} are not watched: the rows the program moves exceed the analysis budget`;
            break;
          }
          for (const a of list) {
            if (a.buf !== buf) continue;
            if (accessType === 'write' && !a.write) continue;
            if (accessType === 'read' && a.write) continue;
            for (let k = 0; k < a.rows.length; k += 2) {
              if (a.rows[k]! < hi && a.rows[k + 1]! > lo) {
                bp.insns.add(i);
                break;
              }
            }
          }
        }
      } else {
        bp.verified = false;
        bp.message = `unknown data ${s.dataId}`;
      }
      return bp;
    });
    this.dataBps = out.filter((b) => b.verified);
    this.rebuild();
    return out;
  }

  private rebuild(): void {
    this.bpSet = new Set();
    this.bpAt = new Map();
    const add = (i: number, bp: LineBreakpoint | DataBreakpoint) => {
      this.bpSet.add(i);
      const l = this.bpAt.get(i);
      if (l) l.push(bp);
      else this.bpAt.set(i, [bp]);
    };
    for (const list of this.lineBps.values())
      for (const bp of list) if (bp.verified) for (const i of bp.insns) add(i, bp);
    for (const bp of this.dataBps) for (const i of bp.insns) add(i, bp);
  }

  // --- forward ------------------------------------------------------------------------

  /** The clock: the time of the last step, or where stepCycle left the cursor (nothing happened since). */
  get clock(): number {
    return this.cursor !== undefined && this.cursor.steps === this.sim.steps
      ? Math.max(this.cursor.time, this.sim.time)
      : this.sim.time;
  }

  private recordStop(stop: Stop): Stop {
    const s = this.sim.steps;
    const h = this.history;
    while (h.length && h[h.length - 1]! >= s) h.pop();
    h.push(s);
    this.lastStop = { step: s, reason: stop.reason };
    return stop;
  }

  private endStop(r: StopReason): Stop | undefined {
    if (r === 'finished') {
      // FINISH runs on the compute module: focus it, and say how the run went.
      return this.recordStop({
        reason: 'finished',
        description: 'FINISH ran: the program ended',
        module: 'ex',
        summary: this.sim.result(r).summary,
      });
    }
    if (r === 'deadlock' || r === 'error') {
      const e = this.sim.error;
      const mod = e && e.insnIndex >= 0 ? this.program.insns[e.insnIndex]?.module : undefined;
      return this.recordStop({
        reason: 'exception',
        description: e ? `${e.code}: ${e.message}` : r,
        text: e ? errorText(e) : r,
        module: mod,
      });
    }
    return undefined;
  }

  /** True when the run is over (FINISH, an error or a deadlock). */
  get ended(): boolean {
    return this.sim.status !== 'running';
  }

  /**
   * `next` (step over) on `module`'s thread: runs until that module leaves the
   * instruction it is at (its next instruction is current, or it has none left), so the
   * frame always moves. A module with nothing left: the next instruction of any module.
   */
  next(module?: ModuleId): Stop {
    const from = module ? this.moduleView(module).insnIndex : -1;
    if (!module || from < 0) {
      const r = this.sim.stepInsn();
      return this.endStop(r) ?? this.recordStop({ reason: 'step' });
    }
    // Bounded in time: a module waiting behind a long run says so instead of hanging the session.
    const deadline = Date.now() + STEP_OVER_MS;
    for (let n = 1; ; n++) {
      const r = this.sim.stepEvent();
      const end = this.endStop(r);
      if (end) return end;
      if (this.moduleView(module).insnIndex !== from) return this.recordStop({ reason: 'step', module });
      if ((n & 1023) === 0 && Date.now() > deadline) break;
    }
    const v = this.moduleView(module);
    const why =
      v.state === 'waiting-token'
        ? `it waits for a token on ${v.waitingOn}`
        : `instruction ${from} is still ${v.state}`;
    return this.recordStop({
      reason: 'step',
      module,
      description: `${MODULE_NAMES[module]} has not moved after ${STEP_OVER_MS / 1000} s of simulation: ${why}; step again or continue`,
    });
  }

  /** `stepIn`: the next event that concerns `module` (start, end or wait). */
  stepModuleEvent(module: ModuleId): Stop {
    const key = (v: ModuleView) => `${v.state}|${v.insnIndex}|${v.position}|${v.waitingOn ?? ''}`;
    const before = key(this.moduleView(module));
    if (this.moduleView(module).state === 'done') {
      const r = this.sim.stepEvent();
      return this.endStop(r) ?? this.recordStop({ reason: 'step', module });
    }
    for (let n = 0; n < 1_000_000; n++) {
      const r = this.sim.stepEvent();
      const end = this.endStop(r);
      if (end) return end;
      if (key(this.moduleView(module)) !== before) break;
    }
    return this.recordStop({ reason: 'step', module });
  }

  /** stepOut: the next instruction of `module` has started. */
  stepModuleInsn(module: ModuleId): Stop {
    const r = this.sim.stepInsn(module);
    return this.endStop(r) ?? this.recordStop({ reason: 'step', module });
  }

  /** One cycle (timing) or one step (functional). */
  stepCycle(): Stop {
    const t = this.clock + 1;
    const r = this.sim.runToTime(t);
    const end = this.endStop(r);
    if (end) return end;
    this.cursor = { time: t, steps: this.sim.steps };
    return this.recordStop({ reason: 'step' });
  }

  /**
   * Continues for about `sliceMs`; returns undefined when the slice ran out without a
   * stop (call again), or the stop.
   */
  continueSlice(sliceMs: number): Stop | undefined {
    if (this.predictable && this.hasSoftBreakpoints) return this.continueStepwise(sliceMs);
    const from = this.sim.steps;
    for (;;) {
      if (this.pauseRequested) {
        this.pauseRequested = false;
        return this.recordStop({ reason: 'pause' });
      }
      this.deadline = Date.now() + sliceMs;
      let r: StopReason;
      try {
        r = this.sim.run(this.bpSet);
      } finally {
        this.deadline = Infinity;
      }
      if (r === 'cancelled') {
        if (this.pauseRequested) continue;
        return undefined;
      }
      if (r !== 'breakpoint') return this.endStop(r) ?? this.recordStop({ reason: 'pause' });
      const idx = this.hitIndex();
      // Standing where we stopped (not the entry): continuing goes past that breakpoint.
      if (this.sim.steps === from && this.lastStop?.step === from && this.lastStop.reason !== 'entry') continue;
      const stop = this.checkHit(idx, true);
      if (stop) return this.recordStop(stop);
    }
  }

  /** Functional mode in program order: the next instruction to start is known before the step. */
  private get predictable(): boolean {
    return this.simMode === 'functional' && this.opts.seed === undefined;
  }

  /** Breakpoints that may be hit without stopping (conditions, hit counts, logpoints). */
  private get hasSoftBreakpoints(): boolean {
    for (const list of this.bpAt.values())
      for (const bp of list) if (bp.condition || bp.hitCondition || ('logMessage' in bp && bp.logMessage)) return true;
    return false;
  }

  /**
   * Continue one instruction at a time, checking breakpoints on the instruction about
   * to start (the ready module whose next instruction comes first, as the functional
   * scheduler picks it): a condition that does not hold costs no backward seek.
   */
  private continueStepwise(sliceMs: number): Stop | undefined {
    const from = this.sim.steps;
    const deadline = Date.now() + sliceMs;
    for (let n = 0; ; n++) {
      if ((n & 255) === 255) {
        if (this.pauseRequested) {
          this.pauseRequested = false;
          return this.recordStop({ reason: 'pause' });
        }
        if (Date.now() > deadline) return undefined;
      }
      let next = -1;
      for (const v of this.sim.modules())
        if (v.state === 'ready' && v.insnIndex >= 0 && (next < 0 || v.insnIndex < next)) next = v.insnIndex;
      const here = this.sim.steps;
      if (
        next >= 0 &&
        this.bpSet.has(next) &&
        !(here === from && this.lastStop?.step === from && this.lastStop.reason !== 'entry')
      ) {
        const stop = this.checkHit(next, true);
        if (stop) return this.recordStop(stop);
      }
      const r = this.sim.stepInsn();
      const end = this.endStop(r);
      if (end) return end;
      if (next >= 0 && this.sim.startedAtStep(next) !== here) {
        throw new Error(`internal: predicted instruction ${next} to start at step ${here}, but it did not`);
      }
    }
  }

  /** After run() stopped before a breakpoint instruction: which one is about to start. */
  private hitIndex(): number {
    const cands = this.sim
      .modules()
      .map((v) => v.insnIndex)
      .filter((i) => i >= 0 && this.bpSet.has(i));
    if (cands.length <= 1) return cands[0] ?? -1;
    const at = this.sim.steps;
    this.sim.stepInsn();
    const hit = cands.find((i) => this.sim.startedAtStep(i) === at) ?? cands[0]!;
    this.sim.seek(at);
    return hit;
  }

  private checkHit(idx: number, forward: boolean): Stop | undefined {
    const ids: number[] = [];
    const data: string[] = [];
    for (const bp of this.bpAt.get(idx) ?? []) {
      if (bp.condition) {
        let ok = false;
        try {
          ok = isTrue(this.evaluate(bp.condition));
        } catch (e) {
          this.opts.log?.(`breakpoint condition "${bp.condition}": ${(e as Error).message}\n`);
          ok = true;
        }
        if (!ok) continue;
      }
      if (forward) bp.hits++;
      if (forward && bp.hitCondition && !hitMatches(bp.hitCondition, bp.hits)) continue;
      if ('logMessage' in bp && bp.logMessage) {
        if (forward) this.opts.log?.(this.interpolate(bp.logMessage) + '\n');
        continue;
      }
      ids.push(bp.id);
      if ('dataId' in bp) data.push(bp.label);
    }
    if (!ids.length) return undefined;
    const pi = this.program.insns[idx]!;
    if (data.length) {
      return {
        reason: 'data breakpoint',
        hitBreakpointIds: ids,
        module: pi.module,
        description: `${data.join(', ')}: ${MODULE_NAMES[pi.module]} is about to run ${this.describeInsn(idx)}`,
      };
    }
    return { reason: 'breakpoint', hitBreakpointIds: ids, module: pi.module };
  }

  interpolate(msg: string): string {
    return msg.replace(/\{([^}]+)\}/g, (_, e: string) => {
      try {
        return describe(this.evaluate(e));
      } catch (err) {
        return `<${(err as Error).message}>`;
      }
    });
  }

  // --- backward -----------------------------------------------------------------------

  private checkReverse(): void {
    if (this.reverseBlocked) throw new Error(`cannot step back: ${this.reverseBlocked}`);
  }

  /** Step of the most recent instruction start before now (-1: none). */
  private lastStartStep(): number {
    let best = -1;
    for (const v of this.sim.modules()) {
      const list = this.byModule[v.module];
      const last = list[Math.min(v.position, list.length) - 1];
      if (last === undefined) continue;
      const s = this.sim.startedAtStep(last);
      if (s >= 0 && s < this.sim.steps && s > best) best = s;
    }
    return best;
  }

  /** Back to just before the last instruction started (or the previous stop, if later). */
  stepBack(): Stop {
    this.checkReverse();
    const now = this.sim.steps;
    if (now === 0) return this.recordStop({ reason: 'entry', description: 'at the start of the program' });
    let target = Math.max(0, this.lastStartStep());
    for (let k = this.history.length - 1; k >= 0; k--) {
      const h = this.history[k]!;
      if (h < now) {
        if (h > target) target = h;
        break;
      }
    }
    this.sim.seek(target);
    return this.recordStop({ reason: 'step' });
  }

  /** Back to the most recent breakpoint hit, or to the start. */
  reverseContinue(): Stop {
    this.checkReverse();
    const now = this.sim.steps;
    const cands: Array<[number, number]> = [];
    for (const i of this.bpSet) {
      const s = this.sim.startedAtStep(i);
      if (s >= 0 && s < now) cands.push([s, i]);
    }
    cands.sort((a, b) => b[0] - a[0]);
    for (const [s, i] of cands) {
      this.sim.seek(s);
      const stop = this.checkHit(i, false);
      if (stop) return this.recordStop(stop);
    }
    this.sim.seek(0);
    return this.recordStop({ reason: 'entry', description: 'at the start of the program (no breakpoint before)' });
  }

  // --- memory -------------------------------------------------------------------------

  /** Bytes of a memory: `dram`, or an SRAM as stored (ACC little-endian int32, UOP as encoded words). */
  memoryBytes(ref: string): { size: number; read(offset: number, length: number): Uint8Array } | undefined {
    const t = this.program.target;
    const sim = this.sim;
    if (ref === 'dram') return { size: this.program.dram.length, read: (o, n) => sim.readDram(o, n) };
    const rowBytes =
      ref === 'inp'
        ? t.batch * t.blockIn
        : ref === 'wgt'
          ? t.blockOut * t.blockIn
          : ref === 'acc'
            ? t.batch * t.blockOut * 4
            : ref === 'uop'
              ? 4
              : 0;
    if (!rowBytes) return undefined;
    const depth = ref === 'inp' ? t.inp.depth : ref === 'wgt' ? t.wgt.depth : ref === 'acc' ? t.acc.depth : t.uop.depth;
    const rowsOf = (lo: number, n: number): Uint8Array => {
      if (ref === 'uop') {
        const out = new Uint8Array(n * 4);
        sim.readUops(lo, n).forEach((u, k) => {
          const l = this.uopLayout();
          const w = ((u.dst << l.dst) | (u.src << l.src) | (u.wgt << l.wgt)) >>> 0;
          new DataView(out.buffer).setUint32(k * 4, w, true);
        });
        return out;
      }
      const a = ref === 'inp' ? sim.readInp(lo, n) : ref === 'wgt' ? sim.readWgt(lo, n) : sim.readAcc(lo, n);
      return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    };
    return {
      size: depth * rowBytes,
      read: (o, n) => {
        const end = Math.min(o + n, depth * rowBytes);
        if (end <= o) return new Uint8Array(0);
        const lo = Math.floor(o / rowBytes),
          hi = Math.ceil(end / rowBytes);
        const bytes = rowsOf(lo, hi - lo);
        return bytes.slice(o - lo * rowBytes, end - lo * rowBytes);
      },
    };
  }

  private uopLayout(): { dst: number; src: number; wgt: number } {
    const l = uopLayoutFor(this.program.target);
    return { dst: l.dst.offset, src: l.src.offset, wgt: l.wgt.offset };
  }

  /** Writes DRAM or INP/WGT/ACC bytes. Returns the bytes written. Reverse stepping is then cut. */
  writeMemory(ref: string, offset: number, data: Uint8Array): number {
    if (ref !== 'dram' && ref !== 'inp' && ref !== 'wgt' && ref !== 'acc')
      throw new Error(`memory ${ref} cannot be written (dram, inp, wgt, acc can)`);
    const n = this.sim.writeMemory(ref, offset, data);
    if (n > 0)
      this.reverseBlocked = `memory was written at step ${this.sim.steps}, so earlier states no longer lead here`;
    return n;
  }

  moduleName(m: ModuleId): string {
    return MODULE_NAMES[m];
  }

  static readonly MODULES = MODULES;
}

function parseHit(h: string): { op: string; n: number } | undefined {
  const m = /^\s*(==|>=|<=|>|<|%)?\s*(\d+)\s*$/.exec(h);
  return m ? { op: m[1] ?? '==', n: Number(m[2]) } : undefined;
}

function hitMatches(h: string, hits: number): boolean {
  const p = parseHit(h);
  if (!p) return true;
  switch (p.op) {
    case '>=':
      return hits >= p.n;
    case '<=':
      return hits <= p.n;
    case '>':
      return hits > p.n;
    case '<':
      return hits < p.n;
    case '%':
      return p.n > 0 && hits % p.n === 0;
    default:
      return hits === p.n;
  }
}

/** An error's message with, for a deadlock, the waiting chain one link per line. */
export function errorText(e: SimError): string {
  const lines = [`${e.code}: ${e.message}`];
  for (const l of e.chain ?? []) {
    lines.push(
      `  ${MODULE_NAMES[l.module]} waits on ${l.queue} at instruction ${l.insnIndex}${l.source ? ` (line ${l.source.start.line + 1})` : ''}; ` +
        `producer ${MODULE_NAMES[l.producer.module]} is ${l.producer.state} (${l.producer.pushed} pushed, ${l.producer.popped} popped)`,
    );
  }
  return lines.join('\n');
}
