/**
 * Damaged, edited and hostile input: the parser never throws, stays linear,
 * reports where and what it expected, and keeps going.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import {
  MAX_DUMP_DIAGNOSTICS,
  parseTvmDump,
  type DumpDiagnostic,
  type ParsedDump,
} from '../../core/asm/dump/parse-dump';
import { dumpGrowthPatterns } from '../support/dump-growth';
import {
  arbProgram,
  arbUops,
  runtimeRepresentable,
  writeRuntimeDump,
  writeRuntimeUops,
  writeTestLibDump,
} from './dump-writer';

const fixture = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`../fixtures/dumps/${name}`, import.meta.url)), 'utf8');
const SPEC = fixture('runtime-spec-example.log');
const SPEC_LINES = SPEC.split('\n');
const clean = parseTvmDump(SPEC);

/** Every diagnostic points inside the text and is well formed. */
function assertWellFormed(text: string, r: ParsedDump): void {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  for (const d of r.diagnostics) {
    assert.ok(Number.isInteger(d.line) && d.line >= 0 && d.line < lines.length, `line ${d.line} of ${lines.length}`);
    assert.ok(
      d.character >= 0 && d.character <= d.endCharacter && d.endCharacter <= lines[d.line]!.length,
      `span ${d.character}-${d.endCharacter} on a line of ${lines[d.line]!.length}`,
    );
    assert.ok(['error', 'warning', 'info'].includes(d.severity));
    assert.match(d.code, /^vta\.dump\.[a-z-]+$/);
    assert.ok(d.message.length > 0);
    assert.notEqual(d.code, 'vta.dump.internal-error', d.message);
  }
  for (const i of r.instructions) {
    assert.ok(i.line >= 0 && i.line < lines.length);
    for (const [k, v] of Object.entries(i.insn)) assert.ok(Number.isSafeInteger(v), `${k} = ${v}`);
  }
}

function parse(text: string): ParsedDump {
  let r: ParsedDump | undefined;
  assert.doesNotThrow(() => {
    r = parseTvmDump(text);
  });
  assertWellFormed(text, r!);
  return r!;
}

const edit = (f: (lines: string[]) => void): string => {
  const lines = [...SPEC_LINES];
  f(lines);
  return lines.join('\n');
};
const notInfo = (r: ParsedDump): DumpDiagnostic[] => r.diagnostics.filter((d) => d.severity !== 'info');
const only = (r: ParsedDump, code: string): DumpDiagnostic => {
  const ds = notInfo(r);
  assert.deepStrictEqual(
    ds.map((d) => d.code),
    [code],
  );
  return ds[0]!;
};
/** The spec example's instructions except those at the given positions. */
const keep = (...drop: number[]) => clean.instructions.filter((_, n) => !drop.includes(n)).map((d) => d.insn);

describe('dump with a missing line', () => {
  it('a missing field line: error at the line that came instead, the instruction is left out, the rest is read', () => {
    const r = parse(edit((l) => l.splice(11, 1))); // INSTRUCTION 1's "y:" line
    const e = only(r, 'vta.dump.missing-line');
    assert.equal(e.severity, 'error');
    assert.equal(e.line, 11);
    assert.match(
      e.message,
      /INSTRUCTION 1 \(LOAD ACC\): expected a "⇥y: size=…, pad=\[…, …\]" line here, found "⇥x: size/,
    );
    assert.deepStrictEqual(
      r.instructions.map((d) => d.insn),
      keep(1),
    );
    assert.deepStrictEqual(
      r.instructions.map((d) => d.index),
      [0, 2, 3, 4, 5, 6],
    );
  });

  it('a missing counter line: warning, the instruction is kept', () => {
    const r = parse(edit((l) => l.splice(7, 1))); // INSTRUCTION 0's s2g line
    const w = only(r, 'vta.dump.missing-counters');
    assert.equal(w.severity, 'warning');
    assert.equal(w.line, 6);
    assert.match(w.message, /expected a "⇥s2g_queue = …, g2s_queue = …" line after this line/);
    assert.deepStrictEqual(
      r.instructions.map((d) => d.insn),
      keep(),
    );
  });

  it('a missing INSTRUCTION line: its body lines are reported once, then the index gap', () => {
    const r = parse(edit((l) => l.splice(8, 1)));
    assert.deepStrictEqual(
      notInfo(r).map((d) => [d.code, d.line]),
      [
        ['vta.dump.orphan-line', 8],
        ['vta.dump.index-gap', 14],
        ['vta.dump.count-mismatch', 0],
      ],
    );
    assert.deepStrictEqual(
      r.instructions.map((d) => d.insn),
      keep(1),
    );
  });

  it('a whole instruction missing: index gap and count mismatch, but no counter-mismatch cascade', () => {
    const r = parse(edit((l) => l.splice(23, 7))); // INSTRUCTION 3 (STORE)
    assert.deepStrictEqual(
      notInfo(r).map((d) => [d.code, d.line]),
      [
        ['vta.dump.index-gap', 23],
        ['vta.dump.count-mismatch', 0],
      ],
    );
    assert.match(
      notInfo(r)[0]!.message,
      /expected INSTRUCTION 3 here, found INSTRUCTION 4 \(1 instruction missing\?\)/,
    );
    assert.match(notInfo(r)[1]!.message, /the header says 7 instructions but 6 "INSTRUCTION" lines follow/);
    assert.deepStrictEqual(
      r.instructions.map((d) => d.insn),
      keep(3),
    );
  });

  it('a duplicated line is unexpected', () => {
    const r = parse(edit((l) => l.splice(3, 0, l[3]!)));
    const e = only(r, 'vta.dump.unexpected-line');
    assert.equal(e.line, 4);
    assert.match(e.message, /unexpected "⇥DRAM: 0x…, SRAM:0x…" line in INSTRUCTION 0 \(LOAD UOP\): expected "⇥y: size/);
    assert.deepStrictEqual(
      r.instructions.map((d) => d.insn),
      keep(0),
    );
  });
});

describe('lines in the wrong place', () => {
  it('a line of another kind inside an instruction is unexpected', () => {
    const r = parse(edit((l) => l.splice(4, 0, '\trange (0, 1)'))); // into INSTRUCTION 0 (LOAD UOP)
    const e = only(r, 'vta.dump.unexpected-line');
    assert.equal(e.line, 4);
    assert.match(e.message, /unexpected "⇥range \(…, …\)" line in INSTRUCTION 0 \(LOAD UOP\): expected "⇥y: size/);
    assert.deepStrictEqual(
      r.instructions.map((d) => d.insn),
      keep(0),
    );
  });

  it("lines after FINISH are not the dump's", () => {
    const r = parse(SPEC + '\tdep - pop prev: 0, pop next: 0, push prev: 0, push next: 0\n\tx: size=1\n');
    assert.deepStrictEqual(notInfo(r), []);
    assert.equal(r.instructions.length, 7);
  });

  it('a test-library dump after a runtime dump', () => {
    const tl = fixture('testlib-gemm.log');
    const r = parse(SPEC + tl);
    const w = only(r, 'vta.dump.mixed-variants');
    assert.equal(w.line, SPEC_LINES.length); // the test library's header, after its INFO line
    assert.equal(r.variant, 'runtime');
    assert.equal(r.instructions.length, 14);
  });

  it('a test-library dump cut before its final counters', () => {
    const tl = fixture('testlib-gemm.log').split('\n');
    const r = parse(tl.slice(0, 30).join('\n')); // through INSTRUCTION 5's dep line
    assert.deepStrictEqual(
      notInfo(r).map((d) => [d.code, d.line]),
      [
        ['vta.dump.truncated', 29],
        ['vta.dump.count-mismatch', 1],
      ],
    );
    assert.equal(r.instructions.length, 5);
    assert.equal(r.finalCounters, undefined);
  });

  it('a test-library FINISH without its dep line (the runtime prints none, the test library one)', () => {
    const tl = fixture('testlib-gemm.log').split('\n');
    tl.splice(34, 1); // FINISH's dep line
    const r = parse(tl.join('\n'));
    assert.deepStrictEqual(
      notInfo(r).map((d) => [d.code, d.line]),
      [['vta.dump.truncated', 33]],
    );
    assert.equal(r.instructions.length, 6);
  });

  it('a duplicated last line of a test-library instruction', () => {
    const tl = fixture('testlib-gemm.log').split('\n');
    tl.splice(7, 0, tl[6]!); // INSTRUCTION 0's x line, twice
    const r = parse(tl.join('\n'));
    const e = only(r, 'vta.dump.orphan-line');
    assert.equal(e.line, 7);
    assert.match(e.message, /a duplicated line/);
    assert.equal(r.instructions.length, 7);
  });
});

describe('truncated instruction', () => {
  it('cut off at the end of the text', () => {
    const r = parse(SPEC_LINES.slice(0, 26).join('\n')); // ends after INSTRUCTION 3's DRAM line
    assert.deepStrictEqual(
      notInfo(r).map((d) => [d.code, d.severity, d.line]),
      [
        ['vta.dump.truncated', 'error', 25],
        ['vta.dump.count-mismatch', 'warning', 0],
      ],
    );
    assert.match(
      notInfo(r)[0]!.message,
      /INSTRUCTION 3 \(STORE\) is incomplete: expected a "⇥y: size=…, pad=\[…, …\]" line after this line \(2 lines missing\)/,
    );
    assert.deepStrictEqual(
      r.instructions.map((d) => d.insn),
      keep(3, 4, 5, 6),
    );
  });

  it('cut off by the next INSTRUCTION header', () => {
    const r = parse(edit((l) => l.splice(25, 5))); // INSTRUCTION 3 keeps only its dep line
    const e = only(r, 'vta.dump.truncated');
    assert.equal(e.line, 24);
    assert.match(e.message, /expected a "⇥DRAM: 0x…, SRAM:0x…" line after this line/);
    assert.deepStrictEqual(
      r.instructions.map((d) => d.insn),
      keep(3),
    );
  });

  it('a runtime dump cut inside a header line', () => {
    const r = parse(SPEC.slice(0, SPEC.indexOf('INSTRUCTION 2') + 'INSTRUCTION 2: AL'.length));
    const e = notInfo(r).find((d) => d.severity === 'error')!;
    assert.equal(e.code, 'vta.dump.syntax');
    assert.equal(e.line, 15);
    assert.equal(r.instructions.length, 2);
  });
});

describe('non-numeric and out-of-range values', () => {
  const cases: {
    name: string;
    line: number;
    from: string;
    to: string;
    at: number;
    end: number;
    dropped?: number;
    message: RegExp;
  }[] = [
    {
      name: 'DRAM not hex',
      line: 3,
      from: '0x00000c00',
      to: '0xzz000c00',
      at: 7,
      end: 17,
      dropped: 0,
      message: /DRAM line: expected a hexadecimal number \(0x…\) for DRAM, found "0xzz000c00/,
    },
    {
      name: 'DRAM without 0x',
      line: 3,
      from: '0x00000c00',
      to: '00000c00',
      at: 7,
      end: 15,
      dropped: 0,
      message: /hexadecimal/,
    },
    {
      name: 'y size a word',
      line: 4,
      from: 'size=1',
      to: 'size=one',
      at: 9,
      end: 12,
      dropped: 0,
      message: /y line: expected a decimal number for y size, found "one, pad/,
    },
    {
      name: 'range not an integer',
      line: 18,
      from: '(0, 1)',
      to: '(0, 1.5)',
      at: 11,
      end: 14,
      dropped: 2,
      message: /decimal number for the end uop/,
    },
    {
      name: 'dep flag 2',
      line: 9,
      from: 'pop prev: 0',
      to: 'pop prev: 2',
      at: 17,
      end: 18,
      dropped: 1,
      message: /pop prev in \[0, 1\]/,
    },
    {
      name: 'pad 16 does not fit 4 bits',
      line: 12,
      from: 'pad=[0, 0]',
      to: 'pad=[0, 16]',
      at: 30,
      end: 32,
      dropped: 1,
      message: /x pad in \[0, 15\]/,
    },
    {
      name: 'SRAM too wide',
      line: 10,
      from: 'SRAM:0x0000',
      to: 'SRAM:0x10000',
      at: 24,
      end: 31,
      dropped: 1,
      message: /SRAM in \[0x0, 0xffff\]/,
    },
    {
      name: 'iter too large for 14 bits',
      line: 19,
      from: 'iter: 1',
      to: 'iter: 16384',
      at: 20,
      end: 25,
      dropped: 2,
      message: /iteration count in \[0, 16383\]/,
    },
    {
      name: 'unknown GEMM/ALU factor name',
      line: 20,
      from: 'dst: 1',
      to: 'wgt: 1',
      at: 23,
      end: 26,
      dropped: 2,
      message: /inner loop line: expected "dst:" or "src:" \(the factors are "dst:", "src:"\), found "wgt: 1/,
    },
    {
      name: 'instruction index',
      line: 1,
      from: 'INSTRUCTION 0',
      to: 'INSTRUCTION x',
      at: 12,
      end: 13,
      dropped: 0,
      message: /INSTRUCTION line: expected a decimal number for the instruction index/,
    },
    {
      name: 'unknown kind',
      line: 15,
      from: 'ALU - add imm',
      to: 'BLAH',
      at: 15,
      end: 19,
      dropped: 2,
      message: /an instruction kind \(NOP-MEMORY-STAGE/,
    },
    {
      name: 'unknown memory type',
      line: 8,
      from: 'LOAD ACC',
      to: 'LOAD XYZ',
      at: 20,
      end: 23,
      dropped: 1,
      message: /a memory type after LOAD/,
    },
    {
      name: 'garbage after a line',
      line: 5,
      from: 'pad=[0, 0]',
      to: 'pad=[0, 0] extra',
      at: 33,
      end: 38,
      dropped: 0,
      message: /expected the end of the line, found "extra"/,
    },
    {
      name: 'counter not a number (instruction kept)',
      line: 6,
      from: 'l2g_queue = 0',
      to: 'l2g_queue = abc',
      at: 13,
      end: 16,
      message: /queue-counter line: expected a decimal number for l2g_queue/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const text = edit((l) => {
        assert.ok(l[c.line]!.includes(c.from), `${c.from} on line ${c.line}`);
        l[c.line] = l[c.line]!.replace(c.from, c.to);
      });
      const r = parse(text);
      const errors = r.diagnostics.filter((d) => d.severity === 'error');
      assert.equal(errors.length, 1, JSON.stringify(r.diagnostics));
      const e = errors[0]!;
      assert.equal(e.line, c.line);
      assert.equal(e.character, c.at, e.message);
      assert.equal(e.endCharacter, c.end, e.message);
      assert.match(e.message, c.message);
      assert.deepStrictEqual(
        r.instructions.map((d) => d.insn),
        c.dropped === undefined ? keep() : keep(c.dropped),
      );
      // The rest is read without further complaint.
      assert.deepStrictEqual(
        notInfo(r).filter((d) => d.severity === 'warning'),
        [],
      );
    });
  }

  it('a malformed uop line is reported and the kernel goes on', () => {
    const r = parse(
      'There are 3 uops\n[0000]\t acc=0, inp=0, wgt=0\n[0001]\t acc=?, inp=0, wgt=0\n[0002]\t acc=2, inp=0, wgt=0\n\n',
    );
    assert.deepStrictEqual(r.uopKernels[0]!.uops, [
      { dst: 0, src: 0, wgt: 0 },
      { dst: 2, src: 0, wgt: 0 },
    ]);
    const e = r.diagnostics.find((d) => d.severity === 'error')!;
    assert.deepStrictEqual([e.code, e.line, e.character], ['vta.dump.bad-number', 2, 12]);
  });
});

describe('wrong header', () => {
  it('more declared than present', () => {
    const r = parse(SPEC.replace('There are 7', 'There are 9'));
    const w = only(r, 'vta.dump.count-mismatch');
    assert.equal(w.line, 0);
    assert.match(
      w.message,
      /says 9 instructions but 7 "INSTRUCTION" lines follow \(lines missing or the log is cut short\?\)/,
    );
    assert.equal(r.declaredCount, 9);
    assert.deepStrictEqual(
      r.instructions.map((d) => d.insn),
      keep(),
    );
  });

  it('fewer declared than present', () => {
    const r = parse(SPEC.replace('There are 7', 'There are 5'));
    assert.match(only(r, 'vta.dump.count-mismatch').message, /says 5 instructions but 7/);
  });

  it('a count that is not a number', () => {
    const r = parse(SPEC.replace('There are 7', 'There are seven'));
    const e = only(r, 'vta.dump.bad-number');
    assert.deepStrictEqual([e.line, e.character, e.endCharacter], [0, 10, 15]);
    assert.equal(r.declaredCount, undefined);
    assert.deepStrictEqual(
      r.instructions.map((d) => d.insn),
      keep(),
    );
  });

  it('no header at all', () => {
    const r = parse(SPEC_LINES.slice(1).join('\n'));
    const w = only(r, 'vta.dump.missing-header');
    assert.equal(w.line, 0);
    assert.deepStrictEqual(
      r.instructions.map((d) => d.insn),
      keep(),
    );
  });

  it('a log that starts mid-dump does not check counters it cannot know', () => {
    const r = parse(SPEC_LINES.slice(23).join('\n')); // from INSTRUCTION 3
    assert.deepStrictEqual(
      notInfo(r).map((d) => d.code),
      ['vta.dump.missing-header', 'vta.dump.index-gap'],
    );
    assert.deepStrictEqual(
      r.instructions.map((d) => d.insn),
      keep(0, 1, 2),
    );
  });

  it('a second dump whose header is missing', () => {
    const r = parse(SPEC + SPEC_LINES.slice(1).join('\n'));
    assert.deepStrictEqual(
      notInfo(r).map((d) => [d.code, d.line]),
      [['vta.dump.missing-header', 41]],
    );
    assert.ok(r.diagnostics.some((d) => d.code === 'vta.dump.multiple-dumps'));
    assert.equal(r.instructions.length, 14);
  });
});

describe('edited dump: the running counters', () => {
  it('a flag changed by hand gives one counter-mismatch warning where the counters disagree', () => {
    const r = parse(
      edit((l) => {
        l[16] = l[16]!.replace('push next: 1', 'push next: 0'); // ALU no longer pushes g2s
      }),
    );
    const w = only(r, 'vta.dump.counter-mismatch');
    assert.equal(w.severity, 'warning');
    assert.equal(w.line, 22);
    assert.equal(w.character, 1);
    assert.match(
      w.message,
      /prints s2g_queue = 0, g2s_queue = 1, but the instructions above give s2g_queue = 0, g2s_queue = 0/,
    );
    assert.equal(r.instructions.length, 7);
    assert.equal(r.instructions[2]!.insn.push_next_dep, 0);
  });

  it('a counter changed by hand', () => {
    const r = parse(
      edit((l) => {
        l[34 + 2] = '\tl2g_queue = 5, g2l_queue = 0';
      }),
    );
    const w = only(r, 'vta.dump.counter-mismatch');
    assert.equal(w.line, 36);
    assert.match(w.message, /give l2g_queue = 0, g2l_queue = 0/);
  });
});

// --- random input --------------------------------------------------------------

/** A small deterministic PRNG (mulberry32), so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function randomText(n: number, seed: number, maxCode: number): string {
  const rnd = prng(seed);
  const codes = new Array<number>(n);
  for (let i = 0; i < n; i++) codes[i] = Math.floor(rnd() * (maxCode + 1));
  let s = '';
  for (let i = 0; i < n; i += 8192) s += String.fromCharCode(...codes.slice(i, i + 8192));
  return s;
}

describe('random bytes', () => {
  it('1 MB of random bytes: no dump, one error, nothing thrown', () => {
    const text = randomText(1 << 20, 1, 255);
    const r = parse(text);
    assert.equal(r.instructions.length, 0);
    assert.ok(r.diagnostics.some((d) => d.code === 'vta.dump.no-dump' && d.severity === 'error'));
  });

  it('random UTF-16 including lone surrogates', () => {
    const r = parse(randomText(200_000, 2, 0xffff));
    assert.equal(r.instructions.length, 0);
  });

  it('random bytes before and after a dump do not disturb it', () => {
    const text = randomText(50_000, 3, 255) + '\n' + SPEC + randomText(50_000, 4, 255);
    const r = parse(text);
    assert.deepStrictEqual(
      r.instructions.map((d) => d.insn),
      keep(),
    );
    assert.deepStrictEqual(
      r.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
  });

  it('random mutations of valid dumps never throw and give well-formed diagnostics', () => {
    const mutation = fc.oneof(
      fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('duplicate' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('swap' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('char' as const), at: fc.nat(), ch: fc.string({ minLength: 1, maxLength: 3 }) }),
      fc.record({ op: fc.constant('cut' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('insert' as const), at: fc.nat(), s: fc.string({ maxLength: 40 }) }),
    );
    fc.assert(
      fc.property(
        arbProgram,
        fc.boolean(),
        arbUops,
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        (p, runtime, uops, muts) => {
          let text =
            writeRuntimeUops(uops) + (runtime ? writeRuntimeDump(runtimeRepresentable(p)) : writeTestLibDump(p));
          for (const m of muts) {
            const lines = text.split('\n');
            const k = m.at % Math.max(lines.length, 1);
            switch (m.op) {
              case 'delete':
                lines.splice(k, 1);
                break;
              case 'duplicate':
                lines.splice(k, 0, lines[k] ?? '');
                break;
              case 'swap':
                if (k + 1 < lines.length) [lines[k], lines[k + 1]] = [lines[k + 1]!, lines[k]!];
                break;
              case 'char': {
                const at = m.at % Math.max(text.length, 1);
                text = text.slice(0, at) + m.ch + text.slice(at + 1);
                continue;
              }
              case 'cut':
                text = text.slice(0, m.at % Math.max(text.length, 1));
                continue;
              case 'insert':
                lines.splice(k, 0, m.s);
                break;
            }
            text = lines.join('\n');
          }
          const r = parse(text);
          const headers = text.split('\n').filter((l) => /INSTRUCTION/.test(l)).length;
          assert.ok(r.instructions.length <= headers);
        },
      ),
      { numRuns: 400 },
    );
  });
});

// --- size and time --------------------------------------------------------------

describe('large input', () => {
  const MB50 = 50 * 1024 * 1024;

  it('a 50 MB log of valid dumps is read completely', () => {
    const reps = Math.ceil(MB50 / SPEC.length);
    const text = SPEC.repeat(reps);
    assert.ok(text.length >= MB50);
    const r = parseTvmDump(text);
    assert.equal(r.instructions.length, 7 * reps);
    assert.deepStrictEqual(notInfo(r), []);
    assert.equal(r.declaredCount, 7 * reps);
    assert.match(
      r.diagnostics.find((d) => d.code === 'vta.dump.multiple-dumps')!.message,
      new RegExp(`${reps} instruction dumps`),
    );
  });

  it('a 50 MB single line of garbage', () => {
    const r = parse('INSTRUCTION 0: ALU - ' + 'x'.repeat(MB50));
    assert.equal(r.instructions.length, 0);
    const e = r.diagnostics.find((d) => d.severity === 'error')!;
    assert.equal(e.code, 'vta.dump.syntax');
    assert.ok(e.message.length < 400);
  });

  it('5 MB of broken instructions: the diagnostics are capped', () => {
    const text =
      'There are 1 instructions\n' + 'INSTRUCTION 0: GEMM\n\tdep - pop prev: 9\n'.repeat(Math.ceil(MB50 / 10 / 39));
    const r = parseTvmDump(text);
    assert.equal(r.instructions.length, 0);
    assert.ok(r.diagnostics.length <= MAX_DUMP_DIAGNOSTICS + 5, `${r.diagnostics.length}`);
    assert.equal(r.diagnostics.filter((d) => d.code === 'vta.dump.too-many-diagnostics').length, 1);
  });

  it('pathological lines of every kind read to the end (their cost against size: npm run bench front-end, dumpGrowth)', () => {
    for (const make of dumpGrowthPatterns(SPEC)) {
      const r = parseTvmDump(make(800));
      assert.ok(r.diagnostics.every((d) => Number.isInteger(d.line) && d.line >= 0));
    }
  });
});
