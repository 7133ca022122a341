/**
 * The token analysis (core/analysis/tokens): balance, deadlock, queue depth, FINISH
 * order and cross-module SRAM hazards. Each defect example gets exactly its intended
 * findings on the right lines; valid examples, random valid programs and TVM-shaped
 * streams get none; mutations of valid programs get the finding they should.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { assembleText, nopInsn, programFromStream } from '../../core/asm';
import type { Diagnostic, Fix } from '../../core/lang/diagnostic';
import { formatDiagnostic } from '../../core/lang/diagnostic';
import { happensBefore, runTokens, tokenChecks } from '../../core/analysis/tokens';
import { checkProgram } from '../../core/analysis/check';
import { Opcode } from '../../core/isa';
import type { Program } from '../../core/program/program';
import { randomProgram as randomBuiltProgram } from '../support/random-built-program';
import { randomProgram } from '../support/random-program';
import { tvmShapedProgram } from '../support/tvm-shaped-program';

const TOKEN_CODES = /^vta\.(tokens\.(balance|deadlock|depth)|hazard\.|finish\.order)/;

function assemble(text: string, file = 'test.vta'): Program {
  const r = assembleText(text, { file });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors.map(formatDiagnostic), [], `${file} assembles`);
  return r.program!;
}

/** What `vta check` reports from the token analysis. */
function findings(text: string, file = 'test.vta'): Diagnostic[] {
  const r = assembleText(text, { file });
  return checkProgram(r.program!, file, r.diagnostics).filter((d) => TOKEN_CODES.test(d.code));
}

const show = (ds: Diagnostic[]) => ds.map(formatDiagnostic).join('\n');

/** Applies a fix's edits (line/character ranges) to the text. */
function applyFix(text: string, fix: Fix): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) =>
    lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const edits = [...fix.edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of edits) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

const read = (f: string) => readFileSync(f, 'utf8');

describe('defect examples', () => {
  it('deadlock.vta: a deadlock at the second pop ld->ex and ld->ex unbalanced 1 push vs 2 pops', () => {
    const text = read('examples/defects/deadlock.vta');
    const ds = findings(text, 'deadlock.vta');
    assert.deepEqual(
      ds.map((d) => [d.code, d.range.start.line]).sort(),
      [
        ['vta.tokens.balance', 18],
        ['vta.tokens.deadlock', 18],
      ],
      show(ds),
    );
    const dl = ds.find((d) => d.code === 'vta.tokens.deadlock')!;
    assert.equal(dl.severity, 'error');
    assert.match(dl.message, /ld->ex/);
    assert.match(dl.message, /load module has finished/);
    // The waiting chain: the store module waits on ex->st behind compute.
    assert.ok(
      dl.related?.some((r) => r.range.start.line === 22 && /store module waits here on ex->st/.test(r.message)),
      JSON.stringify(dl.related),
    );
    const bal = ds.find((d) => d.code === 'vta.tokens.balance')!;
    assert.match(bal.message, /1 push and 2 pops/);
    // Both fixes repair it.
    assert.ok(dl.fixes && dl.fixes.length === 2);
    for (const fix of dl.fixes) {
      const fixed = applyFix(text, fix);
      assert.deepEqual(show(findings(fixed)), '', `${fix.title}:\n${fixed}`);
    }
  });

  it('finish-too-early.vta: a diagnostic on finish naming the STORE, with a fix', () => {
    const text = read('examples/defects/finish-too-early.vta');
    const ds = findings(text, 'fte.vta');
    assert.deepEqual(
      ds.map((d) => [d.code, d.range.start.line]),
      [['vta.finish.order', 22]],
      show(ds),
    );
    const d = ds[0]!;
    assert.match(d.message, /STORE at line 22/);
    assert.deepEqual(
      d.related?.map((r) => r.range.start.line),
      [21],
    );
    assert.equal(d.related?.[0]?.instruction, 5);
    const fixed = applyFix(text, d.fixes![0]!);
    assert.match(fixed, /store out[^\n]*\n {2}push st->ex\n {2}pop st->ex\n {2}finish/);
    assert.equal(show(findings(fixed)), '');
  });

  it('missing-war-token.vta: one WAR hazard on WGT rows 0..15 and 16..31 between the LOAD and the GEMM', () => {
    const text = read('examples/defects/missing-war-token.vta');
    const ds = findings(text, 'mwt.vta');
    assert.deepEqual(
      ds.map((d) => [d.code, d.range.start.line]),
      [['vta.hazard.war', 18]],
      show(ds),
    );
    const d = ds[0]!;
    assert.match(d.message, /WGT rows 0\.\.15 and 16\.\.31/);
    assert.match(d.message, /GEMM at line 25/);
    assert.deepEqual(
      d.related?.map((r) => r.range.start.line),
      [24],
    );
    // With the compute->load token it is clean.
    const guarded = text
      .replace('  load wgt sram=(j % 2)', '  if j >= 2 {\n    pop ex->ld\n  }\n  load wgt sram=(j % 2)')
      .replace('  push ex->st\n', '  if j + 2 < CO {\n    push ex->ld\n  }\n  push ex->st\n');
    assert.notEqual(guarded, text);
    assert.equal(show(findings(guarded)), '');
  });

  it('out-of-bounds.vta: no token finding', () => {
    assert.equal(show(findings(read('examples/defects/out-of-bounds.vta'))), '');
  });
});

describe('valid programs check clean', () => {
  const good = readdirSync('examples')
    .filter((f) => f.endsWith('.vta'))
    .sort();
  it('there are valid examples', () => assert.ok(good.length >= 4));
  for (const f of good) {
    it(`examples/${f}`, () => assert.equal(show(findings(read(`examples/${f}`), f)), ''));
  }

  it('1000 random programs with correct (double-buffered) token protocols', () => {
    for (let seed = 1; seed <= 1000; seed++) {
      const p = assemble(randomProgram(seed), `r${seed}.vta`);
      const ds = tokenChecks(p, `r${seed}.vta`);
      assert.equal(show(ds), '', `seed ${seed}:\n${randomProgram(seed)}`);
    }
  });

  it('1000 TVM-shaped programs: pre-seeded st->ex credits, closing NOP/FINISH sequence', () => {
    for (let seed = 1; seed <= 1000; seed++) {
      const text = tvmShapedProgram(seed);
      const ds = tokenChecks(assemble(text, `t${seed}.vta`), `t${seed}.vta`);
      assert.equal(show(ds), '', `seed ${seed}:\n${text}`);
    }
  });

  it('300 race-free built programs without sources (binary-like)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const p = randomBuiltProgram(seed);
      assert.equal(show(tokenChecks(p, 'bin')), '', `seed ${seed}`);
    }
  });
});

describe('TVM-shaped streams', () => {
  it('the generator writes the pre-seeding and closing sequences', () => {
    const text = tvmShapedProgram(7, { blocks: 4, unroll: true });
    assert.match(text, /^ {2}nop st\n {2}push st->ex\n {2}nop st\n {2}push st->ex$/m);
    assert.match(text, / {2}nop ld\n {2}push ld->ex\n {2}pop ld->ex\n {2}pop st->ex\n {2}nop ex\n {2}finish/);
    const p = assemble(text);
    const last = p.insns.length - 1;
    assert.equal(p.insns[last]!.insn.opcode, Opcode.FINISH);
  });

  it('dropping the pre-seeded credits deadlocks the compute module on st->ex', () => {
    const text = tvmShapedProgram(7, { blocks: 4, unroll: true }).replace(
      '  nop st\n  push st->ex\n  nop st\n  push st->ex\n',
      '',
    );
    const ds = findings(text);
    const dl = ds.filter((d) => d.code === 'vta.tokens.deadlock');
    assert.equal(dl.length, 1, show(ds));
    assert.match(dl[0]!.message, /st->ex/);
    assert.match(dl[0]!.message, /store module is itself blocked waiting on ex->st/);
    assert.ok(
      ds.some((d) => d.code === 'vta.tokens.balance' && /no matching push/.test(d.message)),
      show(ds),
    );
  });

  it('dropping the ex->ld throttle gives WAR hazards on INP and WGT', () => {
    const text = tvmShapedProgram(7, { blocks: 4, unroll: true }).replace(/^ +(pop|push) ex->ld\n/gm, '');
    const ds = findings(text);
    assert.ok(ds.length > 0 && ds.every((d) => d.code === 'vta.hazard.war'), show(ds));
    assert.ok(ds.some((d) => /INP rows/.test(d.message)) && ds.some((d) => /WGT rows/.test(d.message)), show(ds));
  });

  it("dropping a block's st->ex pop gives WAR hazards on ACC (compute overwrites rows the STORE reads)", () => {
    const text = tvmShapedProgram(7, { blocks: 4, unroll: true, k: 2 });
    const lines = text.split('\n');
    // The third block's pop st->ex (the first two come from the pre-seeded credits).
    const pops = lines.map((l, i) => (l === '  pop st->ex' ? i : -1)).filter((i) => i >= 0);
    lines.splice(pops[2]!, 1);
    const ds = findings(lines.join('\n'));
    assert.ok(
      ds.some((d) => d.code === 'vta.hazard.war' && /ACC rows/.test(d.message)),
      show(ds),
    );
  });
});

describe('mutations of valid programs are caught', () => {
  it('a missing push st->ex / pop st->ex before finish: vta.finish.order', () => {
    let caught = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const text = randomProgram(seed).replace('  push st->ex\n  pop st->ex\n', '');
      const ds = findings(text);
      assert.ok(
        ds.some((d) => d.code === 'vta.finish.order' && /STORE/.test(d.message)),
        `seed ${seed}: ${show(ds)}`,
      );
      caught++;
    }
    assert.equal(caught, 50);
  });

  it('an extra push is a balance warning on its line; an extra pop an error and a deadlock', () => {
    const base = randomProgram(3);
    const extraPush = base.replace('done:', '  push ex->ld\ndone:');
    const ds = findings(extraPush);
    const line = extraPush.split('\n').lastIndexOf('  push ex->ld');
    assert.deepEqual(
      ds.map((d) => [d.code, d.severity, d.range.start.line]),
      [['vta.tokens.balance', 'warning', line]],
      show(ds),
    );
    assert.match(ds[0]!.message, /push ex->ld has no matching pop/);
    const extraPop = base.replace('done:', '  pop ld->ex\n  nop ex\ndone:');
    const ds2 = findings(extraPop);
    assert.deepEqual(ds2.map((d) => d.code).sort(), ['vta.tokens.balance', 'vta.tokens.deadlock'], show(ds2));
  });

  it('a cycle: compute and store each wait for the other', () => {
    const text = [
      'data y : out[1]',
      'kernel k { uop dst=0 src=0 }',
      '  load uop k',
      '  pop st->ex',
      '  alu max k imm=0',
      '  push ex->st',
      '  pop ex->st',
      '  store out sram=0 dram=y y=1 x=1',
      '  push st->ex',
      '  finish',
    ].join('\n');
    const ds = findings(text);
    assert.deepEqual(
      ds.map((d) => [d.code, d.range.start.line]),
      [['vta.tokens.deadlock', 3]],
      show(ds),
    );
    assert.match(ds[0]!.message, /store module is itself blocked waiting on ex->st.*a cycle/);
    assert.ok(
      ds[0]!.related?.some((r) => r.range.start.line === 6 && /store module waits here on ex->st/.test(r.message)),
      JSON.stringify(ds[0]!.related),
    );
  });

  it('RAW: compute reads INP before the load that writes it is ordered', () => {
    const text = [
      'data a : inp[1]',
      'data b : wgt[1]',
      'data y : out[1]',
      'kernel k { uop dst=0 src=0 wgt=0 }',
      '  load inp sram=0 dram=a y=1 x=1',
      '  load wgt sram=0 dram=b y=1 x=1',
      '  load uop k',
      '  gemm k',
      '  push ex->st',
      '  pop ex->st',
      '  store out sram=0 dram=y y=1 x=1',
      '  push st->ex',
      '  pop st->ex',
      '  finish',
    ].join('\n');
    const ds = findings(text);
    assert.deepEqual(
      ds.map((d) => [d.code, d.range.start.line]).sort(),
      [
        ['vta.finish.order', 13],
        ['vta.hazard.raw', 7],
        ['vta.hazard.raw', 7],
      ],
      show(ds),
    );
    const inp = ds.find((d) => /INP rows 0:/.test(d.message))!;
    assert.deepEqual(
      inp.related?.map((r) => r.range.start.line),
      [4],
    );
    // The fix (push ld->ex after the load, pop before the GEMM) removes that hazard.
    const fixed = applyFix(text, ds.find((d) => /WGT rows 0:/.test(d.message))!.fixes![0]!);
    assert.equal(show(findings(fixed)), '', fixed);
  });
});

describe('targets and streams without sources', () => {
  it('vta.tokens.depth: 300 tokens in flight on a 255-deep Chisel queue, not on pynq or sim', () => {
    const body = (target: string) =>
      [
        `target ${target}`,
        'for i in 0..300 {',
        '  nop ld',
        '  push ld->ex',
        '}',
        'for i in 0..300 {',
        '  pop ld->ex',
        '  nop ex',
        '}',
        '  finish',
      ].join('\n');
    const ds = findings(body('tsim'));
    assert.deepEqual(
      ds.map((d) => [d.code, d.severity]),
      [['vta.tokens.depth', 'error']],
      show(ds),
    );
    assert.match(ds[0]!.message, /up to 300 tokens .* holds 255/);
    assert.equal(show(findings(body('pynq'))), '');
    assert.equal(show(findings(body('sim'))), '');
  });

  it('a load module stalled on a full queue shows up in the chain behind the blocked compute module', () => {
    const text = [
      'target tsim',
      'for i in 0..300 {',
      '  nop ld',
      '  push ld->ex',
      '}',
      '  pop st->ex',
      '  nop ex',
      'for i in 0..300 {',
      '  pop ld->ex',
      '  nop ex',
      '}',
      '  finish',
    ].join('\n');
    const run = runTokens(assemble(text));
    assert.deepEqual(run.state.ld.kind, 'push');
    assert.equal(run.deadlocked, true);
    const ds = findings(text);
    const dl = ds.filter((d) => d.code === 'vta.tokens.deadlock');
    assert.deepEqual(
      dl.map((d) => d.range.start.line),
      [5],
      show(ds),
    );
    assert.ok(
      dl[0]!.related?.some((r) => r.range.start.line === 3 && /load module waits here on ld->ex/.test(r.message)),
      JSON.stringify(dl[0]!.related),
    );
    // Unbounded queues (sim): the load module runs to its end; only compute is stuck.
    assert.equal(runTokens(assemble(text.replace('target tsim', 'target sim'))).state.ld.kind, 'done');
  });

  it('a binary-only Program (no sources): findings carry instruction indexes', () => {
    const src = assemble(read('examples/defects/finish-too-early.vta'));
    const bin = programFromStream(
      src.target,
      src.insns.map((p) => ({ ...p.insn })),
      src.dram,
    );
    const ds = tokenChecks(bin, 'stream.bin');
    assert.deepEqual(
      ds.map((d) => [d.code, d.instruction, d.file]),
      [['vta.finish.order', 6, 'stream.bin']],
      show(ds),
    );
    assert.equal(ds[0]!.related?.[0]?.instruction, 5);
    assert.equal(ds[0]!.fixes, undefined);

    const dl = assemble(read('examples/defects/deadlock.vta'));
    const bin2 = programFromStream(
      dl.target,
      dl.insns.map((p) => ({ ...p.insn })),
      dl.dram,
    );
    const ds2 = tokenChecks(bin2, 'stream.bin');
    const gemm2 = dl.insns.findIndex(
      (p, i) =>
        i > 0 &&
        p.insn.opcode === 2 &&
        p.insn.pop_prev_dep === 1 &&
        dl.insns.slice(0, i).some((q) => q.insn.opcode === 2),
    );
    assert.deepEqual(
      ds2.map((d) => [d.code, d.instruction]).sort(),
      [
        ['vta.tokens.balance', gemm2],
        ['vta.tokens.deadlock', gemm2],
      ],
      show(ds2),
    );
    assert.match(ds2.find((d) => d.code === 'vta.tokens.deadlock')!.message, /GEMM|ld->ex/);
  });

  it('happens-before: program order within a module, token edges across', () => {
    const p = assemble(read('examples/defects/finish-too-early.vta'));
    const run = runTokens(p);
    const idx = (op: number, mem?: number) =>
      p.insns.findIndex((x) => x.insn.opcode === op && (mem === undefined || x.insn.memory_type === mem));
    const loadWgt = idx(0, 1);
    const gemm = idx(2);
    const store = idx(1);
    const finish = idx(3);
    assert.ok(happensBefore(run, loadWgt, gemm));
    assert.ok(!happensBefore(run, gemm, loadWgt));
    assert.ok(happensBefore(run, gemm, store));
    assert.ok(!happensBefore(run, store, finish));
    assert.ok(run.finishRan && !run.deadlocked);
  });
});

describe('robustness', () => {
  it('random flag soup (illegal flags included) never throws; findings point at real instructions', () => {
    const t = assemble('finish').target;
    let seen = 0;
    for (let seed = 1; seed <= 500; seed++) {
      let x = (seed * 2654435761) >>> 0 || 1;
      const rnd = (n: number) => {
        x ^= x << 13;
        x >>>= 0;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        return x % n;
      };
      const n = 1 + rnd(40);
      const insns = Array.from({ length: n }, () => {
        const insn = nopInsn((['ld', 'ex', 'st'] as const)[rnd(3)]!);
        for (const f of ['pop_prev_dep', 'pop_next_dep', 'push_prev_dep', 'push_next_dep'] as const)
          insn[f] = rnd(3) === 0 ? 1 : 0;
        return insn;
      });
      if (rnd(2)) insns.push({ ...nopInsn('ex'), opcode: Opcode.FINISH });
      const ds = tokenChecks(programFromStream(t, insns), 'soup.bin');
      for (const d of ds) {
        assert.ok(
          d.instruction !== undefined && d.instruction >= 0 && d.instruction < insns.length,
          formatDiagnostic(d),
        );
        for (const r of d.related ?? []) assert.ok(r.instruction === undefined || r.instruction < insns.length);
      }
      seen += ds.length;
    }
    assert.ok(seen > 100, `${seen} findings over the soup`);
  });
});

describe('speed', () => {
  it('a 20,000-instruction program checks in well under a second per 10k instructions', () => {
    const p = randomBuiltProgram(5, { blocks: 1 });
    const per = p.insns.length;
    let blocks = Math.ceil(20000 / Math.max(1, per));
    let big = randomBuiltProgram(5, { blocks });
    while (big.insns.length < 20000) big = randomBuiltProgram(5, { blocks: (blocks = Math.ceil(blocks * 1.3)) });
    assert.ok(big.insns.length >= 20000, `${big.insns.length}`);
    // Its time is the front-end benchmark's tokenAnalysis figure; here, that it finishes clean.
    const ds = tokenChecks(big, 'big');
    assert.equal(show(ds), '');
  });
});
