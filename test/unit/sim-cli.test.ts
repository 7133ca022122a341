/**
 * `vta sim`: inputs (.vta, or --insn/--dram binaries), outputs (--dump-dram,
 * --counters, --trace, --sim-trace, --stats) and exit statuses.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { assembleText } from '../../core/asm';
import { encodeProgram } from '../../core/isa';
import { COUNTER_KEYS } from '../../core/sim';
import { referenceRun } from '../support/reference-run';
import { UsageError } from '../../server/cli/command';
import { simCommand } from '../../server/cli/commands/sim';

const dir = mkdtempSync(join(tmpdir(), 'vta-sim-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]) {
  let stdout = '',
    stderr = '';
  const code = await simCommand.run(args, {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    cwd: process.cwd(),
  });
  return { code, stdout, stderr };
}

describe('vta sim', () => {
  const file = 'examples/gemm-block.vta';
  const program = assembleText(readFileSync(file, 'utf8'), { file }).program!;
  const ref = referenceRun(program);

  it('simulates a .vta file and writes DRAM, counters, Chrome trace and its own trace', async () => {
    const out = (n: string) => join(dir, n);
    const r = await run([
      file,
      '--dump-dram',
      out('d.bin'),
      '--counters',
      out('c.json'),
      '--trace',
      out('t.json'),
      '--sim-trace',
      out('s.json'),
      '--stats',
      '--quiet',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([...readFileSync(out('d.bin'))], [...ref.dram]);
    const counters = JSON.parse(readFileSync(out('c.json'), 'utf8'));
    assert.deepEqual(Object.keys(counters), [...COUNTER_KEYS]);
    assert.deepEqual(counters, ref.counters);
    const chrome = JSON.parse(readFileSync(out('t.json'), 'utf8'));
    assert.ok(Array.isArray(chrome.traceEvents) && chrome.traceEvents.some((e: { ph: string }) => e.ph === 'X'));
    const own = JSON.parse(readFileSync(out('s.json'), 'utf8'));
    assert.equal(own.format, 'vta-sim-trace');
    assert.equal(own.insns.length, program.insns.length);
    assert.match(r.stdout, /^status +finished$/m);
    assert.match(r.stdout, /cycles \(estimate of the sim timing model/);
    assert.match(r.stdout, new RegExp(`gemm_counter +${ref.counters.gemm_counter}\\n`));
  });

  it('reads --insn/--dram binaries and gives the same results', async () => {
    const insn = join(dir, 'p.insn.bin'),
      dram = join(dir, 'p.dram.bin'),
      counters = join(dir, 'c2.json'),
      dump = join(dir, 'd2.bin');
    writeFileSync(
      insn,
      encodeProgram(
        program.target,
        program.insns.map((x) => x.insn),
      ),
    );
    writeFileSync(dram, program.dram);
    const r = await run([
      '--insn',
      insn,
      '--dram',
      dram,
      '--counters',
      counters,
      '--dump-dram',
      dump,
      '--mode',
      'functional',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(readFileSync(counters, 'utf8')), ref.counters);
    assert.deepEqual([...readFileSync(dump)], [...ref.dram]);
  });

  it('exits 1 with file:line:col: error CODE: message on a deadlock or a simulation error', async () => {
    const d = await run(['examples/defects/deadlock.vta', '--quiet']);
    assert.equal(d.code, 1);
    assert.match(
      d.stderr,
      /^examples\/defects\/deadlock\.vta:19:3: error vta\.sim\.deadlock: deadlock before FINISH: compute waits/m,
    );
    const o = await run(['examples/defects/out-of-bounds.vta', '--mode', 'functional']);
    assert.equal(o.code, 1);
    assert.match(o.stderr, /^examples\/defects\/out-of-bounds\.vta:12:3: error vta\.sim\.sram-out-of-range: /m);
    const bin = join(dir, 'bad.insn.bin');
    writeFileSync(bin, encodeProgram(program.target, [{ ...program.insns[0]!.insn, sram_base: 2047, x_size: 4 }]));
    const b = await run(['--insn', bin]);
    assert.equal(b.code, 1);
    assert.match(b.stderr, /bad\.insn\.bin:1:1: error vta\.sim\.(sram|dram)-out-of-range/);
  });

  it('exits 1 when a limit stops the run, and warns about work cut off by FINISH', async () => {
    const l = await run([file, '--max-cycles', '20', '--quiet']);
    assert.equal(l.code, 1);
    assert.match(
      l.stderr,
      /error vta\.sim\.cycle-limit: the run reached the --max-cycles limit at cycle \d+, before FINISH/,
    );
    const w = await run(['examples/defects/finish-too-early.vta', '--quiet']);
    assert.equal(w.code, 0);
    assert.match(w.stderr, /warning: instruction 5 \(st\) was still running when FINISH completed/);
  });

  it('rejects bad usage', async () => {
    await assert.rejects(run([]), UsageError);
    await assert.rejects(run([file, '--mode', 'fast']), /--mode fast: expected functional, timing or both/);
    await assert.rejects(run([file, '--timing', 'zz']), /--timing zz: not a timing model; expected one of/);
    await assert.rejects(run([file, '--insn', 'x']), UsageError);
    await assert.rejects(run([file, '--max-cycles=-3']), /non-negative integer/);
    assert.match(simCommand.help, /--dump-dram OUT\.bin/);
    assert.match(simCommand.help, /--counters OUT\.json/);
  });
});
