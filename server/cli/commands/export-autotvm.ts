import { appendFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { estimateLayer, exportAutotvm } from '../../../core/schedule';
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { loadSchedule, resolveTargetOption } from '../load';

const HELP = `usage: vta export-autotvm FILE.vtasched [--target NAME|FILE] [-o OUT.log] [--append]

Writes a schedule's layers as AutoTVM log lines that TVM's ApplyHistoryBest reads
(autotvm.apply_history_best(OUT.log)): the target with its model string, the task
(conv2d_packed.vta, group_conv2d_packed.vta, conv2d_transpose_packed.vta,
dense_packed.vta) with its packed TENSOR arguments, and the knobs (tile_* as
[outer, inner] splits, oc_nthread, h_nthread) with their index in TVM's config space.
A layer imported by vta import-autotvm and unchanged keeps its record's input, index and
measured result; a layer changed here gets the timing model's estimate as its cost
(1 s when it cannot be estimated, so that any measured record wins over it).
Exit status: 0 when every layer was written, 1 otherwise, 2 on a usage error.`;

export const exportAutotvmCommand: CliCommand = {
  name: 'export-autotvm',
  summary: '.vtasched schedule → AutoTVM log lines for TVM (ApplyHistoryBest)',
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        target: { type: 'string' },
        out: { type: 'string', short: 'o' },
        append: { type: 'boolean', default: false },
      },
    });
    if (positionals.length !== 1 || !positionals[0]!.endsWith('.vtasched'))
      throw new UsageError('give exactly one FILE.vtasched');
    const path = positionals[0]!;
    const s = loadSchedule(path, io.cwd, resolveTargetOption(values.target, io.cwd));
    if (!s.lint.target) {
      for (const d of s.diagnostics.filter((x) => x.code === 'vtasched.target'))
        io.stderr(`${path}:${d.range.start.line + 1}: ${d.message}\n`);
      return 1;
    }
    const target = s.lint.target;
    // The fast estimate (no program checks: vta check runs those), in seconds, 10 digits.
    const estimateSeconds = (name: string) => {
      const f = s.lint.layers.find((x) => x.layer.name === name);
      const e = f && estimateLayer(f.layer, target);
      return e && !('errors' in e) ? Number((e.microseconds / 1e6).toPrecision(10)) : undefined;
    };
    const r = exportAutotvm(s.ast, target, { estimateSeconds, now: Date.now() / 1000 });
    for (const p of r.problems) io.stderr(`${path}:${p.line}: error autotvm.export: ${p.layer}: ${p.message}\n`);
    const text = r.lines.map((l) => l + '\n').join('');
    if (values.out) (values.append ? appendFileSync : writeFileSync)(resolve(io.cwd, values.out), text);
    else io.stdout(text);
    return r.problems.length ? 1 : 0;
  },
};
