import { parseArgs } from 'node:util';
import { checkAssembled, checkProgram } from '../../../core/analysis/check';
import { schedDiagnosticIn } from '../../../core/schedule';
import { checkLoweredLayers } from '../../../core/schedule/lowered-checks';
import type { Diagnostic } from '../../../core/lang/diagnostic';
import { formatDiagnostic, hasErrors } from '../../../core/lang/diagnostic';
import { DEFAULT_MAX_DIAGNOSTICS, outgoingDiagnostics } from '../../../core/lang/findings';
import { defaultTarget } from '../../../core/isa';
import { MAX_EXPANDED_INSTRUCTIONS, MAX_INSTRUCTIONS } from '../../../core/asm/limits';
import type { CliCommand } from '../command';
import { formatOption, positiveIntOption, UsageError } from '../command';
import { assembleFile, loadBinaries, loadSchedule, resolveTargetOption } from '../load';

const HELP = `usage: vta check FILE.vta|FILE.vtasched... [--target NAME|FILE] [--format text|json] [--max-diagnostics N] [--max-instructions N]
       vta check --insn X.insn.bin [--dram X.dram.bin] [--target NAME|FILE] [--format text|json] [--max-diagnostics N]

Runs every static check (syntax, names, field ranges, SRAM/UOP/DRAM bounds, kernels,
micro-op distance, uninitialised reads, hardware fidelity, FINISH placement, and the
dependency-token analyses) and prints one line per finding. A .vtasched schedule is
linted: shapes, whole VTA blocks, tile and thread knobs, on-chip footprint per buffer,
instruction field widths and the epilogue; then each layer without errors is lowered
(as vta lower does) and its program gets every check above, reported on the layer
(docs/reference/schedules.md).
Each finding is printed as
  file:line:col: severity code: message
The same finding from many iterations of a loop is printed once, with the iteration
range; at most --max-diagnostics findings are printed per file (default ${DEFAULT_MAX_DIAGNOSTICS}),
the rest summarised in one line (vta.limit). Loops may expand to at most --max-instructions
instructions (default ${MAX_EXPANDED_INSTRUCTIONS}, at most ${MAX_INSTRUCTIONS}, the runtime's limit).
--format json prints an array of {file, range, severity, code, message, instruction?, related}
(0-based positions). For a binary stream the line is the instruction index.
Exit status: 0 clean or warnings only, 1 when any error was found, 2 on a usage error.`;

export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'check .vta programs or binary instruction streams',
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        target: { type: 'string' },
        format: { type: 'string', default: 'text' },
        insn: { type: 'string' },
        dram: { type: 'string' },
        'max-diagnostics': { type: 'string', default: String(DEFAULT_MAX_DIAGNOSTICS) },
        'max-instructions': { type: 'string', default: String(MAX_EXPANDED_INSTRUCTIONS) },
      },
    });
    const format = formatOption(values.format);
    const max = positiveIntOption('max-diagnostics', values['max-diagnostics']!);
    const maxInstructions = positiveIntOption('max-instructions', values['max-instructions']!);
    const target = resolveTargetOption(values.target, io.cwd);
    let all: Diagnostic[] = [];
    // concat, not push(...): a spread of a few hundred thousand findings overflows the stack.
    const add = (ds: Diagnostic[]) => {
      all = all.concat(ds);
    };
    if (values.insn) {
      if (positionals.length) throw new UsageError('give either .vta files or --insn, not both');
      const l = loadBinaries(values.insn, values.dram, io.cwd, target ?? defaultTarget());
      add(checkProgram(l.program!, l.file, l.diagnostics));
    } else {
      if (!positionals.length) throw new UsageError('no input: give FILE.vta or --insn X.insn.bin');
      for (const f of positionals) {
        if (f.endsWith('.vtasched')) {
          const sched = loadSchedule(f, io.cwd, target);
          add(sched.diagnostics);
          // Then each clean layer's lowered program gets every program check, reported on the layer.
          const lowered = checkLoweredLayers(sched.ast, sched.lint, { file: f });
          add(lowered.diagnostics.map((d) => schedDiagnosticIn(f, d)));
          continue;
        }
        const l = assembleFile(f, io.cwd, target, maxInstructions);
        add(checkAssembled(l, l.file));
      }
    }
    const shown = outgoingDiagnostics(all, max);
    if (format === 'json') io.stdout(JSON.stringify(shown, null, 2) + '\n');
    else io.stdout(shown.map((d) => formatDiagnostic(d) + '\n').join(''));
    return hasErrors(all) ? 1 : 0;
  },
};
