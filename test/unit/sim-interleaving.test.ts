/**
 * Functional results must not depend on how the three modules interleave, for
 * programs whose tokens order every shared access. Over 1000 random race-free
 * programs (double-buffered pipelines with a correct token protocol, from a seeded
 * generator), the program-order interleaving, a seeded random interleaving and the
 * timing model's interleaving all give the reference interpreter's DRAM and counters.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { assembleText } from '../../core/asm';
import type { Program } from '../../core/program/program';
import { Simulator, simulate } from '../../core/sim';
import { randomProgram } from '../support/random-built-program';
import { referenceRun } from '../support/reference-run';

const PROGRAMS = 1000;

function startOrder(p: Program, seed?: number): number[] {
  const sim = new Simulator(p, { interleaving: seed === undefined ? 'program-order' : { seed }, snapshots: false });
  sim.run();
  return sim.trace().insns.map((r) => r.index);
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

describe('interleaving independence', () => {
  it(`${PROGRAMS} random race-free programs: same DRAM and counters whichever order the modules run in`, () => {
    let reordered = 0;
    let instructions = 0;
    for (let seed = 1; seed <= PROGRAMS; seed++) {
      const p = randomProgram(seed);
      instructions += p.insns.length;
      const ref = referenceRun(p);
      const runs = {
        'program order': simulate(p, { trace: false }),
        'random order': simulate(p, { trace: false, interleaving: { seed: seed * 7919 } }),
        timing: simulate(p, { trace: false, mode: 'both' }),
      };
      for (const [name, r] of Object.entries(runs)) {
        assert.equal(r.status, 'finished', `seed ${seed}, ${name}: ${r.error?.message}`);
        assert.ok(same(r.dram, ref.dram), `seed ${seed}, ${name}: final DRAM differs from the reference`);
        assert.deepEqual(r.counters, ref.counters, `seed ${seed}, ${name}`);
        assert.deepEqual(r.unexecuted, [], `seed ${seed}, ${name}`);
      }
      if (seed <= 50 && startOrder(p).join() !== startOrder(p, seed * 7919).join()) reordered++;
    }
    assert.ok(instructions > PROGRAMS * 10, 'programs are not trivial');
    assert.ok(reordered >= 25, `the seeded interleaving should really reorder modules (${reordered} of 50 did)`);
  });

  it('the same check catches a race: without its write-after-read token, results depend on the order', () => {
    const file = 'examples/defects/missing-war-token.vta';
    const racy = assembleText(readFileSync(file, 'utf8'), { file }).program!;
    const base = simulate(racy).dram;
    let differs = 0;
    for (let seed = 1; seed <= 40; seed++) if (!same(simulate(racy, { interleaving: { seed } }).dram, base)) differs++;
    assert.ok(differs > 0, 'some interleaving overwrites weights still in use');
    const fixed = assembleText(readFileSync('examples/gemv-two-threads.vta', 'utf8'), { file: 'gemv' }).program!;
    const want = simulate(fixed).dram;
    for (let seed = 1; seed <= 40; seed++) assert.ok(same(simulate(fixed, { interleaving: { seed } }).dram, want));
  });

  it('a seeded interleaving is reproducible', () => {
    const p = randomProgram(31337);
    assert.deepEqual(startOrder(p, 5), startOrder(p, 5));
  });
});
