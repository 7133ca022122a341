import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { encodeProgram } from '../../../core/isa';
import { checkAssembled } from '../../../core/analysis/check';
import { formatDiagnostic, hasErrors } from '../../../core/lang/diagnostic';
import { layoutJson } from '../../../core/asm/layout-json';
import { count, num } from '../../../core/lang/count';
import type { CliCommand } from '../command';
import { positiveIntOption, UsageError } from '../command';
import { MAX_EXPANDED_INSTRUCTIONS, MAX_INSTRUCTIONS } from '../../../core/asm/limits';
import { outgoingDiagnostics } from '../../../core/lang/findings';
import { assembleFile, resolveTargetOption } from '../load';

const HELP = `usage: vta asm FILE.vta [-o DIR] [--target NAME|FILE] [--max-instructions N]

Assembles FILE.vta and writes, in DIR (by default the folder of FILE.vta):
  NAME.insn.bin    the instruction stream, 16 bytes per instruction
  NAME.dram.bin    the initial DRAM image (data tensors and micro-op kernels);
                   every dram_base is relative to the image start, in elements
  NAME.layout.json where each tensor and kernel lives in the image
NAME is the file's base name. Diagnostics are printed as by 'vta check'; nothing is
written when the program cannot be encoded. Exit status 1 when any error was found.
Loops may expand to at most --max-instructions instructions (default ${MAX_EXPANDED_INSTRUCTIONS},
at most ${MAX_INSTRUCTIONS}, the runtime's limit).`;

export const asmCommand: CliCommand = {
  name: 'asm',
  summary: 'assemble a .vta program into an instruction stream and DRAM image',
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        target: { type: 'string' },
        'max-instructions': { type: 'string', default: String(MAX_EXPANDED_INSTRUCTIONS) },
      },
    });
    const maxInstructions = positiveIntOption('max-instructions', values['max-instructions']!);
    if (positionals.length !== 1) throw new UsageError('give exactly one FILE.vta');
    const file = positionals[0]!;
    const l = assembleFile(file, io.cwd, resolveTargetOption(values.target, io.cwd), maxInstructions);
    const diags = checkAssembled(l, l.file);
    io.stderr(
      outgoingDiagnostics(diags)
        .map((d) => formatDiagnostic(d) + '\n')
        .join(''),
    );
    // Errors that left an instruction out (or the whole program) block output; STORE padding is encodable.
    const encodingFailed =
      !l.program || l.diagnostics.some((d) => d.severity === 'error' && d.code !== 'vta.range.store-pad');
    if (encodingFailed) {
      io.stderr(`vta asm: ${file} was not assembled (see the errors above)\n`);
      return 1;
    }
    const p = l.program!;
    const name = basename(file).replace(/\.vta$/, '');
    const dir = values.out ? resolve(io.cwd, values.out) : dirname(resolve(io.cwd, file));
    const shown = values.out ?? (dirname(file) === '.' ? 'the current folder' : dirname(file));
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, `${name}.insn.bin`),
      encodeProgram(
        p.target,
        p.insns.map((x) => x.insn),
      ),
    );
    writeFileSync(join(dir, `${name}.dram.bin`), p.dram);
    writeFileSync(join(dir, `${name}.layout.json`), JSON.stringify(layoutJson(p), null, 2) + '\n');
    io.stderr(
      `vta asm: wrote ${name}.insn.bin (${count(p.insns.length, 'instruction')}, ${num(p.insns.length * 16)} B), ${name}.dram.bin (${num(p.dram.length)} B) and ${name}.layout.json to ${shown}\n`,
    );
    return hasErrors(diags) ? 1 : 0;
  },
};
