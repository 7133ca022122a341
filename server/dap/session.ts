/**
 * The VTA debug adapter (type `vta`): DAP requests mapped onto the DebugEngine.
 * Threads are the three modules (load, compute, store), each with one frame at the
 * line of its current instruction. It runs over stdio in a process of its own: the
 * extension starts `dist/server/dap.js` (main.ts) as a DebugAdapterExecutable, and
 * `vta debug-adapter` runs the same adapter.
 */
import { basename } from 'node:path';
import {
  Handles,
  InitializedEvent,
  LoggingDebugSession,
  OutputEvent,
  Response,
  Scope,
  Source,
  StackFrame,
  StoppedEvent,
  Event as DapEvent,
  TerminatedEvent,
  Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ModuleId } from '../../core/isa';
import { INSN_BYTES, MODULES, MODULE_NAMES } from '../../core/isa';
import { DebugEngine, SRAMS, errorText } from './engine';
import type { Stop } from './engine';
import type { SimSummary } from '../../core/sim';
import { shortSummary } from '../sim-summary';
import { count } from '../../core/lang/count';
import type { Value } from './expr';
import { describe } from './expr';
import { insnText, lanesText } from './format';
import { ArgsError, MAX_READ_BYTES, checkDapArgs } from './args';
import type { LoadedProgram, VtaLaunchArgs } from './loader';
import { loadProgram } from './loader';

type Ref =
  | { k: 'modules' }
  | { k: 'module'; m: ModuleId }
  | { k: 'queues' }
  | { k: 'counters' }
  | { k: 'buffers' }
  | { k: 'tensors' }
  | { k: 'insn'; i: number }
  | { k: 'rows'; src: string; lo: number; hi: number }
  | { k: 'lanes'; label: string; values: number[] };

const THREAD_OF: Record<ModuleId, number> = { ld: 1, ex: 2, st: 3 };
const MODULE_OF = (id: number): ModuleId => MODULES[id - 1] ?? 'ld';
const LISTING_REF = 1;
/** Rows shown per level of a buffer before it is split into ranges. */
const CHUNK = 64;
const SLICE_MS = 50;

export type VtaLaunchRequestArguments = DebugProtocol.LaunchRequestArguments & VtaLaunchArgs;

export class VtaDebugSession extends LoggingDebugSession {
  private engine?: DebugEngine;
  private loaded?: LoadedProgram;
  private handles = new Handles<Ref>();
  private configured!: Promise<void>;
  private configuredDone!: () => void;
  private pendingBps: Array<{
    args: DebugProtocol.SetBreakpointsArguments;
    response: DebugProtocol.SetBreakpointsResponse;
  }> = [];
  private running = false;
  private lastStop?: Stop;
  private noDebug = false;

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    this.configured = new Promise((r) => (this.configuredDone = r));
  }

  /** Every request's arguments are checked before its handler reads them (args.ts): a bad one gets error 1010. */
  protected override dispatchRequest(request: DebugProtocol.Request): void {
    try {
      checkDapArgs(request.command, request.arguments);
    } catch (e) {
      if (!(e instanceof ArgsError)) throw e;
      this.sendErrorResponse(new Response(request), 1010, `${request.command}: ${e.message}`);
      return;
    }
    // Handlers read their arguments' fields: absent arguments are an empty object.
    super.dispatchRequest({ ...request, arguments: request.arguments ?? {} });
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      ...response.body,
      supportsConfigurationDoneRequest: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsEvaluateForHovers: true,
      supportsStepBack: true,
      supportsDataBreakpoints: true,
      supportsReadMemoryRequest: true,
      supportsWriteMemoryRequest: true,
      supportsDisassembleRequest: true,
      supportsInstructionBreakpoints: true,
      supportsSetVariable: true,
      supportsSteppingGranularity: false,
      supportsExceptionInfoRequest: true,
      supportsTerminateRequest: true,
      supportsBreakpointLocationsRequest: true,
    };
    this.sendResponse(response);
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    this.configuredDone();
  }

  protected override async launchRequest(
    response: DebugProtocol.LaunchResponse,
    args: VtaLaunchRequestArguments,
  ): Promise<void> {
    try {
      this.loaded = loadProgram(args);
      this.engine = new DebugEngine(this.loaded.program, {
        mode: args.mode ?? 'both',
        seed: args.seed,
        log: (t) => this.out(t),
      });
    } catch (e) {
      this.sendErrorResponse(response, 1001, (e as Error).message);
      this.sendEvent(new TerminatedEvent());
      return;
    }
    for (const d of this.loaded.diagnostics)
      if (d.severity !== 'info')
        this.out(`${d.file}:${d.range.start.line + 1}: ${d.severity} ${d.code}: ${d.message}\n`);
    this.noDebug = !!args.noDebug;
    for (const p of this.pendingBps) this.setBreakPointsRequest(p.response, p.args);
    this.pendingBps = [];
    this.sendEvent(new InitializedEvent());
    await this.configured;
    this.sendResponse(response);
    const e = this.engine;
    this.out(
      `VTA ${this.loaded.program.target.name}: ${count(this.loaded.program.insns.length, 'instruction')}, ${e.simMode === 'functional' ? 'functional (time counts instructions)' : e.simMode === 'timing' ? 'timing estimate (cycles; no data moves)' : 'timing estimate (cycles) with data'}\n`,
    );
    if (args.stopOnEntry) this.stopped({ reason: 'entry' });
    else this.startContinue();
  }

  private summaryText(summary: SimSummary, paused = true): string {
    const text = shortSummary(basename(this.loaded?.file ?? 'program'), summary);
    return paused ? `${text}Continue or step to end the session; the Variables view shows the final state.\n` : text;
  }

  private out(text: string): void {
    this.sendEvent(new OutputEvent(text, 'console'));
  }

  // --- stops ---------------------------------------------------------------------

  private stopped(stop: Stop, threadId?: number): void {
    this.running = false;
    this.lastStop = stop;
    this.handles.reset();
    // The end of the run: its summary in the Debug Console, focus on FINISH's module (whose
    // frame shows where the run ended); continuing or stepping on ends the session.
    if (stop.summary) this.out(this.summaryText(stop.summary));
    const tid = stop.summary
      ? THREAD_OF.ex
      : (threadId ?? (stop.module ? THREAD_OF[stop.module] : this.busiestThread()));
    const ev = new StoppedEvent(stop.reason, tid, stop.text) as DebugProtocol.StoppedEvent;
    ev.body.allThreadsStopped = true;
    if (stop.description) ev.body.description = stop.description;
    if (stop.hitBreakpointIds) ev.body.hitBreakpointIds = stop.hitBreakpointIds;
    this.sendEvent(ev);
    // Lets the simulator view follow the debugger (only cycles mean the same there).
    const e = this.engine;
    if (e && e.sim.timeUnit === 'cycle') this.sendEvent(new DapEvent('vtaCycle', { cycle: e.clock }));
  }

  /** The thread to focus without a better hint: the first module with an instruction left. */
  private busiestThread(): number {
    const v = this.engine?.modules().find((m) => m.insnIndex >= 0);
    return v ? THREAD_OF[v.module] : 1;
  }

  private startContinue(): void {
    const e = this.engine!;
    if (e.ended) {
      this.sendEvent(new TerminatedEvent());
      return;
    }
    this.running = true;
    e.pauseRequested = false;
    const tick = () => {
      if (!this.running) return;
      let stop: Stop | undefined;
      try {
        stop = e.continueSlice(SLICE_MS);
      } catch (err) {
        this.out(`internal error: ${(err as Error).stack}\n`);
        stop = { reason: 'pause' };
      }
      if (stop && this.noDebug && (stop.reason === 'finished' || stop.reason === 'exception')) {
        // Run without debugging: report the end and terminate.
        this.running = false;
        this.out(stop.summary ? this.summaryText(stop.summary, false) : `${stop.text}\n`);
        this.sendEvent(new TerminatedEvent());
      } else if (stop) this.stopped(stop);
      else setImmediate(tick);
    };
    setImmediate(tick);
  }

  private motion(response: DebugProtocol.Response, threadId: number | undefined, f: (e: DebugEngine) => Stop): void {
    const e = this.engine;
    if (!e) return this.sendErrorResponse(response, 1002, 'no program is running');
    let stop: Stop;
    try {
      stop = f(e);
    } catch (err) {
      return this.sendErrorResponse(response, 1003, (err as Error).message);
    }
    this.sendResponse(response);
    this.stopped(stop, threadId);
  }

  private forward(response: DebugProtocol.Response, threadId: number | undefined, f: (e: DebugEngine) => Stop): void {
    if (this.engine?.ended) {
      this.sendResponse(response);
      this.sendEvent(new TerminatedEvent());
      return;
    }
    this.motion(response, threadId, f);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    if (!this.engine) return this.sendErrorResponse(response, 1002, 'no program is running');
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    this.startContinue();
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    if (this.engine && this.running) this.engine.pauseRequested = true;
    this.sendResponse(response);
  }

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.forward(response, args.threadId, (e) =>
      e.next(args.threadId === undefined ? undefined : MODULE_OF(args.threadId)),
    );
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.forward(response, args.threadId, (e) => e.stepModuleEvent(MODULE_OF(args.threadId)));
  }

  protected override stepOutRequest(
    response: DebugProtocol.StepOutResponse,
    args: DebugProtocol.StepOutArguments,
  ): void {
    this.forward(response, args.threadId, (e) => e.stepModuleInsn(MODULE_OF(args.threadId)));
  }

  protected override stepBackRequest(
    response: DebugProtocol.StepBackResponse,
    args: DebugProtocol.StepBackArguments,
  ): void {
    this.motion(response, args.threadId, (e) => e.stepBack());
  }

  protected override reverseContinueRequest(
    response: DebugProtocol.ReverseContinueResponse,
    args: DebugProtocol.ReverseContinueArguments,
  ): void {
    this.motion(response, args.threadId, (e) => e.reverseContinue());
  }

  protected override customRequest(
    command: string,
    response: DebugProtocol.Response,
    args: { threadId?: number } | undefined,
  ): void {
    if (command === 'stepCycle') {
      this.forward(response, args?.threadId, (e) => e.stepCycle());
      return;
    }
    if (command === 'simState') {
      // The simulator's position, for views that follow the session.
      const e = this.engine;
      response.body = e ? { time: e.clock, steps: e.sim.steps, status: e.status, timeUnit: e.sim.timeUnit } : undefined;
      this.sendResponse(response);
      return;
    }
    super.customRequest(command, response, args);
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.running = false;
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  protected override disconnectRequest(
    response: DebugProtocol.DisconnectResponse,
    args: DebugProtocol.DisconnectArguments,
  ): void {
    this.running = false;
    // Responds, then (over stdio only) ends the process.
    super.disconnectRequest(response, args);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const err = this.engine?.error;
    response.body = err
      ? {
          exceptionId: err.code,
          description: err.message,
          breakMode: 'always',
          details: { message: err.message, stackTrace: errorText(err) },
        }
      : { exceptionId: 'none', description: this.lastStop?.description ?? 'no simulation error', breakMode: 'never' };
    this.sendResponse(response);
  }

  // --- breakpoints ----------------------------------------------------------------

  private fileOf(source: DebugProtocol.Source): string | undefined {
    if (!this.loaded) return source.path;
    if (source.sourceReference === LISTING_REF || (this.loaded.listing && source.path === this.loaded.file))
      return this.loaded.file;
    return source.path;
  }

  protected override setBreakPointsRequest(
    response: DebugProtocol.SetBreakpointsResponse,
    args: DebugProtocol.SetBreakpointsArguments,
  ): void {
    const e = this.engine;
    if (!e) {
      this.pendingBps.push({ response, args });
      return;
    }
    const file = this.fileOf(args.source);
    const specs = (args.breakpoints ?? []).map((b) => ({
      line: b.line,
      condition: b.condition,
      hitCondition: b.hitCondition,
      logMessage: b.logMessage,
    }));
    const bps = file ? e.setLineBreakpoints(file, this.noDebug ? [] : specs) : [];
    if (this.noDebug || !file) {
      response.body = {
        breakpoints: specs.map((b) => ({
          verified: false,
          line: b.line,
          message: this.noDebug ? 'running without debugging' : 'no source',
        })),
      };
      this.sendResponse(response);
      return;
    }
    response.body = {
      breakpoints: bps.map((b) => ({
        id: b.id,
        verified: b.verified,
        line: b.line,
        message: b.message,
        source: this.sourceFor(file ?? ''),
      })),
    };
    this.sendResponse(response);
  }

  protected override breakpointLocationsRequest(
    response: DebugProtocol.BreakpointLocationsResponse,
    args: DebugProtocol.BreakpointLocationsArguments,
  ): void {
    const file = this.fileOf(args.source);
    const lines = file && this.engine ? this.engine.instructionLines(file).map((l) => l + 1) : [];
    const end = args.endLine ?? args.line;
    response.body = { breakpoints: lines.filter((l) => l >= args.line && l <= end).map((line) => ({ line })) };
    this.sendResponse(response);
  }

  protected override dataBreakpointInfoRequest(
    response: DebugProtocol.DataBreakpointInfoResponse,
    args: DebugProtocol.DataBreakpointInfoArguments,
  ): void {
    const e = this.engine;
    let expr = args.name;
    if (args.variablesReference) {
      const ref = this.handles.get(args.variablesReference);
      if (ref?.k === 'rows')
        expr =
          ref.src === 'dram'
            ? ''
            : `${ref.src}[${/^\d+$/.test(args.name) ? args.name : args.name.replace(/^\[|\]$/g, '')}]`;
      else if (ref?.k === 'lanes') expr = ref.label;
      else if (ref?.k === 'buffers') expr = args.name.toLowerCase();
      else if (ref?.k === 'queues') expr = args.name;
    }
    const r = e && expr ? e.dataIdFor(expr) : { error: 'no data breakpoint here' };
    response.body =
      'error' in r
        ? { dataId: null, description: r.error }
        : { dataId: r.dataId, description: r.description, accessTypes: r.accessTypes, canPersist: true };
    this.sendResponse(response);
  }

  protected override setDataBreakpointsRequest(
    response: DebugProtocol.SetDataBreakpointsResponse,
    args: DebugProtocol.SetDataBreakpointsArguments,
  ): void {
    const e = this.engine;
    if (!e) return this.sendErrorResponse(response, 1002, 'no program is running');
    const bps = e.setDataBreakpoints(
      args.breakpoints.map((b) => ({
        dataId: b.dataId,
        accessType: b.accessType,
        condition: b.condition,
        hitCondition: b.hitCondition,
      })),
    );
    response.body = {
      breakpoints: bps.map((b) => ({
        id: b.id,
        verified: b.verified,
        message: b.message ?? `${b.label}: ${count(b.insns.size, 'instruction')}`,
      })),
    };
    this.sendResponse(response);
  }

  protected override setInstructionBreakpointsRequest(
    response: DebugProtocol.SetInstructionBreakpointsResponse,
    args: DebugProtocol.SetInstructionBreakpointsArguments,
  ): void {
    const e = this.engine;
    if (!e) return this.sendErrorResponse(response, 1002, 'no program is running');
    const bps = e.setInstructionBreakpoints(
      args.breakpoints.map((b) => ({
        index: Math.floor((parseAddress(b.instructionReference) + (b.offset ?? 0) * INSN_BYTES) / INSN_BYTES),
        condition: b.condition,
        hitCondition: b.hitCondition,
      })),
    );
    response.body = {
      breakpoints: bps.map((b) => ({
        id: b.id,
        verified: b.verified,
        message: b.message,
        instructionReference: b.insns.length ? addr(b.insns[0]!) : undefined,
      })),
    };
    this.sendResponse(response);
  }

  // --- threads, frames, sources -----------------------------------------------------

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: MODULES.map((m) => new Thread(THREAD_OF[m], MODULE_NAMES[m])) };
    this.sendResponse(response);
  }

  private sourceFor(file: string): Source {
    if (this.loaded?.listing && file === this.loaded.file) return new Source(basename(file), undefined, LISTING_REF);
    return new Source(basename(file), file);
  }

  protected override stackTraceRequest(
    response: DebugProtocol.StackTraceResponse,
    args: DebugProtocol.StackTraceArguments,
  ): void {
    const e = this.engine;
    if (!e) return this.sendErrorResponse(response, 1002, 'no program is running');
    const m = MODULE_OF(args.threadId);
    const v = e.moduleView(m);
    const n = e.byModule[m].length;
    let frame: DebugProtocol.StackFrame;
    if (v.insnIndex < 0) {
      // A module with nothing left: at its last instruction (or the program's first, if it had none).
      const last = e.byModule[m][n - 1];
      const src = e.program.insns[last ?? 0]?.source;
      frame = new StackFrame(
        args.threadId,
        `${MODULE_NAMES[m]}: done, ${count(n, 'instruction')} ran${last === undefined ? ' (it had none)' : ''}`,
        src ? this.sourceFor(src.file) : undefined,
        src ? src.start.line + 1 : 0,
        src ? src.start.character + 1 : 0,
      );
      if (last !== undefined) frame.instructionPointerReference = addr(last);
    } else {
      const pi = e.program.insns[v.insnIndex]!;
      const src = pi.source;
      const what =
        v.state === 'waiting-token' ? ` — waiting on ${v.waitingOn}` : v.state === 'ready' ? '' : ` — ${v.state}`;
      frame = new StackFrame(
        args.threadId,
        `${MODULE_NAMES[m]} #${v.insnIndex}: ${insnText(pi.insn)}${what}`,
        src ? this.sourceFor(src.file) : undefined,
        src ? src.start.line + 1 : 0,
        src ? src.start.character + 1 : 0,
      );
      frame.instructionPointerReference = addr(v.insnIndex);
    }
    response.body = { stackFrames: [frame], totalFrames: 1 };
    this.sendResponse(response);
  }

  protected override sourceRequest(response: DebugProtocol.SourceResponse, args: DebugProtocol.SourceArguments): void {
    if (args.sourceReference === LISTING_REF && this.loaded?.listing) {
      response.body = { content: this.loaded.listing, mimeType: 'text/x-vta-disassembly' };
      this.sendResponse(response);
      return;
    }
    this.sendErrorResponse(response, 1004, 'no such source');
  }

  // --- variables --------------------------------------------------------------------

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const m = MODULE_OF(args.frameId);
    const scopes: DebugProtocol.Scope[] = [
      new Scope(`Module ${MODULE_NAMES[m]}`, this.handles.create({ k: 'module', m }), false),
      // All three modules at a glance, whichever thread is selected.
      new Scope('Modules', this.handles.create({ k: 'modules' }), false),
      new Scope('Queues', this.handles.create({ k: 'queues' }), false),
      new Scope('Counters', this.handles.create({ k: 'counters' }), false),
      new Scope('Buffers', this.handles.create({ k: 'buffers' }), true),
    ];
    if (this.engine && this.engine.program.layout.tensors.length)
      scopes.push(new Scope('DRAM tensors', this.handles.create({ k: 'tensors' }), true));
    scopes[0]!.presentationHint = 'locals';
    response.body = { scopes };
    this.sendResponse(response);
  }

  private v(
    name: string,
    value: string,
    ref: Ref | undefined,
    extra: Partial<DebugProtocol.Variable> = {},
  ): DebugProtocol.Variable {
    return { name, value, variablesReference: ref ? this.handles.create(ref) : 0, ...extra };
  }

  protected override variablesRequest(
    response: DebugProtocol.VariablesResponse,
    args: DebugProtocol.VariablesArguments,
  ): void {
    const e = this.engine;
    const ref = this.handles.get(args.variablesReference);
    if (!e || !ref) {
      response.body = { variables: [] };
      this.sendResponse(response);
      return;
    }
    let vars: DebugProtocol.Variable[] = [];
    try {
      vars = this.children(e, ref);
    } catch (err) {
      return this.sendErrorResponse(response, 1005, (err as Error).message);
    }
    // (A count of 0 or none means all, as the protocol says.)
    if (args.start || args.count)
      vars = vars.slice(args.start ?? 0, args.count ? (args.start ?? 0) + args.count : vars.length);
    response.body = { variables: vars };
    this.sendResponse(response);
  }

  private children(e: DebugEngine, ref: Ref): DebugProtocol.Variable[] {
    switch (ref.k) {
      case 'modules':
        return (['ld', 'ex', 'st'] as const).map((m) => {
          const v = e.moduleView(m);
          const state = v.state === 'waiting-token' ? `blocked on ${v.waitingOn}` : v.state;
          const at = v.insnIndex >= 0 ? `: ${insnText(e.program.insns[v.insnIndex]!.insn)}` : '';
          return this.v(MODULE_NAMES[m], `${state}${at}`, { k: 'module', m });
        });
      case 'module': {
        const v = e.moduleView(ref.m);
        const list = e.byModule[ref.m];
        const out = [
          this.v('state', v.state === 'waiting-token' ? `blocked on ${v.waitingOn}` : v.state, undefined),
          this.v('position', `${v.position} of ${list.length} started`, undefined),
        ];
        if (v.insnIndex >= 0) {
          const pi = e.program.insns[v.insnIndex]!;
          out.push(this.v('instruction', insnText(pi.insn), { k: 'insn', i: v.insnIndex }));
          out.push(this.v('index', String(v.insnIndex), undefined));
          if (pi.source) out.push(this.v('line', String(pi.source.start.line + 1), undefined));
          if (pi.label) out.push(this.v('label', pi.label, undefined));
        }
        if (v.waitingOn) out.push(this.v('waiting on', v.waitingOn, undefined));
        if (v.since !== undefined) out.push(this.v('since', String(v.since), undefined));
        out.push(this.v(e.sim.timeUnit === 'cycle' ? 'cycle' : 'step', String(e.clock), undefined));
        return out;
      }
      case 'insn': {
        const insn = e.program.insns[ref.i]!.insn;
        return Object.entries(insn).map(([k, val]) => this.v(k, String(val), undefined));
      }
      case 'queues':
        return e.sim.queues().map((q) =>
          this.v(q.queue, String(q.tokens), undefined, {
            evaluateName: `queue("${q.queue}")`,
            type: `pushed ${q.pushed}, popped ${q.popped}`,
          }),
        );
      case 'counters': {
        const out = Object.entries(e.sim.counters()).map(([k, val]) => this.v(k, String(val), undefined));
        out.unshift(
          this.v('status', e.status, undefined),
          this.v(e.sim.timeUnit === 'cycle' ? 'cycle' : 'step', String(e.clock), undefined, { evaluateName: 'cycle' }),
          this.v('steps', String(e.sim.steps), undefined),
        );
        return out;
      }
      case 'buffers':
        return [...SRAMS, 'dram' as const].map((b) => {
          const src = e.sources.get(b)!;
          return this.v(
            b.toUpperCase(),
            `${src.rows} ${b === 'dram' ? 'bytes' : 'rows'}`,
            { k: 'rows', src: b, lo: 0, hi: src.rows },
            { evaluateName: b, memoryReference: b },
          );
        });
      case 'tensors':
        return e.program.layout.tensors.map((t) =>
          this.v(
            t.name,
            `${t.mem}[${t.count}] at DRAM byte ${t.byteOffset}`,
            { k: 'rows', src: t.name, lo: 0, hi: t.count },
            { evaluateName: t.name, memoryReference: 'dram' },
          ),
        );
      case 'rows': {
        const src = e.sources.get(ref.src)!;
        const n = ref.hi - ref.lo;
        if (n > CHUNK) {
          let chunk = CHUNK;
          while (n / chunk > CHUNK) chunk *= CHUNK;
          const out: DebugProtocol.Variable[] = [];
          for (let a = ref.lo; a < ref.hi; a += chunk) {
            const b = Math.min(ref.hi, a + chunk);
            out.push(
              this.v(
                `[${a}:${b}]`,
                `${b - a} rows`,
                { k: 'rows', src: ref.src, lo: a, hi: b },
                { evaluateName: `${ref.src}[${a}:${b}]` },
              ),
            );
          }
          return out;
        }
        const out: DebugProtocol.Variable[] = [];
        for (let r = ref.lo; r < ref.hi; r++) {
          const lanes = src.read(r);
          if (src.scalarRows)
            out.push(this.v(String(r), String(lanes[0]), undefined, { evaluateName: `${ref.src}[${r}]` }));
          else
            out.push(
              this.v(
                String(r),
                lanesText(lanes),
                { k: 'lanes', label: `${ref.src}[${r}]`, values: lanes },
                { evaluateName: `${ref.src}[${r}]` },
              ),
            );
        }
        return out;
      }
      case 'lanes':
        return ref.values.map((x, k) =>
          this.v(String(k), String(x), undefined, { evaluateName: `${ref.label}[${k}]` }),
        );
    }
  }

  protected override setVariableRequest(
    response: DebugProtocol.SetVariableResponse,
    args: DebugProtocol.SetVariableArguments,
  ): void {
    const e = this.engine;
    const ref = this.handles.get(args.variablesReference);
    const m = ref?.k === 'lanes' ? /^(inp|wgt|acc)\[(\d+)\]$/.exec(ref.label) : null;
    const lane = Number(args.name);
    const value = Number(args.value);
    if (!e || !m || ref?.k !== 'lanes' || !Number.isInteger(lane) || !Number.isInteger(value)) {
      return this.sendErrorResponse(response, 1009, 'only lanes of INP, WGT and ACC rows can be set (to an integer)');
    }
    const wide = m[1] === 'acc';
    const lanes = ref.values.length;
    const bytes = wide ? new Uint8Array(new Int32Array([value]).buffer) : new Uint8Array(new Int8Array([value]).buffer);
    try {
      e.writeMemory(m[1]!, Number(m[2]) * lanes * (wide ? 4 : 1) + lane * (wide ? 4 : 1), bytes);
    } catch (err) {
      return this.sendErrorResponse(response, 1008, (err as Error).message);
    }
    const now = e.sources.get(m[1]!)!.read(Number(m[2]))[lane]!;
    ref.values[lane] = now;
    response.body = { value: String(now) };
    this.sendResponse(response);
  }

  protected override evaluateRequest(
    response: DebugProtocol.EvaluateResponse,
    args: DebugProtocol.EvaluateArguments,
  ): void {
    const e = this.engine;
    if (!e) return this.sendErrorResponse(response, 1002, 'no program is running');
    let v: Value;
    try {
      v = e.evaluate(args.expression);
    } catch (err) {
      // Shown where it was typed (Debug Console, watch, hover), never as a notification too.
      return this.sendErrorResponse(response, { id: 1006, format: (err as Error).message, showUser: false });
    }
    const ref: Ref | undefined =
      typeof v === 'number'
        ? undefined
        : v.kind === 'rows'
          ? { k: 'rows', src: v.src.name, lo: v.lo, hi: v.hi }
          : { k: 'lanes', label: v.label, values: v.values };
    response.body = { result: describe(v), variablesReference: ref ? this.handles.create(ref) : 0 };
    if (typeof v !== 'number' && v.kind === 'rows' && (SRAMS as readonly string[]).concat('dram').includes(v.src.name))
      response.body.memoryReference = v.src.name;
    this.sendResponse(response);
  }

  // --- memory and disassembly ---------------------------------------------------------

  protected override readMemoryRequest(
    response: DebugProtocol.ReadMemoryResponse,
    args: DebugProtocol.ReadMemoryArguments,
  ): void {
    const mem = this.engine?.memoryBytes(args.memoryReference);
    if (!mem)
      return this.sendErrorResponse(
        response,
        1007,
        `unknown memory ${args.memoryReference} (dram, ${SRAMS.join(', ')})`,
      );
    const start = args.offset ?? 0;
    // At most MAX_READ_BYTES per answer: a client reads on from where it ends. Bytes past the memory are unreadable.
    const count = Math.min(args.count, MAX_READ_BYTES);
    const bytes = start >= 0 ? mem.read(start, count) : new Uint8Array(0);
    response.body = {
      address: `0x${Math.max(0, start).toString(16)}`,
      data: Buffer.from(bytes).toString('base64'),
      unreadableBytes: bytes.length < count ? args.count - bytes.length : 0,
    };
    this.sendResponse(response);
  }

  protected override writeMemoryRequest(
    response: DebugProtocol.WriteMemoryResponse,
    args: DebugProtocol.WriteMemoryArguments,
  ): void {
    const e = this.engine;
    if (!e) return this.sendErrorResponse(response, 1002, 'no program is running');
    try {
      const n = e.writeMemory(args.memoryReference, args.offset ?? 0, new Uint8Array(Buffer.from(args.data, 'base64')));
      response.body = { offset: args.offset ?? 0, bytesWritten: n };
      this.out(
        `wrote ${count(n, 'byte')} of ${args.memoryReference}; stepping back now stops here (the recorded history does not contain the write)\n`,
      );
    } catch (err) {
      return this.sendErrorResponse(response, 1008, (err as Error).message);
    }
    this.sendResponse(response);
  }

  protected override disassembleRequest(
    response: DebugProtocol.DisassembleResponse,
    args: DebugProtocol.DisassembleArguments,
  ): void {
    const e = this.engine;
    if (!e) return this.sendErrorResponse(response, 1002, 'no program is running');
    const base = parseAddress(args.memoryReference) + (args.offset ?? 0);
    const first = Math.floor(base / INSN_BYTES) + (args.instructionOffset ?? 0);
    const out: DebugProtocol.DisassembledInstruction[] = [];
    let lastFile: string | undefined;
    // Counted by k: past 2^53 `first + k` no longer changes, and the count is at most MAX_DISASSEMBLE (args.ts).
    for (let k = 0; k < args.instructionCount; k++) {
      const i = first + k;
      const pi = Number.isSafeInteger(i) && i >= 0 ? e.program.insns[i] : undefined;
      if (!pi) {
        out.push({
          address: Number.isSafeInteger(i) ? addr(Math.max(i, 0)) : '0x0',
          instruction: '??',
          presentationHint: 'invalid',
        });
        continue;
      }
      const d: DebugProtocol.DisassembledInstruction = {
        address: addr(i),
        instruction: insnText(pi.insn),
        symbol: pi.label,
      };
      if (args.resolveSymbols !== false && pi.source) {
        if (pi.source.file !== lastFile) d.location = this.sourceFor(pi.source.file);
        lastFile = pi.source.file;
        d.line = pi.source.start.line + 1;
      }
      out.push(d);
    }
    response.body = { instructions: out };
    this.sendResponse(response);
  }
}

const addr = (i: number): string => `0x${(i * INSN_BYTES).toString(16)}`;

function parseAddress(ref: string): number {
  if (ref === 'insns' || ref === 'program') return 0;
  const n = Number(ref);
  return Number.isFinite(n) ? n : 0;
}
