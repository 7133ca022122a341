/**
 * The trace format (instructions, stalls, tokens linked push → pop, SRAM row
 * accesses, occupancy, summary), its limits, and the Chrome/Perfetto export.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemType, QUEUES, tokenUse } from '../../core/isa';
import { Simulator, toChromeTrace } from '../../core/sim';
import { ProgramBuilder, int32Bytes } from '../support/program-builder';
import { randomProgram } from '../support/random-built-program';

/** LOAD ACC 8 rows → ALU over rows 0..3 → STORE rows 0..7, with tokens. */
function small() {
  const b = new ProgramBuilder();
  const a = b.data('a', MemType.ACC, 8, int32Bytes(new Array(128).fill(3)));
  const y = b.data('y', MemType.OUT, 8);
  const u = b.uops('k', [{ dst: 0, src: 0, wgt: 0 }]);
  b.load(MemType.ACC, { sram: 0, dram: a, x: 8 });
  b.load(MemType.UOP, { sram: 0, dram: u, x: 1 });
  b.alu('ADD', { uop: [0, 1], imm: 1, inner: 4, dstIn: 1, srcIn: 1 });
  b.push('ex->st');
  b.pop('ex->st');
  b.store({ sram: 0, dram: y, x: 8 });
  b.push('st->ex');
  b.pop('st->ex');
  b.finish();
  return b.build();
}

describe('trace', () => {
  it('records every instruction with its module and times, in start order', () => {
    for (const mode of ['functional', 'both'] as const) {
      const p = randomProgram(10);
      const sim = new Simulator(p, { mode });
      sim.run();
      const t = sim.trace();
      assert.equal(t.format, 'vta-sim-trace');
      assert.equal(t.timeUnit, mode === 'functional' ? 'step' : 'cycle');
      assert.equal(t.estimate, mode !== 'functional');
      assert.deepEqual(
        t.insns.map((r) => r.index).sort((x, y) => x - y),
        p.insns.map((_, i) => i),
      );
      for (const r of t.insns) {
        assert.equal(r.module, p.insns[r.index]!.module);
        assert.ok(r.end >= r.start);
      }
      assert.ok(t.insns.every((r, k) => k === 0 || r.start >= t.insns[k - 1]!.start));
      assert.deepEqual(JSON.parse(JSON.stringify(t)), t, 'plain JSON-able objects');
    }
  });

  it('links each token from the instruction that pushed it to the one that popped it', () => {
    const p = randomProgram(11);
    const sim = new Simulator(p, { mode: 'both' });
    sim.run();
    const t = sim.trace();
    const pushes = p.insns.reduce((n, x) => n + tokenUse(x.insn).pushes.length, 0);
    assert.equal(t.tokens.length, pushes);
    for (const tok of t.tokens) {
      assert.ok(tokenUse(p.insns[tok.push.index]!.insn).pushes.includes(tok.queue));
      assert.ok(tok.pop, 'every token of a balanced program is consumed');
      assert.ok(tokenUse(p.insns[tok.pop.index]!.insn).pops.includes(tok.queue));
      assert.ok(tok.pop.time > tok.push.time);
      const pushed = t.insns.find((r) => r.index === tok.push.index)!;
      assert.equal(tok.push.time, pushed.end);
    }
    // FIFO per queue: pops in push order.
    for (const q of QUEUES) {
      const list = t.tokens.filter((x) => x.queue === q).sort((a, b) => a.push.time - b.push.time);
      assert.ok(list.every((x, k) => k === 0 || x.pop!.time >= list[k - 1]!.pop!.time));
    }
  });

  it('records SRAM row accesses as ranges, and occupancy as live rows over time', () => {
    const p = small();
    const sim = new Simulator(p, { mode: 'both' });
    sim.run();
    const t = sim.trace();
    const acc = t.accesses.filter((a) => a.buffer === 'acc').map((a) => [a.index, a.kind, a.lo, a.hi]);
    assert.deepEqual(acc, [
      [0, 'write', 0, 8],
      [2, 'update', 0, 4],
      [3, 'read', 0, 8],
    ]);
    assert.deepEqual(
      t.accesses.filter((a) => a.buffer === 'uop').map((a) => [a.index, a.kind, a.lo, a.hi]),
      [
        [1, 'write', 0, 1],
        [2, 'read', 0, 1],
      ],
    );
    const occ = t.occupancy.find((o) => o.buffer === 'acc')!;
    assert.equal(occ.depth, 2048);
    assert.equal(occ.peak, 8, 'all 8 rows live until the STORE reads them');
    const store = t.insns.find((r) => r.index === 3)!;
    const point = Math.floor((store.start - 1) / occ.bucket);
    assert.equal(occ.live[point], 8);
    assert.equal(occ.live[occ.live.length - 1], 0, 'nothing live after the last read');
    assert.equal(t.occupancy.find((o) => o.buffer === 'inp')!.peak, 0);
  });

  it('summarises utilisation, stalls and queues', () => {
    const p = randomProgram(15, { maxBlocks: 4 });
    const sim = new Simulator(p, { mode: 'both' });
    sim.run();
    const s = sim.trace().summary;
    assert.equal(s.status, 'finished');
    assert.equal(s.instructions.executed, p.insns.length);
    for (const m of Object.values(s.modules)) assert.ok(m.utilisation >= 0 && m.utilisation <= 1);
    assert.ok(s.gemm.utilisation! >= 0 && s.gemm.utilisation! <= 1);
    assert.ok(s.dram.busUtilisation! > 0 && s.dram.busUtilisation! <= 1);
    assert.equal(s.gemm.macs, s.counters.gemm_counter * 256);
    for (const q of Object.values(s.queues)) assert.equal(q.pushed, q.popped + q.left);
    assert.equal(s.queues['ld->ex'].capacity, null, 'fsim queues are unbounded');
  });

  it('caps the trace on long runs and says where it stopped; the summary stays exact', () => {
    const p = randomProgram(16, { maxBlocks: 5 });
    const sim = new Simulator(p, { mode: 'both', trace: { maxInsns: 5 } });
    sim.run();
    const t = sim.trace();
    assert.equal(t.insns.length, 5);
    assert.ok(t.truncated && t.truncated.droppedInsns === p.insns.length - 5);
    assert.ok(t.insns.every((r) => r.end <= t.truncated!.afterTime));
    assert.equal(t.summary.instructions.executed, p.insns.length);
    const off = new Simulator(p, { trace: false });
    off.run();
    assert.equal(off.trace().insns.length, 0);
  });
});

describe('Chrome trace export', () => {
  it('has a track per module, slices, stalls, flows from push to pop and counter tracks', () => {
    const p = randomProgram(13, { maxBlocks: 4 });
    const sim = new Simulator(p, { mode: 'both' });
    sim.run();
    const t = sim.trace();
    const c = toChromeTrace(t, p);
    const names = c.traceEvents
      .filter((e) => e.name === 'thread_name')
      .map((e) => [e.tid, (e.args as { name: string }).name]);
    assert.deepEqual(names, [
      [1, 'load'],
      [2, 'compute'],
      [3, 'store'],
    ]);
    const slices = c.traceEvents.filter((e) => e.ph === 'X');
    assert.equal(slices.length, t.insns.length + t.stalls.length);
    assert.ok(slices.every((e) => typeof e.ts === 'number' && e.dur! >= 0));
    const starts = c.traceEvents.filter((e) => e.ph === 's');
    const ends = c.traceEvents.filter((e) => e.ph === 'f');
    assert.equal(starts.length, t.tokens.filter((x) => x.pop).length);
    assert.deepEqual(
      starts.map((e) => e.id),
      ends.map((e) => e.id),
    );
    assert.ok(ends.every((e) => e.bp === 'e'));
    assert.ok(c.traceEvents.some((e) => e.ph === 'C' && e.name.startsWith('tokens ')));
    assert.ok(c.traceEvents.some((e) => e.ph === 'C' && e.name.startsWith('live rows ')));
    // Cycles become microseconds at the target's clock (100 MHz: 0.01 µs per cycle).
    const last = t.insns[t.insns.length - 1]!;
    const ev = slices.find((e) => (e.args as { index: number }).index === last.index && e.cat === last.module)!;
    assert.equal(ev.ts, last.start / 100);
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(c)));
  });
});
