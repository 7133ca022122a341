/**
 * Dumps from any configuration, pasted as people paste them, import into programs
 * that assemble, check and run. Inputs: hand-written dumps in test/fixtures/dumps.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { assembleText, importTvmDump, memoryHost } from '../../core/asm';
import { checkProgram } from '../../core/analysis/check';
import { Opcode, defaultTarget, encodeProgram, targetFromJson } from '../../core/isa';
import { simulate } from '../../core/sim';

const CONFIG = readFileSync('test/fixtures/dumps/block32_vta_config.json', 'utf8');
const BLOCK32 = targetFromJson(CONFIG, 'block32_vta_config.json');
const CONV = readFileSync('test/fixtures/dumps/runtime-conv2d-block32.log', 'utf8');

/** Imports, assembles (the config next to the file) and checks. */
function importAndCheck(log: string, target = BLOCK32, targetText = '"block32_vta_config.json"') {
  const r = importTvmDump(log, target, 'test', targetText);
  const a = assembleText(r.text, {
    file: '/w/x.vta',
    host: memoryHost({ '/w/x.vta': r.text, '/w/block32_vta_config.json': CONFIG }),
  });
  assert.ok(a.program, r.text);
  const findings = checkProgram(a.program, '/w/x.vta', a.diagnostics);
  return { r, program: a.program, errors: findings.filter((d) => d.severity === 'error') };
}

const insnBytes = (p: {
  target: Parameters<typeof encodeProgram>[0];
  insns: Array<{ insn: Parameters<typeof encodeProgram>[1][number] }>;
}) =>
  encodeProgram(
    p.target,
    p.insns.map((x) => x.insn),
  );

test('a BLOCK=32 runtime conv2d dump (19 instructions) imports, checks with no error and simulates to FINISH', () => {
  const { r, program, errors } = importAndCheck(CONV);
  assert.deepEqual(
    r.diagnostics.filter((d) => d.severity !== 'info'),
    [],
  );
  assert.deepEqual(
    errors.map((d) => `${d.code} ${d.message}`),
    [],
    r.text,
  );
  assert.equal(program.insns.length, 19);
  const ops = program.insns.map((x) => x.insn);
  assert.equal(ops.filter((i) => i.opcode === Opcode.GEMM).length, 3);
  assert.deepEqual(
    ops.filter((i) => i.opcode === Opcode.ALU).map((i) => i.alu_opcode),
    [3, 2, 1, 0],
  );
  // Every address is the dump's: WGT at element 0x20 (32 KiB in), ACC at 0x140, OUT at 0x600.
  assert.deepEqual(
    ops.filter((i) => i.opcode <= Opcode.STORE && i.x_size > 0).map((i) => i.dram_base),
    [0x1c00, 0x0, 0x20, 0x2, 0x21, 0x140, 0x1c02, 0x1c04, 0x600],
  );
  assert.match(r.text, /^; DRAM contents are not in the dump/m);
  assert.match(r.text, /^data wgt0 : wgt\[1\] @ 32768 = zeros$/m);
  assert.match(r.text, /^data out0 : out\[2\] @ 49152 = zeros$/m);
  assert.ok(program.dram.length >= 49152 + 2 * 32);
  assert.equal(simulate(program, {}).status, 'finished');
});

test('lost leading tabs, prose between the lines and uop listings placed anywhere read the same', () => {
  const base = importAndCheck(CONV);
  const lines = CONV.split('\n');
  const pasted: string[] = [];
  lines.forEach((l, i) => {
    pasted.push(l.replace(/^\t/, ''));
    if (i % 7 === 3) pasted.push('As you can see, the next lines show what the runtime queued (my note).');
  });
  // The micro-op listings moved to the end, after a remark.
  const text = pasted.join('\n');
  const firstUops = text.indexOf('There are 2 uops');
  const header = text.indexOf('There are 19 instructions');
  const moved = text.slice(0, firstUops) + text.slice(header) + '\nThe first kernel:\n' + text.slice(firstUops, header);
  for (const log of [text, moved]) {
    const { r, program, errors } = importAndCheck(log);
    assert.deepEqual(
      r.diagnostics.filter((d) => d.severity !== 'info'),
      [],
      log,
    );
    assert.deepEqual(errors, []);
    assert.deepEqual(insnBytes(program), insnBytes(base.program));
  }
});

test('a dump cut in the middle of an instruction imports what it holds, with a diagnostic at the cut', () => {
  const lines = CONV.split('\n');
  const at = lines.indexOf('INSTRUCTION 12: ALU - add');
  const cut = lines.slice(0, at + 3).join('\n'); // header, dep line, reset_out line
  const { r, program, errors } = importAndCheck(cut);
  const truncated = r.diagnostics.find((d) => d.code === 'vta.dump.truncated');
  assert.ok(truncated, JSON.stringify(r.diagnostics));
  assert.equal(truncated.line, at + 2);
  assert.equal(program.insns.length, 12);
  assert.deepEqual(
    errors.filter((d) => d.code.startsWith('vta.bounds') || d.code.startsWith('vta.syntax')),
    [],
  );
});

test('a hand-written test-library dump (DEBUG - prefixes, STORE ACC, range before reset_out) checks and runs', () => {
  const log = [
    'DEBUG - There are 5 instructions',
    'DEBUG - INSTRUCTION 0: LOAD UOP',
    'dep - pop prev: 0, pop next: 0, push prev: 0, push next: 0',
    'DRAM: 0x00000100, SRAM:0x0000',
    'y: size=1, pad=[0, 0]',
    'x: size=1, stride=1, pad=[0, 0]',
    'some prose the author typed between two lines',
    'DEBUG - INSTRUCTION 1: LOAD ACC',
    'dep - pop prev: 0, pop next: 0, push prev: 0, push next: 0',
    'DRAM: 0x00000020, SRAM:0x0000',
    'y: size=1, pad=[0, 0]',
    'x: size=2, stride=2, pad=[0, 0]',
    'DEBUG - INSTRUCTION 2: ALU - add imm',
    'dep - pop prev: 0, pop next: 0, push prev: 0, push next: 1',
    'reset_out: 0',
    'range (0, 1)',
    'outer loop - iter: 1, dst: 0, src: 0',
    'inner loop - iter: 2, dst: 1, src: 1',
    'DEBUG - INSTRUCTION 3: STORE ACC',
    'dep - pop prev: 1, pop next: 0, push prev: 1, push next: 0',
    'DRAM: 0x00000100, SRAM:0x0000',
    'y: size=1, pad=[0, 0]',
    'x: size=2, stride=2, pad=[0, 0]',
    'DEBUG - INSTRUCTION 4: FINISH',
    'dep - pop prev: 0, pop next: 1, push prev: 0, push next: 0',
    'DEBUG - l2g_queue = 0, g2l_queue = 0',
    'DEBUG - s2g_queue = 0, g2s_queue = 0',
    'DEBUG - There are 1 micro-ops',
    'DEBUG - UOP 0: acc=0, inp= 0, wgt=0',
  ].join('\n');
  const { r, program, errors } = importAndCheck(log, defaultTarget(), 'default');
  assert.equal(r.parsed.variant, 'test-lib');
  assert.deepEqual(
    r.diagnostics.filter((d) => d.severity !== 'info'),
    [],
  );
  assert.deepEqual(errors, [], r.text);
  assert.equal(program.insns.length, 5);
  assert.match(r.text, /kernel k0 @ 1024 \{ uop dst=0 src=0 \}/);
  assert.equal(simulate(program, {}).status, 'finished');
});

test('without a target text, a target read from a file is written as a quoted path that parses', () => {
  const r = importTvmDump(CONV, BLOCK32);
  assert.match(r.text, /^target "block32_vta_config\.json"$/m);
  const a = assembleText(r.text, {
    file: '/w/x.vta',
    host: memoryHost({ '/w/x.vta': r.text, '/w/block32_vta_config.json': CONFIG }),
  });
  assert.deepEqual(
    a.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  assert.equal(a.program!.target.keys.LOG_BLOCK, 5);
});

test('an instruction dump without micro-op listings (debug flag 2 only) still checks: its micro-ops are zeros', () => {
  const noUops = CONV.split('\n')
    .filter((l) => !/^(There are \d+ uops|\[\d{4}\])/.test(l))
    .join('\n');
  const { r, program, errors } = importAndCheck(noUops);
  assert.doesNotMatch(r.text, /^kernel /m);
  assert.match(r.text, /load uop sram=0 dram=7168 x=2/);
  assert.deepEqual(
    errors.map((d) => `${d.code} ${d.message}`),
    [],
    r.text,
  );
  assert.equal(program.insns.length, 19);
  assert.equal(simulate(program, {}).status, 'finished');
});

test('the test library prints every address as 0: one zero tensor covers them all and the kernel moves after it', () => {
  const log = readFileSync('test/fixtures/dumps/testlib-gemm.log', 'utf8');
  const { r, program, errors } = importAndCheck(log, defaultTarget(), 'default');
  assert.deepEqual(errors, [], r.text);
  assert.match(r.text, /^data inp0 : inp\[256\] @ 0 = zeros$/m);
  assert.match(r.text, /^; k0 is loaded from byte 0, inside the data above: it is placed after the data instead$/m);
  assert.equal(program.insns.length, 7);
  assert.equal(simulate(program, {}).status, 'finished');
});
