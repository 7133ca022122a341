import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeStream, disassemble, kernelsFromListings } from '../../../core/asm';
import { readHexStream, type ByteOrder } from '../../../core/asm/hex';
import { formatDiagnostic } from '../../../core/lang/diagnostic';
import { defaultTarget } from '../../../core/isa';
import { count } from '../../../core/lang/count';
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { readInput, resolveTargetOption } from '../load';
import { targetLineText } from '../target-text';

const HELP = `usage: vta disasm X.insn.bin [--dram X.dram.bin] [--target NAME|FILE] [-o OUT.vta]
       vta disasm --hex FILE|- [--byte-order value|memory] [--dram X.dram.bin] [--target NAME|FILE] [-o OUT.vta]

Prints the instruction stream as .vta text that re-assembles to the same bytes.
With --dram, the text names the image (image "…"), declares the regions that
instructions read and write as data placed with @ (one tensor per run of
overlapping accesses), and recovers micro-kernels from the image, one per LOAD UOP;
without it, micro-ops are referred to by raw uop=B..E ranges.
With -o the text is written to OUT.vta and the image path is relative to it.

--hex reads the stream as text (a file, or standard input for -): every word of 32
hex digits anywhere in a line is one 128-bit instruction, most significant digit
first as C prints word[1] then word[0] with %016llx (HLS testbench logs, JSON test
vectors); --byte-order memory reads them in memory order instead (byte 0 first).
Words of 8 hex digits on lines that say "uop" are micro-ops: each run of such lines
is the kernel of the next LOAD UOP of that many micro-ops.`;

function byteOrderOption(value: string | undefined): ByteOrder {
  if (value === undefined || value === 'value' || value === 'memory') return value ?? 'value';
  throw new UsageError(`--byte-order must be value or memory, not ${value}`);
}

export const disasmCommand: CliCommand = {
  name: 'disasm',
  summary: 'disassemble an instruction stream (binary or hex text, and a DRAM image) into .vta',
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        dram: { type: 'string' },
        target: { type: 'string' },
        out: { type: 'string', short: 'o' },
        hex: { type: 'boolean' },
        'byte-order': { type: 'string' },
      },
    });
    if (positionals.length !== 1)
      throw new UsageError(
        values.hex ? 'give exactly one hex text file, or - for standard input' : 'give exactly one X.insn.bin',
      );
    const order = byteOrderOption(values['byte-order']);
    if (values['byte-order'] !== undefined && !values.hex) throw new UsageError('--byte-order applies to --hex input');
    const source = positionals[0]!;
    const target = resolveTargetOption(values.target, io.cwd) ?? defaultTarget();
    const dram = values.dram ? readInput(values.dram, io.cwd) : undefined;
    let s: ReturnType<typeof decodeStream>;
    let kernelUops;
    let lineOf = (i: number) => i;
    if (values.hex) {
      const text = source === '-' ? readFileSync(0, 'utf8') : new TextDecoder().decode(readInput(source, io.cwd).bytes);
      const hex = readHexStream(target, text, source, order);
      s = decodeStream(target, hex.bytes, source);
      // A decoded instruction's "line" is its index: point at the text line it came from.
      for (const d of s.diagnostics) {
        const line = hex.lines[d.instruction ?? -1];
        if (line !== undefined) d.range = { start: { line, character: 0 }, end: { line, character: 0 } };
      }
      s.diagnostics.unshift(...hex.diagnostics);
      kernelUops = kernelsFromListings(
        s.insns,
        hex.uopListings.map((l) => l.uops),
      );
      lineOf = (i) => hex.lines[i] ?? i;
    } else {
      s = decodeStream(target, readInput(source, io.cwd).bytes, source);
    }
    for (const d of s.diagnostics) io.stderr(formatDiagnostic(d) + '\n');
    const outAbs = values.out ? resolve(io.cwd, values.out) : undefined;
    const imagePath = dram ? (outAbs ? relative(dirname(outAbs), dram.abs) : values.dram!) : undefined;
    const r = disassemble(s.insns, {
      target,
      targetText: targetLineText(values.target, io.cwd, outAbs),
      dram: dram?.bytes,
      imagePath,
      title: `disassembled from ${source === '-' ? 'standard input' : source}`,
      kernelUops,
    });
    for (const p of r.problems)
      io.stderr(`${source}:${lineOf(p.index) + 1}:1: error vta.binary.unrepresentable: instruction ${p.index}: ${p.message}
`);
    if (outAbs) {
      writeFileSync(outAbs, r.text);
      io.stderr(`vta disasm: wrote ${values.out} (${count(s.insns.length, 'instruction')})
`);
    } else io.stdout(r.text);
    return r.problems.length || s.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
  },
};
