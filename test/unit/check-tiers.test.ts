/**
 * The check entry point of core (core/analysis/check.ts), which the CLI, the language
 * server's checks worker and the lowered layers share: the tiers, the one stop rule,
 * and findings as plain data (they cross to the server's thread as they are: the
 * worker makes no copy).
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { assembleText } from '../../core/asm';
import { blocksChecks, CHECK_TIERS, checkProgram } from '../../core/analysis/check';
import { programIndex } from '../../core/analysis/program-index';
import type { Diagnostic } from '../../core/lang/diagnostic';
import { nodeHost } from '../../server/node-host';
import { runCheckJob, runLayerJob } from '../../server/lsp/check-worker';

const ROOT = resolve(import.meta.dirname, '..', '..');
const DEFECTS = resolve(ROOT, 'examples/defects');

function assembled(file: string, text = readFileSync(file, 'utf8')) {
  const r = assembleText(text, { file, host: nodeHost });
  assert.ok(r.program, file);
  return { program: r.program, diagnostics: r.diagnostics };
}

test('the first tier runs the first list of checks; every tier adds the whole-program ones', () => {
  const file = resolve(DEFECTS, 'deadlock.vta');
  const { program, diagnostics } = assembled(file);
  const first = checkProgram(program, file, diagnostics, { tier: 'first' });
  const all = checkProgram(program, file, diagnostics);
  const own = (checks: typeof CHECK_TIERS.first) => checks.flatMap((c) => c(program, file)).length;
  assert.equal(first.length, diagnostics.length + own(CHECK_TIERS.first));
  assert.equal(all.length, diagnostics.length + own(CHECK_TIERS.first) + own(CHECK_TIERS.whole));
  assert.ok(
    all.some((d) => d.code === 'vta.tokens.deadlock'),
    'the deadlock is a whole-program finding',
  );
  assert.ok(!first.some((d) => d.code === 'vta.tokens.deadlock'), 'and not a first-tier one');
});

test('one stop rule: syntax or name errors, or a stream cut at the limit, leave only the assembly diagnostics', () => {
  const clean = readFileSync(resolve(DEFECTS, 'deadlock.vta'), 'utf8');
  const file = 'stop.vta';
  const base = assembleText(clean, { file });
  assert.ok(!blocksChecks(base.diagnostics));
  assert.ok(
    checkProgram(base.program!, file, base.diagnostics).length > base.diagnostics.length,
    'the text has findings of the checks',
  );
  const broken = [
    clean + '  bogus ~~\n',
    clean.replace('push ex->st', 'push ex->zz'),
    clean.replace('gemm k\n', 'gemm nosuch\n'),
  ];
  for (const text of broken) {
    const r = assembleText(text, { file });
    assert.ok(blocksChecks(r.diagnostics), text);
    assert.ok(r.program, 'a program is built all the same');
    assert.deepEqual(
      checkProgram(r.program, file, r.diagnostics)
        .map((d) => d.code)
        .sort(),
      r.diagnostics.map((d) => d.code).sort(),
      text,
    );
  }
  const cut = {
    file,
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: 'error',
    code: 'vta.bounds.stream',
    message: 'cut',
  } satisfies Diagnostic;
  assert.ok(blocksChecks([cut]));
  assert.ok(!blocksChecks([{ ...cut, code: 'vta.bounds.inp' }]), 'a bounds error does not stop the checks');
  assert.ok(!blocksChecks([{ ...cut, severity: 'warning', code: 'vta.syntax.x' }]), 'only errors stop them');
});

test('findings are plain data: the checks worker sends them as they are and they arrive equal', () => {
  let withFixes = 0,
    withRelated = 0;
  for (const name of readdirSync(DEFECTS).filter((f) => f.endsWith('.vta'))) {
    const file = resolve(DEFECTS, name);
    const done = runCheckJob({
      id: 1,
      tier: 'all',
      uri: `file://${file}`,
      version: 1,
      file,
      text: readFileSync(file, 'utf8'),
      files: {},
      settingTarget: undefined,
    });
    assert.ok(done.diagnostics?.length, name);
    // structuredClone is what a message between threads does: own data properties only.
    // Strict equality compares prototypes too, so a range read through getters would fail here.
    assert.deepStrictEqual(structuredClone(done), done, name);
    withFixes += done.diagnostics.filter((d) => d.fixes?.length).length;
    withRelated += done.diagnostics.filter((d) => d.related?.length).length;
  }
  assert.ok(withFixes > 0 && withRelated > 0, `fixes ${withFixes}, related ${withRelated}: both kinds crossed`);
  // A schedule layer's lowered checks and estimate cross the same way.
  const text =
    'target default\nconv2d small {\n  input  = 1x16x8x8\n  filter = 16x16x3x3\n  pad    = 1\n  tile   b=1 h=8 w=8 ci=16 co=16\n}\n';
  const layer = runLayerJob({ id: 2, layer: { file: 'p.vtasched', text, index: 1, settingTarget: undefined } });
  assert.ok(layer.layer?.estimate, JSON.stringify(layer));
  assert.deepStrictEqual(structuredClone(layer), layer);
});

test('instruction facts: rows per instruction and the queue count after each push/pop line of the file', () => {
  const file = resolve(ROOT, 'examples/gemm-block.vta');
  const text = readFileSync(file, 'utf8');
  const { program } = assembled(file, text);
  const index = programIndex(program);
  const n = program.insns.length;
  assert.ok(
    program.insns.some((_, i) => (index.accesses(i)?.length ?? 0) > 0),
    'some instruction touches SRAM rows',
  );
  const lines = text.split('\n');
  let pushPopLines = 0;
  lines.forEach((line, k) => {
    const t = index.tokenLine(file, k);
    if (!t) return;
    pushPopLines++;
    assert.match(line, /\b(push|pop)\b/, `line ${k + 1} is a push or pop line`);
    assert.ok(t.count >= 0, `line ${k + 1}: ${t.count} tokens`);
    assert.equal(index.queuesAfter(t.carrier)[t.queue] >= 0, true);
  });
  assert.ok(pushPopLines > 0);
  // Queues end where they start in a valid program.
  assert.deepEqual(index.queuesAfter(n - 1), index.queuesBefore(0));
});
