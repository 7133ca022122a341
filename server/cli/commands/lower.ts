import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatDiagnostic } from '../../../core/lang/diagnostic';
import { schedDiagnosticIn } from '../../../core/schedule';
import { lowerSchedule } from '../../../core/schedule';
import type { CliCommand } from '../command';
import { positiveIntOption, UsageError } from '../command';
import { loadSchedule, resolveTargetOption } from '../load';

const HELP = `usage: vta lower FILE.vtasched [--layer NAME] [--target NAME|FILE] [-o OUT.vta] [--max-instructions N]

Lowers a schedule to one .vta program, as VTA's runtime would run it: each layer's
input and weights as random DRAM tensors, its output tensor (NAME_out), its
micro-kernels, and its tiles as loads, GEMMs, epilogue ALU steps and stores ordered by
dependency tokens, with labels (NAME_tileK) and comments pointing back at the schedule.
Layers with lint errors are not lowered and are reported, and so are layers whose
programs would exceed --max-instructions (default 2,000,000). With -o, a line on
stderr says which layers the file holds and which were left out. The program can be checked,
simulated (vta sim) and stepped like any other; docs/reference/schedules.md.
Exit status: 0 when every asked-for layer was lowered, 1 otherwise, 2 on a usage error.`;

export const lowerCommand: CliCommand = {
  name: 'lower',
  summary: 'lower a .vtasched schedule to a .vta program',
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        layer: { type: 'string' },
        target: { type: 'string' },
        out: { type: 'string', short: 'o' },
        'max-instructions': { type: 'string', default: '2000000' },
      },
    });
    const max = positiveIntOption('max-instructions', values['max-instructions']!);
    if (positionals.length !== 1 || !positionals[0]!.endsWith('.vtasched'))
      throw new UsageError('give exactly one FILE.vtasched');
    const path = positionals[0]!;
    const target = resolveTargetOption(values.target, io.cwd);
    const s = loadSchedule(path, io.cwd, target);
    const r = lowerSchedule(s.ast, s.lint, {
      file: path,
      layer: values.layer,
      maxInstructions: max,
      targetSpec:
        values.target === undefined
          ? undefined
          : target!.name === values.target
            ? values.target
            : JSON.stringify(values.target),
    });
    for (const d of r.diagnostics) io.stderr(formatDiagnostic(schedDiagnosticIn(path, d)) + '\n');
    const asked = s.ast.statements
      .filter((x) => x.kind === 'operator' && (values.layer === undefined || x.name === values.layer))
      .map((x) => (x as { name: string }).name);
    const leftOut = asked.filter((name) => !r.layers.includes(name));
    if (r.text !== undefined) {
      if (values.out) {
        writeFileSync(resolve(io.cwd, values.out), r.text);
        io.stderr(
          `vta lower: wrote ${values.out} with ${r.layers.length === 1 ? 'layer' : 'layers'} ${r.layers.join(', ')}${leftOut.length ? `; left out ${leftOut.join(', ')} (see the errors above)` : ''}\n`,
        );
      } else io.stdout(r.text);
    } else if (values.out)
      io.stderr(`vta lower: ${values.out} was not written: no layer could be lowered (see the errors above)\n`);
    return r.text !== undefined && !r.diagnostics.some((d) => d.severity === 'error') ? 0 : 1;
  },
};
