/**
 * The timing scheduler's batched run (`run()` without snapshots: `runSteps`, what the
 * CLI, `vta tune` and the design-space explorer use) against the same program stepped
 * one scheduler step at a time through the stepping API (`stepEvent`, which calls
 * `step()`): the reference the debugger relies on. Over hundreds of random programs,
 * every timing row (1-beat to 256-beat bursts, short and long DRAM latencies), the
 * shipped schedule layers, deadlocks and step and cycle limits, everything a caller
 * can read must be identical: stop reason, cycles, steps, statistics, counters, the
 * step at which each instruction started, module and queue views, and the trace.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Program } from '../../core/program/program';
import { figuresWithKnobs, layerStream, lintSchedule, loweredProgram, parseSchedule } from '../../core/schedule';
import type { SimOptions, StopReason } from '../../core/sim';
import { Simulator } from '../../core/sim';
import { Prng } from '../../core/sim/prng';
import { randomProgram } from '../support/random-built-program';
import { TIMING_ROWS } from '../../core/sim/timing-params';

/** The reference: one scheduler step at a time, through the stepping API. */
function stepped(p: Program, opts: SimOptions): { sim: Simulator; reason: StopReason } {
  const sim = new Simulator(p, { ...opts, snapshots: false });
  let reason: StopReason;
  do reason = sim.stepEvent();
  while (reason === 'event');
  return { sim, reason };
}

function batched(p: Program, opts: SimOptions): { sim: Simulator; reason: StopReason } {
  const sim = new Simulator(p, { ...opts, snapshots: false });
  return { sim, reason: sim.run() };
}

/** Everything a caller can read after a run, compared. */
function assertSameRuns(p: Program, opts: SimOptions, what: string): number {
  const a = batched(p, opts),
    b = stepped(p, opts);
  const x = a.sim,
    y = b.sim;
  assert.equal(a.reason, b.reason, `${what}: stop reason`);
  assert.equal(x.time, y.time, `${what}: cycles`);
  assert.equal(x.steps, y.steps, `${what}: steps`);
  assert.equal(x.status, y.status, what);
  assert.deepEqual(x.error?.toJSON(), y.error?.toJSON(), what);
  assert.deepEqual(x.result(a.reason), y.result(b.reason), `${what}: result (summary, counters, unexecuted)`);
  assert.deepEqual(
    p.insns.map((_, i) => x.startedAtStep(i)),
    p.insns.map((_, i) => y.startedAtStep(i)),
    `${what}: start steps`,
  );
  assert.deepEqual(x.modules(), y.modules(), `${what}: modules`);
  assert.deepEqual(x.queues(), y.queues(), `${what}: queues`);
  if (opts.trace !== false) assert.deepEqual(x.trace(), y.trace(), `${what}: trace`);
  return x.steps;
}

/** A copy of `p` whose instruction `i` neither pushes nor pops: a token protocol that may deadlock. */
function withoutTokens(p: Program, i: number): Program {
  const insns = p.insns.map((x, k) =>
    k === i ? { ...x, insn: { ...x.insn, pop_prev_dep: 0, pop_next_dep: 0, push_prev_dep: 0, push_next_dep: 0 } } : x,
  );
  return { ...p, insns };
}

describe('timing runs in batches give what stepping one step at a time gives', () => {
  it('300 random programs, every timing row, with and without a trace', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const p = randomProgram(1000 + seed, { maxBlocks: 10, maxOpsPerBlock: 6 });
      const timing = TIMING_ROWS[seed % TIMING_ROWS.length]!;
      const mode = seed % 7 === 0 ? 'both' : 'timing';
      assertSameRuns(p, { mode, timing, trace: seed % 2 === 0 }, `seed ${seed}, ${timing}, ${mode}`);
    }
  });

  it('a long double-buffered stream, timing and both, with and without a trace', () => {
    const p = randomProgram(2024, { blocks: 300, maxOpsPerBlock: 4 });
    for (const mode of ['timing', 'both'] as const) {
      for (const trace of [false, true]) assertSameRuns(p, { mode, trace }, `${mode}, trace ${trace}`);
    }
  });

  it('random programs stopped by step and cycle limits at random points', () => {
    const r = new Prng(18);
    for (let seed = 1; seed <= 60; seed++) {
      const p = randomProgram(2000 + seed, { maxBlocks: 8, maxOpsPerBlock: 5 });
      const timing = TIMING_ROWS[seed % TIMING_ROWS.length]!;
      const full = batched(p, { mode: 'timing', timing, trace: false }).sim;
      const maxSteps = 1 + r.int(full.steps);
      assertSameRuns(p, { mode: 'timing', timing, maxSteps }, `seed ${seed}, ${timing}, maxSteps ${maxSteps}`);
      const maxCycles = r.int(full.time + 1);
      assertSameRuns(p, { mode: 'timing', timing, maxCycles }, `seed ${seed}, ${timing}, maxCycles ${maxCycles}`);
    }
  });

  it('programs whose tokens deadlock or that lack FINISH end with the same error at the same step', () => {
    const r = new Prng(81);
    let failed = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const p0 = randomProgram(3000 + seed, { maxBlocks: 6, maxOpsPerBlock: 4 });
      const p = seed % 5 === 0 ? { ...p0, insns: p0.insns.slice(0, -1) } : withoutTokens(p0, r.int(p0.insns.length));
      const timing = TIMING_ROWS[seed % TIMING_ROWS.length]!;
      assertSameRuns(p, { mode: 'timing', timing }, `seed ${seed}, ${timing}`);
      if (new Simulator(p, { mode: 'timing', timing, snapshots: false }).run() !== 'finished') failed++;
    }
    assert.ok(failed >= 20, `only ${failed} of the altered programs failed`);
  });

  it('the shipped schedule layers, lowered directly, on every timing row', () => {
    const sched = parseSchedule(readFileSync(join(import.meta.dirname, '../../examples/resnet18.vtasched'), 'utf8'));
    const lint = lintSchedule(sched);
    const t = lint.target!;
    let compared = 0;
    for (const layer of lint.layers) {
      const f = figuresWithKnobs(layer.layer, t);
      if ('errors' in f) continue; // knobs that do not fit: the lint reports them
      const { program, diagnostics } = loweredProgram(layerStream(f, t, { file: 'r.vtasched' }), t, {
        data: false,
        checkFields: false,
      });
      if (diagnostics.length) continue;
      for (const timing of ['sim', 'pynq', 'de10nano']) {
        assertSameRuns(program, { mode: 'timing', timing, trace: false }, `${f.layer.name}, ${timing}`);
      }
      compared++;
    }
    assert.ok(compared >= 2, `only ${compared} layers compared`);
  });
});
