/**
 * Worker side: assemble, simulate (timing mode, with trace) and turn the trace into
 * the column-wise view model. Pure (no DOM), so benchmarks and tests run it in Node.
 */
import { assembleText } from '../../core/asm';
import { isNop, Opcode, shippedTarget } from '../../core/isa';
import type { Program } from '../../core/program/program';
import { liveIntervals, Simulator, mnemonic, simGeometry, toChromeTrace } from '../../core/sim';
import type { SimTrace } from '../../core/sim';
import type { BufferKey, BufferView, Heatmap, Lane, ModuleKey, Problem, QueueView, ViewModel } from './model';
import { BUFFER_KEYS, CAUSES, MODULE_KEYS, QUEUE_KEYS } from './model';

/** Largest program (instructions) the view simulates. */
export const MAX_VIEW_INSNS = 1_000_000;
const HEAT_ROW_BINS = 64;
const HEAT_COLS = 256;

export type RunOutcome =
  | { ok: true; model: ViewModel; program: Program; trace: SimTrace }
  | { ok: false; message: string; problems: Problem[] };

export function runProgram(text: string, file: string, targetName?: string): RunOutcome {
  const t0 = performance.now();
  let target;
  if (targetName !== undefined) {
    target = shippedTarget(targetName);
    if (!target) return { ok: false, message: `unknown target ${JSON.stringify(targetName)}`, problems: [] };
  }
  const asm = assembleText(text, target ? { file, target } : { file });
  const errors = asm.diagnostics.filter((d) => d.severity === 'error');
  if (!asm.program || errors.length) {
    const problems = errors
      .slice(0, 50)
      .map((d) => ({ line: d.range.start.line, message: d.message, severity: d.severity }));
    const n = errors.length;
    return {
      ok: false,
      message: n
        ? `The program does not assemble: ${n} error${n === 1 ? '' : 's'}.`
        : 'The program could not be built.',
      problems,
    };
  }
  const program = asm.program;
  if (program.insns.length === 0) return { ok: false, message: 'The program has no instructions.', problems: [] };
  if (program.insns.length > MAX_VIEW_INSNS) {
    return {
      ok: false,
      message: `The program has ${program.insns.length} instructions; the simulator view shows at most ${MAX_VIEW_INSNS}.`,
      problems: [],
    };
  }
  const t1 = performance.now();
  let trace: SimTrace;
  try {
    const sim = new Simulator(program, {
      mode: 'timing',
      trace: { maxInsns: MAX_VIEW_INSNS },
      snapshots: false,
      maxSteps: 200_000_000,
    });
    sim.run();
    trace = sim.trace();
  } catch (e) {
    return { ok: false, message: `The simulator stopped: ${(e as Error).message}`, problems: [] };
  }
  const t2 = performance.now();
  const model = buildModel(program, trace, file);
  model.workerMs = { assemble: t1 - t0, simulate: t2 - t1, model: performance.now() - t2 };
  return { ok: true, model, program, trace };
}

export function chromeJson(program: Program, trace: SimTrace): string {
  return JSON.stringify(toChromeTrace(trace, program));
}

export function buildModel(program: Program, trace: SimTrace, file: string): ViewModel {
  const n = program.insns.length;
  const labels: string[] = [];
  const labelIds = new Map<string, number>();
  const labelOf = new Uint16Array(n);
  const line = new Int32Array(n).fill(-1);
  const files: string[] = [];
  const fileIds = new Map<string, number>();
  const fileOf = new Uint16Array(n);
  program.insns.forEach((pi, i) => {
    const name = mnemonic(pi.insn) + (pi.origin === 'token-nop' ? ' (token)' : '');
    let id = labelIds.get(name);
    if (id === undefined) {
      id = labels.length;
      labels.push(name);
      labelIds.set(name, id);
    }
    labelOf[i] = id;
    if (pi.source) {
      line[i] = pi.source.start.line;
      let f = fileIds.get(pi.source.file);
      if (f === undefined) {
        f = files.length;
        files.push(pi.source.file);
        fileIds.set(pi.source.file, f);
      }
      fileOf[i] = f;
    } else {
      if (!fileIds.has(file)) {
        fileIds.set(file, files.length);
        files.push(file);
      }
      fileOf[i] = fileIds.get(file)!;
    }
  });

  // Lanes.
  const perModule: Record<ModuleKey, number> = { ld: 0, ex: 0, st: 0 };
  for (const r of trace.insns) perModule[r.module]++;
  const lanes: Lane[] = MODULE_KEYS.map((m) => ({
    module: m,
    idx: new Int32Array(perModule[m]),
    start: new Float64Array(perModule[m]),
    end: new Float64Array(perModule[m]),
  }));
  const fill: Record<ModuleKey, number> = { ld: 0, ex: 0, st: 0 };
  let endTime = Math.max(trace.summary.time, 1);
  const busIdx: number[] = [];
  for (const r of trace.insns) {
    const lane = lanes[MODULE_KEYS.indexOf(r.module)]!;
    const k = fill[r.module]++;
    lane.idx[k] = r.index;
    lane.start[k] = r.start;
    lane.end[k] = r.end;
    if (r.end > endTime) endTime = r.end;
    const insn = program.insns[r.index]!.insn;
    if ((insn.opcode === Opcode.LOAD || insn.opcode === Opcode.STORE) && !isNop(insn)) busIdx.push(r.index);
  }
  // In-lane order: by start (already), stable.
  const startOf = new Float64Array(n).fill(-1),
    endOf = new Float64Array(n).fill(-1);
  for (const l of lanes)
    for (let k = 0; k < l.idx.length; k++) {
      startOf[l.idx[k]!] = l.start[k]!;
      endOf[l.idx[k]!] = l.end[k]!;
    }
  const bus = {
    start: new Float64Array(busIdx.length),
    end: new Float64Array(busIdx.length),
    idx: Int32Array.from(busIdx),
  };
  busIdx.forEach((i, k) => {
    bus.start[k] = startOf[i]!;
    bus.end[k] = endOf[i]!;
  });

  const S = trace.stalls.length;
  const stalls = {
    module: new Uint8Array(S),
    index: new Int32Array(S),
    start: new Float64Array(S),
    end: new Float64Array(S),
    cause: new Uint8Array(S),
    queue: new Int8Array(S),
  };
  trace.stalls.forEach((s, k) => {
    stalls.module[k] = MODULE_KEYS.indexOf(s.module);
    stalls.index[k] = s.index;
    stalls.start[k] = s.start;
    stalls.end[k] = s.end;
    stalls.cause[k] = CAUSES.indexOf(s.cause);
    stalls.queue[k] = s.queue ? QUEUE_KEYS.indexOf(s.queue) : -1;
    if (s.end > endTime) endTime = s.end;
  });
  const T = trace.tokens.length;
  const tokens = {
    queue: new Uint8Array(T),
    pushIdx: new Int32Array(T),
    pushTime: new Float64Array(T),
    popIdx: new Int32Array(T),
    popTime: new Float64Array(T),
  };
  trace.tokens.forEach((t, k) => {
    tokens.queue[k] = QUEUE_KEYS.indexOf(t.queue);
    tokens.pushIdx[k] = t.push.index;
    tokens.pushTime[k] = t.push.time;
    tokens.popIdx[k] = t.pop ? t.pop.index : -1;
    tokens.popTime[k] = t.pop ? t.pop.time : endTime;
  });

  const queues: QueueView[] = QUEUE_KEYS.map((q, qi) => {
    const ev: Array<[number, number]> = [];
    for (let k = 0; k < T; k++) {
      if (tokens.queue[k] !== qi) continue;
      ev.push([tokens.pushTime[k]!, 1]);
      if (tokens.popIdx[k]! >= 0) ev.push([tokens.popTime[k]!, -1]);
    }
    ev.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const time: number[] = [0],
      depth: number[] = [0];
    let held = 0,
      max = 0;
    for (const [t, d] of ev) {
      held += d;
      if (held > max) max = held;
      if (time[time.length - 1] === t) depth[depth.length - 1] = held;
      else {
        time.push(t);
        depth.push(held);
      }
    }
    return { queue: q, time: Float64Array.from(time), depth: Int32Array.from(depth), max };
  });

  const g = simGeometry(program.target);
  const depths: Record<BufferKey, number> = { inp: g.inpDepth, wgt: g.wgtDepth, acc: g.accDepth, uop: g.uopDepth };
  const buffers = BUFFER_KEYS.map((b) => bufferView(b, depths[b], trace, endTime));

  const c = trace.summary.counters as unknown as Record<string, number>;
  const bytes: Record<string, number> = {
    inp: c.inp_load_nbytes ?? 0,
    wgt: c.wgt_load_nbytes ?? 0,
    acc: c.acc_load_nbytes ?? 0,
    uop: c.uop_load_nbytes ?? 0,
    out: c.out_store_nbytes ?? 0,
  };
  const model: ViewModel = {
    file,
    target: trace.target,
    timeUnit: trace.timeUnit,
    estimate: trace.estimate,
    clockMHz: trace.clockMHz,
    endTime,
    insnCount: n,
    lanes,
    labels,
    labelOf,
    line,
    files,
    fileOf,
    stalls,
    tokens,
    bus,
    queues,
    buffers,
    summary: trace.summary,
    bytes,
    workerMs: { assemble: 0, simulate: 0, model: 0 },
  };
  if (trace.timingRow) model.timingRow = trace.timingRow;
  if (trace.truncated) model.truncated = trace.truncated;
  if (trace.error) {
    const src = trace.error.source;
    model.error = { message: trace.error.message, line: src ? src.start.line : -1, file: src ? src.file : file };
  }
  return model;
}

/**
 * Live rows of one buffer (the core's rule: a row is live from its write until the
 * end of the last read of that value; a value never read is never live), exact as a
 * step function, plus a rows × time heatmap of the live fraction.
 */
function bufferView(name: BufferKey, depth: number, trace: SimTrace, endTime: number): BufferView {
  const evT: number[] = [],
    evD: number[] = [];
  const rowBins = Math.min(HEAT_ROW_BINS, depth);
  const rowsPerBin = Math.ceil(depth / rowBins);
  const cols = HEAT_COLS;
  const colTime = Math.max(endTime, 1) / cols;
  const heat = new Float32Array(rowBins * cols);
  liveIntervals(trace.accesses, name, depth, (r, s, e) => {
    evT.push(s, e);
    evD.push(1, -1);
    const base = Math.floor(r / rowsPerBin) * cols;
    const c0 = Math.min(cols - 1, Math.floor(s / colTime)),
      c1 = Math.min(cols - 1, Math.floor(e / colTime));
    for (let c = c0; c <= c1; c++) {
      const lo = Math.max(s, c * colTime),
        hi = Math.min(e, (c + 1) * colTime);
      if (hi > lo) heat[base + c] += (hi - lo) / colTime / rowsPerBin;
    }
  });
  const order = Array.from(evT.keys()).sort((a, b) => evT[a]! - evT[b]! || evD[a]! - evD[b]!);
  const time: number[] = [0],
    live: number[] = [0];
  let cur = 0,
    peak = 0,
    peakTime = 0;
  for (const k of order) {
    const t = evT[k]!;
    cur += evD[k]!;
    if (time[time.length - 1] === t) live[live.length - 1] = cur;
    else {
      time.push(t);
      live.push(cur);
    }
  }
  // The peak over settled values (ends before starts at equal times are already ordered).
  for (let k = 0; k < live.length; k++)
    if (live[k]! > peak) {
      peak = live[k]!;
      peakTime = time[k]!;
    }
  const h: Heatmap = { rowBins, rowsPerBin, cols, colTime, data: heat };
  return { name, depth, peak, peakTime, time: Float64Array.from(time), live: Int32Array.from(live), heat: h };
}
