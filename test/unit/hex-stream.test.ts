/**
 * Hex instruction words as other tools print them: the reader, the word
 * description and the hover text. Inputs are written here or in test/fixtures.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { assembleText, decodeStream, disassemble, kernelsFromListings, memoryHost } from '../../core/asm';
import { describeInsnWord, describeUopWord } from '../../core/asm/describe-word';
import { hexWordBytes, hexWordsInLine, readHexStream } from '../../core/asm/hex';
import { defaultTarget, encodeProgram } from '../../core/isa';
import { hexWordHover } from '../../core/lsp-support/hex-hover';

const t = defaultTarget();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** The example's stream as C prints it: word[1] then word[0], %016llx each. */
function valueOrderLines(bytes: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += 16)
    out.push(
      hex(
        bytes
          .subarray(i, i + 16)
          .slice()
          .reverse(),
      ),
    );
  return out;
}

function exampleBytes(file: string): Uint8Array {
  const text = readFileSync(file, 'utf8');
  const r = assembleText(text, { file, host: memoryHost({ [file]: text }) });
  return encodeProgram(
    r.program!.target,
    r.program!.insns.map((x) => x.insn),
  );
}

test('32-digit words anywhere in a line read in value order give the stream back; memory order too', () => {
  const bytes = exampleBytes('examples/conv3x3.vta');
  const words = valueOrderLines(bytes);
  const log = words
    .map((w, i) =>
      i % 3 === 0 ? `instr No.${i} \t info: ${w}` : i % 3 === 1 ? `{"insn": "0x${w}", "n": ${i}}` : `[${i}] ${w} ; ok`,
    )
    .join('\n');
  const r = readHexStream(t, `INFO: start 0x43C00000 at 12:00:01\n${log}\ndone`, 'x.log');
  assert.deepEqual(r.diagnostics, []);
  assert.equal(hex(r.bytes), hex(bytes));
  assert.equal(r.lines[0], 1);
  const memory = [];
  for (let i = 0; i < bytes.length; i += 16) memory.push(`  ${hex(bytes.subarray(i, i + 16))}`);
  assert.equal(hex(readHexStream(t, memory.join('\n'), 'm.txt', 'memory').bytes), hex(bytes));
});

test('runs of hex inside names, and words one digit short, are not instructions (the short one is reported)', () => {
  const line = 'id_00000000000000000000000000000013 00000000000000000000000000000013x 0000000000000000000000000000013';
  const others: ReturnType<typeof hexWordsInLine> = [];
  assert.deepEqual(hexWordsInLine(line, 0, others), []);
  assert.equal(others.length, 1);
  const r = readHexStream(t, line, 'x.log');
  assert.deepEqual(
    r.diagnostics.map((d) => d.code),
    ['vta.hex.length', 'vta.hex.empty'],
  );
});

test('a 7-instruction HLS testbench log decodes, with its micro-ops as the kernel of the LOAD UOP', () => {
  const log = readFileSync('test/fixtures/hls-gemm-testbench.log', 'utf8');
  const r = readHexStream(t, log, 'hls.log');
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.bytes.length, 7 * 16);
  assert.deepEqual(
    r.uopListings.map((l) => l.uops.length),
    [4],
  );
  const s = decodeStream(t, r.bytes, 'hls.log');
  assert.deepEqual(s.diagnostics, []);
  assert.deepEqual(
    s.insns.map((i) => i.opcode),
    [0, 0, 0, 0, 2, 1, 3],
  );
  const d = disassemble(s.insns, {
    target: t,
    kernelUops: kernelsFromListings(
      s.insns,
      r.uopListings.map((l) => l.uops),
    ),
  });
  assert.deepEqual(d.problems, []);
  assert.match(d.text, /kernel k0 @ 0 \{\n {2}uop dst=0 src=0\n {2}uop dst=1 src=1\n/);
  assert.match(d.text, /gemm k0/);
  const again = assembleText(d.text, { file: 'x.vta', host: memoryHost({ 'x.vta': d.text }) });
  assert.equal(
    hex(
      encodeProgram(
        t,
        again.program!.insns.map((x) => x.insn),
      ),
    ),
    hex(r.bytes),
  );
});

test('a word described field by field: kind, bits, values, .vta line; micro-ops and bad words too', () => {
  // LOAD ACC, sram 0, dram 64, y 4, x 1, stride 1, push_prev (bit 5)
  const d = describeInsnWord(t, hexWordBytes('000000010001000400000001000001a0', 'value'));
  assert.equal(d.title, 'LOAD ACC (compute module)');
  const f = Object.fromEntries(d.fields.map((x) => [x.name, x]));
  assert.deepEqual([f.dram_base!.lo, f.dram_base!.hi, f.dram_base!.value], [26, 57, 64]);
  assert.equal(f.memory_type!.meaning, 'ACC');
  assert.deepEqual(d.vta, ['load acc sram=0 dram=64 y=4 x=1', 'push ex->ld']);
  assert.deepEqual(d.problems, []);
  const u = describeUopWord(t, hexWordBytes('00400801', 'value'));
  assert.deepEqual(
    u.fields.map((x) => [x.name, x.value]),
    [
      ['dst_idx', 1],
      ['src_idx', 1],
      ['wgt_idx', 1],
    ],
  );
  const bad = describeInsnWord(t, hexWordBytes('00000000000000000000000000000016', 'value'));
  assert.match(bad.problems[0]!, /opcode 6/);
});

test('hover text over a word, only when the cursor is on it', () => {
  const line = '; from the testbench: 000000010001000400000001000001a0 (LOAD ACC)';
  const at = line.indexOf('0000000100');
  const h = hexWordHover(t, line, at + 5);
  assert.ok(h);
  assert.equal([h.start, h.end].join(), [at, at + 32].join());
  assert.match(h.markdown, /\*\*LOAD ACC \(compute module\)\*\*/);
  assert.match(h.markdown, /26-57 {2}dram_base {7}64/);
  assert.equal(hexWordHover(t, line, 3), undefined);
  assert.match(hexWordHover(t, 'uop[1] = 0x00000801', 14)!.markdown, /micro-op/);
  assert.equal(hexWordHover(t, 'crc = 0x00000801', 10), undefined);
});
