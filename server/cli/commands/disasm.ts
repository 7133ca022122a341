import { writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeStream, disassemble } from '../../../core/asm';
import { formatDiagnostic } from '../../../core/lang/diagnostic';
import { defaultTarget } from '../../../core/isa';
import { count } from '../../../core/lang/count';
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { readInput, resolveTargetOption } from '../load';

const HELP = `usage: vta disasm X.insn.bin [--dram X.dram.bin] [--target NAME|FILE] [-o OUT.vta]

Prints the instruction stream as .vta text that re-assembles to the same bytes.
With --dram, the text names the image (image "…"), declares the regions that
instructions read and write as data placed with @, and recovers micro-kernels from
the image; without it, micro-ops are referred to by raw uop=B..E ranges.
With -o the text is written to OUT.vta and the image path is relative to it.`;

export const disasmCommand: CliCommand = {
  name: 'disasm',
  summary: 'disassemble an instruction stream (and DRAM image) into .vta',
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { dram: { type: 'string' }, target: { type: 'string' }, out: { type: 'string', short: 'o' } } });
    if (positionals.length !== 1) throw new UsageError('give exactly one X.insn.bin');
    const target = resolveTargetOption(values.target, io.cwd) ?? defaultTarget();
    const insn = readInput(positionals[0]!, io.cwd);
    const dram = values.dram ? readInput(values.dram, io.cwd) : undefined;
    const s = decodeStream(target, insn.bytes, positionals[0]!);
    for (const d of s.diagnostics) io.stderr(formatDiagnostic(d) + '\n');
    const outAbs = values.out ? resolve(io.cwd, values.out) : undefined;
    const imagePath = dram ? (outAbs ? relative(dirname(outAbs), dram.abs) : values.dram!) : undefined;
    const r = disassemble(s.insns, {
      target, targetText: values.target && !target.name.endsWith('.json') ? target.name : values.target ? JSON.stringify(values.target) : 'default',
      dram: dram?.bytes, imagePath, title: `disassembled from ${positionals[0]}`,
    });
    for (const p of r.problems) io.stderr(`${positionals[0]}:${p.index + 1}:1: error vta.binary.unrepresentable: instruction ${p.index}: ${p.message}\n`);
    if (outAbs) {
      writeFileSync(outAbs, r.text);
      io.stderr(`vta disasm: wrote ${values.out} (${count(s.insns.length, 'instruction')})\n`);
    } else io.stdout(r.text);
    return r.problems.length || s.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
  },
};
