import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { importTvmDump } from '../../../core/asm';
import { defaultTarget } from '../../../core/isa';
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { readInput, resolveTargetOption } from '../load';
import { targetLineText } from '../target-text';

const HELP = `usage: vta import-dump LOG [--target NAME|FILE] [-o OUT.vta]

Reads a TVM VTA debug log (the runtime's instruction and uop dumps, or the hardware
test library's 'DEBUG - ' variant) and prints the program as .vta. Micro-ops listed in
the log become kernels; what the log does not record (ALU immediates, the memory type
of ACC_8BIT loads) is assumed and marked with a comment on the instruction. Every
DRAM range the instructions touch is declared as zero-filled data at its address (a
dump records no data), so the program checks and runs on the dump's configuration:
give it with --target (a vta_config.json path is written quoted, relative to -o).
Problems in the log are reported as LOG:line:col: severity code: message; an
instruction cut short or garbled is left out and the rest is imported.`;

export const importDumpCommand: CliCommand = {
  name: 'import-dump',
  summary: 'convert a TVM runtime or test-library dump into .vta',
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { target: { type: 'string' }, out: { type: 'string', short: 'o' } },
    });
    if (positionals.length !== 1) throw new UsageError('give exactly one LOG file');
    const log = positionals[0]!;
    const target = resolveTargetOption(values.target, io.cwd) ?? defaultTarget();
    const text = new TextDecoder().decode(readInput(log, io.cwd).bytes);
    const outAbs = values.out ? resolve(io.cwd, values.out) : undefined;
    const r = importTvmDump(text, target, `imported from ${log}`, targetLineText(values.target, io.cwd, outAbs));
    for (const d of r.diagnostics)
      io.stderr(`${log}:${d.line + 1}:${d.character + 1}: ${d.severity} ${d.code}: ${d.message}\n`);
    for (const p of r.problems)
      io.stderr(`${log}: error vta.binary.unrepresentable: instruction ${p.index}: ${p.message}\n`);
    if (outAbs) {
      writeFileSync(outAbs, r.text);
      io.stderr(`vta import-dump: wrote ${values.out}
`);
    } else io.stdout(r.text);
    return r.problems.length || r.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
  },
};
