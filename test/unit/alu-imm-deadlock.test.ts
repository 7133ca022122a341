/**
 * Checks and simulator agree: an immediate-mode ALU still computes (and reads) its
 * source index, and a deadlock is reported at the same `pop` line by both.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { assembleText, memoryHost } from '../../core/asm';
import { checkProgram } from '../../core/analysis/check';
import { simulate } from '../../core/sim';

function run(text: string) {
  const r = assembleText(text, { file: 'x.vta', host: memoryHost({ 'x.vta': text }) });
  assert.ok(r.program);
  return { program: r.program, findings: checkProgram(r.program, 'x.vta', r.diagnostics) };
}

const aluProgram = (src: number, extra = '') => `target default
data a : acc[4]
data y : out[4]
kernel k { uop dst=0 src=${src} }
  load acc sram=0 dram=a x=4
  load uop k
  alu add k inner=4 dst_in=1 src_in=1 imm=3 ${extra}
  push ex->st
  pop  ex->st
  store out sram=0 dram=y x=4
  push st->ex
  pop  st->ex
  finish
`;

test('an immediate-mode ALU whose source index runs past the accumulator is a bounds error with the computed range', () => {
  const { program, findings } = run(aluProgram(2046));
  const b = findings.filter((d) => d.code === 'vta.bounds.acc');
  assert.equal(b.length, 1, JSON.stringify(findings));
  assert.equal(b[0]!.severity, 'error');
  assert.equal(b[0]!.range.start.line, 6);
  assert.match(
    b[0]!.message,
    /ALU \(immediate mode\) computes source ACC rows 2046\.\.2049, past the end of the ACC buffer \(2048 rows, 0\.\.2047\)/,
  );
  // The simulator stops on the same instruction.
  const r = simulate(program, { mode: 'functional' });
  assert.equal(r.error?.code, 'sram-out-of-range');
  assert.equal(r.error?.source?.start.line, 6);
});

test('in range, the unused source rows of an immediate-mode ALU raise no uninitialised-read or hazard finding', () => {
  const { program, findings } = run(aluProgram(8));
  assert.deepEqual(
    findings.filter((d) => d.severity !== 'info').map((d) => `${d.code} ${d.message}`),
    [],
  );
  assert.equal(simulate(program, {}).status, 'finished');
});

test('vta check and vta sim point at the same pop line for a deadlock; the instruction carrying it is related', () => {
  const file = 'examples/defects/deadlock.vta';
  const { program, findings } = run(readFileSync(file, 'utf8'));
  const d = findings.find((x) => x.code === 'vta.tokens.deadlock')!;
  const e = simulate(program, {}).error!;
  assert.equal(e.code, 'deadlock');
  assert.equal(e.source!.start.line, d.range.start.line);
  assert.equal(e.source!.start.character, d.range.start.character);
  assert.match(readFileSync(file, 'utf8').split('\n')[d.range.start.line]!, /^\s*pop\s+ld->ex/);
  assert.equal(e.related![0]!.source.start.line, d.range.start.line + 1);
  // A deadlock on a flag written in a bare binary (no pop line) stays at the instruction.
  const bare = simulate(
    { ...program, insns: program.insns.map((p) => ({ ...p, tokenSources: undefined })) },
    {},
  ).error!;
  assert.equal(bare.source!.start.line, d.range.start.line + 1);
  assert.equal(bare.related, undefined);
});
