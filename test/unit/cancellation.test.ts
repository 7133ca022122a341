/**
 * Stopping superseded work (issue 20, "cancelled when a newer version arrives"): the
 * core's checkpoints throw `Cancelled` through the assembler's and the checks'
 * catch-alls, and change nothing when nobody cancels; the programs kept for reuse stay
 * within their budget of instructions.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkAssembled } from '../../core/analysis/check';
import { assembleText } from '../../core/asm';
import { Cancelled, cancellable, checkpoint } from '../../core/lang/cancellation';
import { KeptPrograms } from '../../server/lsp/kept-programs';

/** A stream of `n` loads and a FINISH: assembly and checks walk every instruction. */
const stream = (n: number) => `target default\nfor i in 0..${n} {\n  load inp sram=i % 8 dram=0 y=1 x=1\n}\n  finish\n`;

describe('cancellation', () => {
  test('a checkpoint does nothing outside cancellable, and nothing while the poll says no', () => {
    checkpoint();
    let polls = 0;
    const r = cancellable(
      () => (polls++, false),
      () => assembleText(stream(5000), { file: '/s.vta' }),
    );
    assert.equal(r.program?.insns.length, 5001);
    assert.ok(polls > 1, `polled ${polls} times`);
    assert.deepEqual(
      checkAssembled(r, '/s.vta'),
      checkAssembled(assembleText(stream(5000), { file: '/s.vta' }), '/s.vta'),
    );
  });

  test("the assembler's catch-all lets a cancellation through (it is not a finding)", () => {
    let polls = 0;
    assert.throws(
      () =>
        cancellable(
          () => ++polls > 2,
          () => assembleText(stream(100_000), { file: '/s.vta' }),
        ),
      Cancelled,
    );
    assert.equal(polls, 3);
  });

  test('the checks stop at their checkpoints', () => {
    const r = assembleText(stream(20_000), { file: '/s.vta' });
    let polls = 0;
    assert.throws(
      () =>
        cancellable(
          () => ++polls > 2,
          () => checkAssembled(r, '/s.vta'),
        ),
      Cancelled,
    );
  });

  test('nested: the inner work polls its own flag, the outer one is restored after', () => {
    let outer = false;
    cancellable(
      () => outer,
      () => {
        assert.throws(
          () =>
            cancellable(
              () => true,
              () => checkpoint(),
            ),
          Cancelled,
        );
        outer = true;
        assert.throws(() => checkpoint(), Cancelled);
      },
    );
  });
});

describe('programs kept within a budget', () => {
  test('the least recently used go first; the newest stays even past the budget', () => {
    const k = new KeptPrograms<string>(100);
    k.set('a', 'A', 40);
    k.set('b', 'B', 40);
    assert.equal(k.get('a'), 'A'); // now a is the most recently used
    k.set('c', 'C', 40);
    assert.deepEqual(k.keys(), ['a', 'c']);
    assert.equal(k.instructions, 80);
    k.set('huge', 'H', 1000);
    assert.deepEqual(k.keys(), ['huge']);
    assert.equal(k.instructions, 1000);
    k.set('huge', 'H2', 10); // replaced, not added
    assert.equal(k.instructions, 10);
    k.delete('huge');
    assert.equal(k.get('huge'), undefined);
    assert.equal(k.instructions, 0);
  });
});
