/**
 * The stepping API the debugger drives: forward by event, by instruction (of a
 * module), to a time, to a breakpoint or the end; backward by snapshot + replay;
 * snapshot/restore exactness; limits, cancellation and progress.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemType } from '../../core/isa';
import type { Program } from '../../core/program/program';
import type { SimMode } from '../../core/sim';
import { Simulator } from '../../core/sim';
import { ProgramBuilder } from '../support/program-builder';
import { randomProgram } from '../support/random-built-program';

/** Everything observable about the state, as plain data. */
function fingerprint(sim: Simulator) {
  let h = 0;
  const dram = sim.readDram(0, 1 << 30);
  for (let i = 0; i < dram.length; i++) h = Math.imul(h ^ dram[i]!, 16777619);
  let a = 0;
  const acc = sim.readAcc(0, 128);
  for (let i = 0; i < acc.length; i++) a = Math.imul(a ^ acc[i]!, 16777619);
  return {
    steps: sim.steps,
    time: sim.time,
    status: sim.status,
    counters: sim.counters(),
    modules: sim.modules(),
    queues: sim.queues(),
    dram: h,
    acc: a,
    uops: sim.readUops(0, 64),
    trace: JSON.stringify(sim.trace()),
  };
}

function longProgram(n: number): Program {
  const b = new ProgramBuilder();
  const x = b.data('x', MemType.INP, 4);
  for (let k = 0; k < n; k++) {
    b.load(MemType.INP, { sram: k % 4, dram: x + (k % 4), x: 1 });
    if (k % 3 === 0) {
      b.push('ld->ex');
      b.pop('ld->ex');
      b.nop('ex');
    }
  }
  b.push('ld->ex');
  b.pop('ld->ex');
  b.finish();
  return b.build();
}

describe('forward stepping', () => {
  for (const mode of ['functional', 'both'] as SimMode[]) {
    it(`${mode}: stepInsn stops after each start, of the module asked for`, () => {
      const p = randomProgram(12);
      const sim = new Simulator(p, { mode });
      const seen: number[] = [];
      while (sim.stepInsn() === 'insn') {
        const started = p.insns.map((_, i) => i).filter((i) => sim.startedAtStep(i) === sim.steps - 1);
        assert.equal(started.length, 1, 'exactly one instruction started in the last step');
        seen.push(started[0]!);
      }
      assert.equal(sim.status, 'finished');
      assert.deepEqual(
        [...seen].sort((a, b) => a - b),
        p.insns.map((_, i) => i).slice(0, seen.length),
      );
      const st = new Simulator(p, { mode });
      while (st.stepInsn('st') === 'insn') {
        const started = p.insns.map((_, i) => i).filter((i) => st.startedAtStep(i) === st.steps - 1);
        assert.equal(p.insns[started[0]!]!.module, 'st');
      }
    });
  }

  it('stepEvent advances one visible event; runToTime stops before the given cycle', () => {
    const p = randomProgram(3);
    const sim = new Simulator(p, { mode: 'both' });
    let events = 0;
    while (sim.stepEvent() === 'event') events++;
    assert.ok(events > p.insns.length, 'at least a start and an end per instruction');
    const end = sim.time;
    const t = new Simulator(p, { mode: 'both' });
    assert.equal(t.runToTime(Math.floor(end / 2)), 'time');
    assert.ok(t.time < Math.floor(end / 2));
    assert.equal(t.runToTime(end + 10), 'finished');
    assert.equal(t.time, end);
  });

  it('run(breakpoints) stops just before the instruction starts, and continues past it', () => {
    const p = randomProgram(8);
    const target = p.insns.findIndex((x) => x.module === 'st');
    const sim = new Simulator(p, { mode: 'both' });
    assert.equal(sim.run(new Set([target])), 'breakpoint');
    assert.equal(sim.startedAtStep(target), -1, 'not started yet');
    const view = sim.modules().find((m) => m.module === 'st')!;
    assert.equal(view.insnIndex, target);
    assert.equal(sim.run(new Set([target])), 'finished');
    assert.ok(sim.startedAtStep(target) >= 0);
  });
});

describe('snapshots and reverse stepping', () => {
  for (const mode of ['functional', 'both', 'timing'] as SimMode[]) {
    it(`${mode}: restore returns to exactly the snapshot's state, backward and forward`, () => {
      const p = randomProgram(21);
      const sim = new Simulator(p, { mode });
      for (let k = 0; k < 9; k++) sim.stepEvent();
      const snap = sim.snapshot();
      const atSnap = fingerprint(sim);
      sim.run();
      const atEnd = fingerprint(sim);
      sim.restore(snap);
      assert.deepEqual(fingerprint(sim), atSnap);
      sim.run();
      assert.deepEqual(fingerprint(sim), atEnd);
      sim.seek(2);
      sim.restore(snap); // a later snapshot: reached by replay
      assert.deepEqual(fingerprint(sim), atSnap);
      sim.seek(0);
      const fresh = new Simulator(p, { mode });
      assert.deepEqual(fingerprint(sim), fingerprint(fresh));
    });

    it(`${mode}: stepping back by instruction and by event retraces the forward states exactly`, () => {
      const p = randomProgram(5);
      const sim = new Simulator(p, { mode, snapshots: { intervalMicros: 3 } });
      const forward = [fingerprint(sim)];
      while (sim.stepInsn() === 'insn') forward.push(fingerprint(sim));
      forward.push(fingerprint(sim)); // FINISH started (and ended the run)
      // Now at the end; step back instruction by instruction.
      for (let k = forward.length - 1; k >= 1; k--) {
        sim.stepBackInsn();
        assert.deepEqual(fingerprint(sim), forward[k - 1], `back to state ${k - 1}`);
      }
      const events = [fingerprint(sim)];
      for (let k = 0; k < 12 && sim.stepEvent() === 'event'; k++) events.push(fingerprint(sim));
      for (let k = events.length - 1; k >= 1; k--) {
        sim.stepBackEvent();
        assert.deepEqual(fingerprint(sim), events[k - 1]);
      }
    });
  }

  it('automatic snapshots stay within their memory budget and still allow exact reverse steps', () => {
    const p = randomProgram(1234, { maxBlocks: 5, maxOpsPerBlock: 6 });
    const sim = new Simulator(p, { mode: 'both', snapshots: { intervalMicros: 1, maxBytes: 96 * 1024 } });
    const states = [fingerprint(sim)];
    while (sim.stepInsn() === 'insn') states.push(fingerprint(sim));
    states.push(fingerprint(sim));
    const mem = sim.memoryFootprint();
    assert.ok(mem.snapshotBytes <= 96 * 1024 + 64 * 1024, `${mem.snapshotBytes} bytes in ${mem.snapshots} snapshots`);
    assert.ok(mem.snapshots >= 2);
    for (let k = states.length - 1; k >= 1; k -= 3) {
      sim.stepBackInsn();
      sim.stepBackInsn();
      sim.stepBackInsn();
      assert.deepEqual(fingerprint(sim), states[Math.max(0, k - 3)]);
      if (k - 3 <= 0) break;
    }
  });

  it('without snapshots, seeking backward says so', () => {
    const sim = new Simulator(randomProgram(2), { snapshots: false });
    sim.stepInsn();
    sim.stepInsn();
    assert.throws(() => sim.stepBackInsn(), /needs snapshots/);
  });
});

describe('limits, cancellation, progress', () => {
  it('step and cycle limits stop the run without ending it', () => {
    const p = longProgram(200);
    const s = new Simulator(p, { mode: 'both', maxSteps: 50 });
    assert.equal(s.run(), 'step-limit');
    assert.equal(s.steps, 50);
    assert.equal(s.status, 'running');
    const c = new Simulator(p, { mode: 'both', maxCycles: 300 });
    assert.equal(c.run(), 'cycle-limit');
    assert.ok(c.time <= 300);
    assert.equal(c.result('cycle-limit').reason, 'cycle-limit');
  });

  it('a cancellation flag is polled during long runs; the run can be resumed', () => {
    const p = longProgram(3000);
    let polls = 0;
    const progress: number[] = [];
    const sim = new Simulator(p, {
      mode: 'both',
      cancel: () => ++polls === 2,
      progress: (x) => progress.push(x.steps),
      progressEveryMs: 0,
    });
    assert.equal(sim.run(), 'cancelled');
    assert.ok(sim.steps >= 1024 && sim.steps < 4096, `${sim.steps} steps`);
    assert.equal(sim.run(), 'finished');
    assert.ok(progress.length >= 2 && progress.every((v, i) => i === 0 || v > progress[i - 1]!));
    const flag = { aborted: true };
    assert.equal(new Simulator(p, { cancel: flag }).run(), 'cancelled');
  });
});
