// The `vta` command as a user runs it: the built bundle in a child process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { assembleText } from '../../core/asm';
import { encodeProgram } from '../../core/isa';
import { docDefaultConfigJson } from '../support/isa-doc';

function vta(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/vta.cjs', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('vta check: clean example exits 0 with no output', () => {
  const r = vta('check', 'examples/gemm-block.vta');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.trim(), '');
});

test('vta check: errors as file:line:col lines and exit 1; JSON carries ranges and instruction indexes', () => {
  const r = vta('check', 'examples/defects/out-of-bounds.vta');
  assert.equal(r.code, 1);
  assert.match(r.out, /^examples\/defects\/out-of-bounds\.vta:12:3: error vta\.bounds\.inp: /m);
  const j = vta('check', '--format', 'json', 'examples/defects/out-of-bounds.vta');
  const diags = JSON.parse(j.out) as Array<{ code: string; range: { start: { line: number } }; instruction?: number }>;
  const inp = diags.find((d) => d.code === 'vta.bounds.inp')!;
  assert.equal(inp.range.start.line, 11);
  assert.equal(inp.instruction, 0);
});

test('vta check lints a .vtasched schedule; a target file is read relative to the schedule', () => {
  const r = vta('check', 'test/fixtures/schedules/resnet18-untuned.vtasched');
  assert.equal(r.code, 1, r.err);
  const lines = r.out.trim().split('\n');
  assert.equal(lines.length, 5, r.out);
  assert.match(
    lines[0]!,
    /^test\/fixtures\/schedules\/resnet18-untuned\.vtasched:\d+:3: error vtasched\.bounds\.inp: c3: INP needs 3,480 of 2,048 rows/,
  );
  const dir = mkdtempSync(join(tmpdir(), 'vta-sched-'));
  writeFileSync(join(dir, 'cfg.json'), JSON.stringify({ ...docDefaultConfigJson(), HW_VER: '0.0.1' }));
  writeFileSync(
    join(dir, 'l.vtasched'),
    'target "cfg.json"\ndense fc {\n  input = 1x16\n  weight = 16x16\n  epilogue mul 2\n}\n',
  );
  const j = vta('check', '--format', 'json', join(dir, 'l.vtasched'));
  assert.equal(j.code, 1, j.err);
  const diags = JSON.parse(j.out) as Array<{
    file: string;
    code: string;
    range: { start: { line: number } };
    message: string;
  }>;
  assert.deepEqual(
    diags.map((d) => [d.file, d.code, d.range.start.line]),
    [[join(dir, 'l.vtasched'), 'vtasched.name.alu', 4]],
  );
  assert.match(diags[0]!.message, /no ALU mul/);
  // --target overrides the file's target: the stock 0.0.2 has mul.
  assert.equal(vta('check', '--target', 'default', join(dir, 'l.vtasched')).code, 0);
});

test('vta lower writes a program that checks clean and simulates; layers with errors are named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vta-lower-'));
  const out = join(dir, 'c11.vta');
  const r = vta('lower', 'test/fixtures/schedules/resnet18-untuned.vtasched', '--layer', 'c11', '-o', out);
  assert.equal(r.code, 0, r.err);
  assert.match(readFileSync(out, 'utf8'), /^c11_tile0:/m);
  assert.equal(vta('check', out).code, 0);
  const sim = vta('sim', out, '--stats');
  assert.equal(sim.code, 0, sim.err);
  assert.match(sim.out, /status\s+finished/);
  const all = vta('lower', 'test/fixtures/schedules/resnet18-untuned.vtasched');
  assert.equal(all.code, 1);
  assert.match(all.out, /^c2_tile0:/m);
  assert.match(
    all.err,
    /^test\/fixtures\/schedules\/resnet18-untuned\.vtasched:\d+:\d+: error vtasched\.lower: c3: not lowered/m,
  );
  assert.equal(vta('lower', 'examples/conv3x3.vta').code, 2);
  // A layer too long to write out is refused with its size, not written.
  const big = vta(
    'lower',
    'test/fixtures/schedules/resnet18-untuned.vtasched',
    '--layer',
    'c11',
    '--max-instructions',
    '1000',
  );
  assert.equal(big.code, 1);
  assert.equal(big.out, '');
  assert.match(
    big.err,
    /c11: not lowered: its program would have about 5,427 instructions, more than the limit of 1,000/,
  );
});

test("vta estimate: a row per layer with the lowered program's timing estimate; layers with errors show it", () => {
  const r = vta('estimate', 'test/fixtures/schedules/resnet18-untuned.vtasched');
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /^layer +tiles +INP +WGT +ACC +UOP +instructions +cycles +µs +GEMM +DRAM read$/m);
  assert.match(r.out, /^c2 +64x1 +56% +14% +19% +13% +3,083 +[\d,]+ +\d+ +\d+% +1,739,312$/m);
  assert.match(
    r.out,
    /^c3 +32x1\n {2}test\/fixtures\/schedules\/resnet18-untuned\.vtasched:\d+:3: error vtasched\.bounds\.inp: /m,
  );
  const j = JSON.parse(
    vta(
      'estimate',
      '--format',
      'json',
      '--max-instructions',
      '3000',
      'test/fixtures/schedules/resnet18-untuned.vtasched',
    ).out,
  ) as Array<{ layer: string; cycles?: number; gemmBound?: number; error?: string }>;
  assert.deepEqual(
    j.map((x) => x.layer),
    ['c2', 'c3', 'c4', 'c5', 'c8', 'c11', 'fc'],
  );
  const c5 = j.find((x) => x.layer === 'c5')!;
  assert.ok(c5.cycles! >= c5.gemmBound!, JSON.stringify(c5));
  assert.match(j.find((x) => x.layer === 'c11')!.error!, /not run: about 5,427 instructions/);
  assert.equal(vta('estimate', 'test/fixtures/schedules/resnet18-untuned.vtasched', '--max-instructions', 'x').code, 2);
  const badFormat = vta('estimate', 'test/fixtures/schedules/resnet18-untuned.vtasched', '--format', 'xml');
  assert.equal(badFormat.code, 2);
  assert.match(badFormat.err, /--format must be text or json, not xml/);
});

test('vta asm writes the three files; the stream matches the in-process assembler', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vta-asm-'));
  const r = vta('asm', 'examples/conv3x3.vta', '-o', dir);
  assert.equal(r.code, 0, r.err);
  const insn = new Uint8Array(readFileSync(join(dir, 'conv3x3.insn.bin')));
  const p = assembleText(readFileSync('examples/conv3x3.vta', 'utf8'), { file: 'examples/conv3x3.vta' }).program!;
  assert.deepEqual(
    insn,
    encodeProgram(
      p.target,
      p.insns.map((x) => x.insn),
    ),
  );
  assert.deepEqual(new Uint8Array(readFileSync(join(dir, 'conv3x3.dram.bin'))), p.dram);
  const layout = JSON.parse(readFileSync(join(dir, 'conv3x3.layout.json'), 'utf8'));
  assert.deepEqual(
    layout.tensors.map((t: { name: string }) => t.name),
    ['x', 'k', 'y'],
  );
  assert.equal(layout.instructions, p.insns.length);
});

test('vta disasm of a truncated stream reports it and still prints the whole instructions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vta-dis-'));
  vta('asm', 'examples/gemm-block.vta', '-o', dir);
  const bytes = readFileSync(join(dir, 'gemm-block.insn.bin'));
  writeFileSync(join(dir, 'cut.bin'), bytes.subarray(0, bytes.length - 5));
  const r = vta('disasm', join(dir, 'cut.bin'));
  assert.equal(r.code, 1);
  assert.match(r.err, /vta\.binary\.truncated/);
  assert.equal((r.out.match(/; #\d+/g) ?? []).length, bytes.length / 16 - 1);
});

test('vta import-dump turns the §6.2 example into a program that assembles', () => {
  const r = vta('import-dump', 'test/fixtures/dumps/runtime-spec-example.log');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /alu add uop=0\.\.1 inner=4 dst_in=1 src_in=1 imm=0/);
  assert.match(r.err, /vta\.dump\.imm-unknown/);
  const again = assembleText(r.out, { file: 'imported.vta' });
  assert.deepEqual(
    again.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  const ops = again.program!.insns.map((x) => x.insn.opcode);
  assert.deepEqual(ops, [0, 0, 4, 1, 0, 0, 3]);
  assert.equal(again.program!.insns[3]!.insn.pop_prev_dep, 1);
  assert.equal(again.program!.insns[5]!.insn.pop_next_dep, 1);
});

test('usage errors exit 2 with a message', () => {
  const r = vta('asm', 'examples/gemm-block.vta', 'extra.vta');
  assert.equal(r.code, 2);
  assert.match(r.err, /give exactly one FILE\.vta/);
  const unknown = vta('frobnicate');
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown command 'frobnicate' \(vta --help lists the commands\)/);
  const missing = vta('check', 'no-such-file.vta');
  assert.equal(missing.code, 2);
  assert.match(missing.err, /cannot read no-such-file\.vta/);
});

test('an imported dump with uop listings re-assembles to the instructions the dump describes', async () => {
  const { importTvmDump } = await import('../../core/asm');
  const { parseTvmDump } = await import('../../core/asm/dump');
  const { defaultTarget } = await import('../../core/isa');
  const log = readFileSync('test/fixtures/dumps/runtime-two-syncs.log', 'utf8');
  const want = parseTvmDump(log).instructions.map((d) => d.insn);
  const r = importTvmDump(log, defaultTarget());
  assert.match(r.text, /kernel k0 @ \d+ \{/);
  const again = assembleText(r.text, { file: 'imported.vta' });
  assert.deepEqual(
    again.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  const got = again.program!.insns.map((p) => p.insn);
  assert.equal(got.length, want.length);
  got.forEach((g, i) => assert.deepEqual(g, want[i], `instruction ${i}`));
});

test('vta --version and vta version print the package version', () => {
  const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  for (const args of [['--version'], ['-V'], ['version']]) {
    const r = vta(...args);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, `vta ${version}\n`);
  }
  assert.equal(vta('version', 'x').code, 2);
});

test('vta --help lists every command with the options it takes', () => {
  const r = vta('--help');
  assert.equal(r.code, 0);
  for (const name of [
    'check',
    'asm',
    'disasm',
    'import-dump',
    'lower',
    'estimate',
    'sim',
    'lsp',
    'debug-adapter',
    'version',
  ]) {
    assert.match(r.out, new RegExp(`^  ${name} +\\S`, 'm'), name);
  }
  assert.match(r.out, /^ +vta asm FILE\.vta \[-o DIR\] \[--target NAME\|FILE\] \[--max-instructions N\]$/m);
  assert.match(
    r.out,
    /^ +vta sim FILE\.vta \[--mode M\].*\n +\[--max-cycles N\].*\n +\[--trace OUT\.json\].*\[--stats \| --quiet\]$/m,
  );
  assert.match(r.out, /^ +vta check --insn X\.insn\.bin/m);
  assert.match(r.out, /-h, --help/);
  assert.doesNotMatch(r.out, /timing row/);
});

test('vta sim prints a short summary: status, cycles and time, instructions and utilisation; --quiet prints nothing', () => {
  const r = vta('sim', 'examples/gemv-two-threads.vta');
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trimEnd().split('\n');
  assert.equal(lines.length, 3, r.out);
  assert.match(
    lines[0]!,
    /^examples\/gemv-two-threads\.vta: finished in [\d,]+ cycles, [\d.]+ µs \(an estimate of the sim timing model\)$/,
  );
  const cycles = Number(/in ([\d,]+) cycles/.exec(lines[0]!)![1]!.replace(/,/g, ''));
  const stats = vta('sim', 'examples/gemv-two-threads.vta', '--stats');
  assert.match(stats.out, new RegExp(`^time +${cycles.toLocaleString('en-US')} cycles`, 'm'));
  assert.match(lines[1]!, /^ {2}34 of 34 instructions ran \(load \d+, compute \d+, store \d+\)$/);
  assert.match(
    lines[2]!,
    /^ {2}busy: load [\d.]+%, compute [\d.]+%, store [\d.]+%, GEMM core [\d.]+%, DRAM bus [\d.]+%$/,
  );
  assert.equal(r.err, '');
  const q = vta('sim', 'examples/gemv-two-threads.vta', '--quiet');
  assert.equal(q.code, 0);
  assert.equal(q.out + q.err, '');
  const f = vta('sim', 'examples/gemv-two-threads.vta', '--mode', 'functional');
  assert.match(
    f.out,
    /^examples\/gemv-two-threads\.vta: finished after 34 steps \(functional mode: no cycle count\)$/m,
  );
  const d = vta('sim', 'examples/defects/deadlock.vta');
  assert.equal(d.code, 1);
  assert.match(d.out, /^examples\/defects\/deadlock\.vta: deadlocked in [\d,]+ cycles/);
});

test('vta asm without -o writes beside the source and says so; counts agree in number', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vta-asm-beside-'));
  const src = join(dir, 'one.vta');
  writeFileSync(src, 'finish\n');
  const r = vta('asm', src);
  assert.equal(r.code, 0, r.err);
  assert.equal(
    r.err,
    `vta asm: wrote one.insn.bin (1 instruction, 16 B), one.dram.bin (0 B) and one.layout.json to ${dir}\n`,
  );
  assert.equal(readFileSync(join(dir, 'one.insn.bin')).length, 16);
  const two = vta('sim', src);
  assert.match(two.out, /: finished in [\d,]+ cycles?, .*\n {2}1 of 1 instruction ran \(load 0, compute 1, store 0\)/);
});

test('vta lower -o says what it wrote and which layers it left out', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vta-lower-says-'));
  const out = join(dir, 'all.vta');
  const r = vta('lower', 'test/fixtures/schedules/resnet18-untuned.vtasched', '-o', out);
  assert.equal(r.code, 1);
  assert.match(
    r.err,
    new RegExp(
      `^vta lower: wrote ${out.replace(/[/\\.]/g, '\\$&')} with layers c2, c5, c11; left out c3, c4, c8, fc \\(see the errors above\\)$`,
      'm',
    ),
  );
  const one = vta('lower', 'test/fixtures/schedules/resnet18-untuned.vtasched', '--layer', 'c2', '-o', out);
  assert.equal(one.code, 0, one.err);
  assert.equal(one.err, `vta lower: wrote ${out} with layer c2\n`);
  const none = vta(
    'lower',
    'test/fixtures/schedules/resnet18-untuned.vtasched',
    '--layer',
    'c3',
    '-o',
    join(dir, 'none.vta'),
  );
  assert.equal(none.code, 1);
  assert.match(none.err, /none\.vta was not written: no layer could be lowered/);
});
