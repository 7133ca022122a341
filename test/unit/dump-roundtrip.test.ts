/**
 * Property tests: random instruction and micro-op lists printed by the spec-based
 * writer (dump-writer.ts) come back from the parser, except for what the format
 * does not print.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseTvmDump } from '../../core/asm/dump/parse-dump';
import type { Insn } from '../../core/isa';
import {
  arbProgram,
  arbUops,
  expectedAfterRoundTrip,
  finalQueues,
  mkInsn,
  runtimeRepresentable,
  writeRuntimeDump,
  writeRuntimeUops,
  writeTestLibDump,
  writeTestLibUops,
} from './dump-writer';

type Variant = 'runtime' | 'test-lib';
const write = (v: Variant, p: Insn[], eol: '\n' | '\r\n' = '\n'): string =>
  v === 'runtime' ? writeRuntimeDump(p, { eol }) : writeTestLibDump(p, { eol });

/** Infos that a clean dump may carry. */
const INFO_CODES = new Set(['vta.dump.imm-unknown', 'vta.dump.mem-type-guessed', 'vta.dump.multiple-dumps']);
/** A faithful print of ALU opcodes 5–7 ("unknown op") is still worth a warning. */
const OK_WARNINGS = new Set(['vta.dump.alu-unknown-op']);

function assertRoundTrip(v: Variant, programs: Insn[][], text: string): void {
  const r = parseTvmDump(text);
  const problems = r.diagnostics.filter(
    (d) => !(d.severity === 'info' ? INFO_CODES : OK_WARNINGS).has(d.code) || d.severity === 'error',
  );
  assert.deepStrictEqual(problems, []);
  assert.equal(r.variant, v);
  const all = programs.flat();
  assert.equal(r.instructions.length, all.length);
  all.forEach((insn, n) => {
    const e = expectedAfterRoundTrip(insn, v);
    const d = r.instructions[n]!;
    assert.deepStrictEqual(d.insn, e.insn, `instruction ${n}`);
    assert.equal(d.nopStage, e.nopStage, `nopStage of ${n}`);
    assert.equal(d.immUnknown, e.immUnknown, `immUnknown of ${n}`);
  });
  assert.deepStrictEqual(
    r.instructions.map((d) => d.index),
    programs.flatMap((p) => p.map((_, i) => i)),
  );
  assert.equal(r.declaredCount, all.length);
  const last = programs[programs.length - 1]!;
  if (v === 'test-lib' || last.length > 0) assert.deepStrictEqual(r.finalCounters, finalQueues(last, v));
  const multi = r.diagnostics.some((d) => d.code === 'vta.dump.multiple-dumps');
  assert.equal(multi, programs.length > 1);
}

for (const v of ['runtime', 'test-lib'] as const) {
  describe(`${v} dump: write → parse`, () => {
    const programs = v === 'runtime' ? arbProgram.map(runtimeRepresentable) : arbProgram;
    it('random instruction lists survive (except what is not printed)', () => {
      fc.assert(
        fc.property(programs, (p) => assertRoundTrip(v, [p], write(v, p))),
        { numRuns: 300 },
      );
    });

    it('with CRLF line endings', () => {
      fc.assert(
        fc.property(programs, (p) => assertRoundTrip(v, [p], write(v, p, '\r\n'))),
        { numRuns: 100 },
      );
    });

    it('several dumps in one log, with unrelated lines and uop dumps in between', () => {
      const noise = fc.constantFrom(
        '',
        'INFO: compiling',
        'DEBUG - Test started',
        '[12:00:00] x: ok',
        'Execution statistics:',
        '\tinp_load_nbytes : 16',
      );
      fc.assert(
        fc.property(
          fc.array(fc.tuple(programs, fc.array(noise, { maxLength: 3 }), arbUops), { minLength: 1, maxLength: 4 }),
          (parts) => {
            const text = parts
              .map(
                ([p, ns, uops]) =>
                  (v === 'runtime' ? writeRuntimeUops(uops) : writeTestLibUops(uops)) +
                  ns.map((n) => n + '\n').join('') +
                  write(v, p),
              )
              .join('');
            assertRoundTrip(
              v,
              parts.map(([p]) => p),
              text,
            );
            const r = parseTvmDump(text);
            assert.deepStrictEqual(
              r.uopKernels.map((k) => k.uops),
              parts.map(([, , u]) => u),
            );
          },
        ),
        { numRuns: 100 },
      );
    });

    it('the counter check notices any edited dependency flag', () => {
      // Flip one flag that the bookkeeping counts, in the printed text only.
      const counted = (i: Insn): ('pop_prev_dep' | 'pop_next_dep' | 'push_prev_dep' | 'push_next_dep')[] => {
        if (i.opcode === 1) return ['pop_prev_dep', 'push_prev_dep'];
        if (i.opcode === 0 && (i.memory_type === 1 || i.memory_type === 2)) return ['pop_next_dep', 'push_next_dep'];
        if (i.opcode === 3 && v === 'runtime') return [];
        return ['pop_prev_dep', 'pop_next_dep', 'push_prev_dep', 'push_next_dep'];
      };
      fc.assert(
        fc.property(
          programs.filter((p) => p.some((i) => counted(i).length > 0)),
          fc.nat(),
          fc.nat(),
          (p, a, b) => {
            const candidates = p.map((_, n) => n).filter((n) => counted(p[n]!).length > 0);
            const n = candidates[a % candidates.length]!;
            const flags = counted(p[n]!);
            const flag = flags[b % flags.length]!;
            const edited = p.map((i, k) => (k === n ? { ...i, [flag]: 1 - i[flag] } : i));
            // Print the edited flags but the original counters.
            const orig = write(v, p).split('\n');
            const changed = write(v, edited).split('\n');
            const counterLine = /(l2g|s2g)_queue =/;
            const text = changed.map((l, k) => (counterLine.test(l) ? orig[k]! : l)).join('\n');
            const r = parseTvmDump(text);
            assert.ok(
              r.diagnostics.some((d) => d.code === 'vta.dump.counter-mismatch'),
              'no counter-mismatch warning',
            );
            assert.equal(r.instructions.length, p.length);
          },
        ),
        { numRuns: 200 },
      );
    });
  });
}

describe('micro-op dumps: write → parse', () => {
  for (const v of ['runtime', 'test-lib'] as const) {
    it(`${v}: random kernels survive`, () => {
      fc.assert(
        fc.property(fc.array(arbUops, { minLength: 1, maxLength: 5 }), fc.boolean(), (kernels, crlf) => {
          const eol = crlf ? '\r\n' : '\n';
          const text = kernels
            .map((k) => (v === 'runtime' ? writeRuntimeUops(k, { eol }) : writeTestLibUops(k, { eol })))
            .join('');
          const r = parseTvmDump(text);
          assert.deepStrictEqual(
            r.uopKernels.map((k) => k.uops),
            kernels,
          );
          assert.deepStrictEqual(
            r.diagnostics.map((d) => d.code),
            ['vta.dump.no-instructions'],
          );
        }),
        { numRuns: 100 },
      );
    });
  }
});

describe('the writer follows the spec text', () => {
  it('prints the runtime example of §6.2 byte for byte', () => {
    const spec = [
      mkInsn(0, { memory_type: 0, dram_base: 0xc00, y_size: 1, x_size: 1, x_stride: 1 }),
      mkInsn(0, { memory_type: 3, dram_base: 0x80, y_size: 1, x_size: 4, x_stride: 4 }),
      mkInsn(4, {
        push_next_dep: 1,
        uop_end: 1,
        iter_out: 1,
        iter_in: 4,
        dst_factor_in: 1,
        src_factor_in: 1,
        alu_opcode: 2,
        use_imm: 1,
        imm: 7,
      }),
      mkInsn(1, {
        pop_prev_dep: 1,
        push_prev_dep: 1,
        memory_type: 4,
        dram_base: 0x200,
        y_size: 1,
        x_size: 4,
        x_stride: 4,
      }),
      mkInsn(0, { push_next_dep: 1, memory_type: 2 }),
      mkInsn(0, { pop_prev_dep: 1, pop_next_dep: 1, memory_type: 0 }),
      mkInsn(3),
    ];
    const text = readFileSync(new URL('../fixtures/dumps/runtime-spec-example.log', import.meta.url), 'utf8');
    assert.equal(writeRuntimeDump(spec), text);
  });
});
