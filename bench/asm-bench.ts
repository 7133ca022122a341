/**
 * Front-end speed: parse + expand + first-tier checks of a generated 20,000-instruction
 * program, beside JSON.parse of the same program serialised as JSON, and encoding it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTvmDump } from '../core/asm/dump/parse-dump';
import { dumpGrowthPatterns } from '../test/support/dump-growth';
import { firstTierChecks } from '../core/analysis/first-tier';
import { tokenChecks } from '../core/analysis/tokens';
import { assembleAst, assembleText, decodeStream, disassemble } from '../core/asm';
import { readHexStream } from '../core/asm/hex';
import { checkProgram } from '../core/analysis/check';
import { encodeProgram } from '../core/isa';
import { parseVta } from '../core/lang/parser';
import { round, time } from './timing';

/** An unrolled double-buffered GEMV-like stream with about `n` instructions. */
export function generateProgram(n: number): string {
  const L = [
    'target default',
    'data x : inp[16] = random(seed=1)',
    'data w : wgt[32] = random(seed=2)',
    'data y : out[64]',
    'kernel g(row, wb) { uop dst=row src=0 wgt=wb }',
    'kernel a(row) { uop dst=row src=row }',
    '',
    'load inp sram=0 dram=x y=1 x=16',
  ];
  let count = 1;
  for (let j = 0; count < n - 3; j++) {
    const half = (j % 2) * 16;
    const row = j % 64;
    if (j >= 2) L.push('pop ex->ld');
    L.push(
      `load wgt sram=${half} dram=w + ${half} y=1 x=16`,
      'push ld->ex',
      `load uop g(${row}, ${half}) sram=${(2 * j) % 8000}`,
      `load uop a(${row}) sram=${(2 * j + 1) % 8000}`,
      'pop ld->ex',
      `gemm g(${row}, ${half}) reset`,
      `gemm g(${row}, ${half}) outer=16 src_out=1 wgt_out=1`,
      'push ex->ld',
      `alu max a(${row}) imm=0`,
      `alu shr a(${row}) imm=6`,
      'push ex->st',
      'pop ex->st',
      `store out sram=${row} dram=y + ${row} y=1 x=1`,
    );
    count += 8; // push/pop lines fold into flags: 8 instructions per block
  }
  L.push('pop ex->ld', 'pop ex->ld', 'push st->ex', 'pop st->ex', 'finish', '');
  return L.join('\n');
}

export async function runAsmBench() {
  const text = generateProgram(20_000);
  const file = 'b.vta';
  for (let i = 0; i < 3; i++) checkProgram(assembleText(text, { file }).program!, file); // warm up
  const runs = 9;
  // The front-end figures first, while the benchmark holds nothing else: each run keeps
  // the previous run's result alive until it has its own, as the language server keeps
  // its last analysis while it builds the next.
  const held: { previous?: unknown } = {};
  // The figure: parse + expand + first-tier checks, what the language server's
  // first diagnostic tier costs on every edit.
  const front = time(() => {
    const r = assembleText(text, { file });
    firstTierChecks(r.program!, { file });
    held.previous = r;
  }, runs);
  // Everything `vta check` does, with the token and hazard analysis.
  const all = time(() => {
    const r = assembleText(text, { file });
    checkProgram(r.program!, file, r.diagnostics);
    held.previous = r;
  }, runs);
  const asmOnly = time(() => {
    const r = assembleText(text, { file });
    held.previous = encodeProgram(
      r.program!.target,
      r.program!.insns.map((p) => p.insn),
    );
  }, runs);
  held.previous = undefined;
  const first = assembleText(text, { file });
  const program = first.program!;
  const insns = program.insns.length;
  const json = JSON.stringify(program.insns.map((p) => ({ ...p.insn, module: p.module, source: p.source })));
  const jsonParse = time(() => JSON.parse(json), runs);
  const ast = parseVta(text);
  // The way back: the stream and its image to .vta, and the stream read from hex text.
  const bytes = encodeProgram(
    program.target,
    program.insns.map((p) => p.insn),
  );
  const decoded = decodeStream(program.target, bytes, 'b.insn.bin').insns;
  const hexText = Array.from(
    { length: insns },
    (_, i) =>
      `instr No.${i} \t info: ${Buffer.from(bytes.subarray(i * 16, i * 16 + 16))
        .reverse()
        .toString('hex')}`,
  ).join('\n');
  return {
    node: process.version,
    instructions: insns,
    sourceBytes: text.length,
    jsonBytes: json.length,
    parseExpandFirstTierMs: round(front),
    jsonParseMs: round(jsonParse),
    ratioToJsonParse: Math.round((front.best / jsonParse.best) * 10) / 10,
    withTokenAnalysisMs: round(all),
    assembleToBytesMs: round(asmOnly),
    stagesMs: {
      parse: round(time(() => parseVta(text), runs)),
      expand: round(time(() => assembleAst(ast, { file }), runs)),
      firstTier: round(time(() => firstTierChecks(program, { file }), runs)),
      tokenAnalysis: round(time(() => tokenChecks(program, file), runs)),
      encode: round(
        time(
          () =>
            encodeProgram(
              program.target,
              program.insns.map((p) => p.insn),
            ),
          runs,
        ),
      ),
    },
    disassembleWithImageMs: round(
      time(() => disassemble(decoded, { target: program.target, dram: program.dram, imagePath: 'b.dram.bin' }), runs),
    ),
    readHexMs: round(time(() => readHexStream(program.target, hexText, 'b.log'), runs)),
    hexBytes: hexText.length,
    // Each pattern at 8x the size: a linear reader takes about 8x the time.
    dumpGrowth: dumpGrowthPatterns(
      readFileSync(join(process.cwd(), 'test/fixtures/dumps/runtime-spec-example.log'), 'utf8'),
    ).map((make) => {
      const small = time(() => parseTvmDump(make(100)), 3).best;
      const large = time(() => parseTvmDump(make(800)), 3).best;
      return {
        ms100: Math.round(small * 10) / 10,
        ms800: Math.round(large * 10) / 10,
        ratio: Math.round((large / Math.max(small, 0.01)) * 10) / 10,
      };
    }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runAsmBench().then((f) => console.log(JSON.stringify(f, null, 2)));
}
