/**
 * Export of a SimTrace to the Chrome trace event format (JSON object form), which
 * Perfetto and chrome://tracing load: one track per module with a slice per
 * instruction and per stall, flow arrows from each token's push to its pop, and
 * counter tracks for tokens held per queue and live rows per buffer.
 *
 * Timestamps are microseconds: cycles / clock MHz in timing mode, and one step per
 * microsecond in functional mode (where there are no cycles).
 */
import type { Insn } from '../isa';
import {
  ALU_OP_NAMES,
  MEM_TYPE_NAMES,
  MODULES,
  MODULE_NAMES,
  Opcode,
  isNop,
  queueConsumer,
  queueProducer,
} from '../isa';
import type { Program } from '../program/program';
import type { SimTrace } from './simulator';

export interface ChromeTraceEvent {
  name: string;
  ph: 'X' | 'M' | 'C' | 's' | 'f' | 'i';
  pid: number;
  tid?: number;
  ts?: number;
  dur?: number;
  cat?: string;
  id?: number;
  bp?: 'e';
  s?: 'g' | 'p' | 't';
  args?: Record<string, unknown>;
}

export interface ChromeTraceFile {
  traceEvents: ChromeTraceEvent[];
  displayTimeUnit: 'ns' | 'ms';
  otherData: Record<string, unknown>;
}

const PID = 1;
const TID: Record<string, number> = { ld: 1, ex: 2, st: 3 };

/** A short mnemonic for slice names: `LOAD INP`, `GEMM reset`, `ALU max imm`, `NOP`… */
export function mnemonic(insn: Insn): string {
  switch (insn.opcode) {
    case Opcode.LOAD:
      return isNop(insn) ? 'NOP' : `LOAD ${MEM_TYPE_NAMES[insn.memory_type] ?? insn.memory_type}`;
    case Opcode.STORE:
      return isNop(insn) ? 'NOP' : 'STORE';
    case Opcode.GEMM:
      return insn.reset_reg ? 'GEMM reset' : 'GEMM';
    case Opcode.ALU:
      return `ALU ${ALU_OP_NAMES[insn.alu_opcode] ?? insn.alu_opcode}${insn.use_imm ? ' imm' : ''}`;
    case Opcode.FINISH:
      return 'FINISH';
    default:
      return `opcode ${insn.opcode}`;
  }
}

export function toChromeTrace(trace: SimTrace, program: Program): ChromeTraceFile {
  const scale = trace.timeUnit === 'cycle' ? 1 / trace.clockMHz : 1;
  // Rounded to the picosecond so that float noise does not show in the JSON.
  const us = (t: number) => Math.round(t * scale * 1e6) / 1e6;
  const ev: ChromeTraceEvent[] = [];
  const what = trace.estimate ? ` — ${trace.timingRow ?? 'timing'} estimate` : ' — functional (1 µs per step)';
  ev.push({ name: 'process_name', ph: 'M', pid: PID, args: { name: `VTA ${trace.target}${what}` } });
  MODULES.forEach((m, k) => {
    ev.push({ name: 'thread_name', ph: 'M', pid: PID, tid: TID[m], args: { name: MODULE_NAMES[m] } });
    ev.push({ name: 'thread_sort_index', ph: 'M', pid: PID, tid: TID[m], args: { sort_index: k } });
  });
  const ends = new Map<number, { start: number; end: number }>();
  for (const r of trace.insns) {
    const pi = program.insns[r.index]!;
    const args: Record<string, unknown> = { index: r.index };
    if (pi.label) args.label = pi.label;
    if (pi.source) args.source = `${pi.source.file}:${pi.source.start.line + 1}`;
    if (pi.origin === 'token-nop') args.origin = 'token NOP';
    ev.push({
      name: mnemonic(pi.insn) + (pi.label ? ` (${pi.label})` : ''),
      cat: r.module,
      ph: 'X',
      pid: PID,
      tid: TID[r.module],
      ts: us(r.start),
      dur: us(Math.max(r.end - r.start, 0)),
      args,
    });
    ends.set(r.index, { start: r.start, end: r.end });
  }
  for (const s of trace.stalls) {
    const name = s.cause === 'token' ? `wait ${s.queue}` : s.cause === 'dram' ? 'wait DRAM bus' : 'wait fetch';
    ev.push({
      name,
      cat: `stall,${s.cause}`,
      ph: 'X',
      pid: PID,
      tid: TID[s.module],
      ts: us(s.start),
      dur: us(s.end - s.start),
      args: { index: s.index },
    });
  }
  // Flow arrows: start inside the pushing slice (just before its end), finish at the popping slice.
  trace.tokens.forEach((t, id) => {
    if (!t.pop) return;
    const from = ends.get(t.push.index);
    if (!from) return;
    const inside = from.end - Math.min(0.5, (from.end - from.start) / 2);
    const producer = queueProducer(t.queue),
      consumer = queueConsumer(t.queue);
    ev.push({ name: t.queue, cat: 'token', ph: 's', id: id + 1, pid: PID, tid: TID[producer], ts: us(inside) });
    ev.push({
      name: t.queue,
      cat: 'token',
      ph: 'f',
      bp: 'e',
      id: id + 1,
      pid: PID,
      tid: TID[consumer],
      ts: us(t.pop.time),
    });
  });
  // Tokens held per queue over time.
  const changes = new Map<string, Array<[number, number]>>();
  for (const t of trace.tokens) {
    const list = changes.get(t.queue) ?? [];
    list.push([t.push.time, 1]);
    if (t.pop) list.push([t.pop.time, -1]);
    changes.set(t.queue, list);
  }
  for (const [q, list] of changes) {
    list.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let held = 0;
    for (const [time, d] of list) {
      held += d;
      ev.push({ name: `tokens ${q}`, ph: 'C', pid: PID, ts: us(time), args: { tokens: held } });
    }
  }
  for (const o of trace.occupancy) {
    if (o.peak === 0) continue;
    let prev = -1;
    o.live.forEach((v, k) => {
      if (v === prev) return;
      prev = v;
      ev.push({
        name: `live rows ${o.buffer.toUpperCase()}`,
        ph: 'C',
        pid: PID,
        ts: us(k * o.bucket),
        args: { rows: v },
      });
    });
  }
  return {
    traceEvents: ev,
    displayTimeUnit: 'ns',
    otherData: {
      generator: 'VTA Studio simulator',
      mode: trace.mode,
      estimate: trace.estimate,
      timeUnit: trace.timeUnit,
      clockMHz: trace.clockMHz,
      summary: trace.summary,
    },
  };
}
