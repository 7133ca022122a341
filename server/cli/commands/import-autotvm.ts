import { writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { configKeysOfModel } from '../../../core/isa';
import { importAutotvm, parseAutotvmLog } from '../../../core/schedule';
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { readInput } from '../load';

const HELP = `usage: vta import-autotvm LOG [--model NAME] [-o OUT.vtasched] [--config-file]

Turns an AutoTVM log (JSON lines, e.g. TVM's pre-tuned tophub/vta_v0.10.log) into
.vtasched schedules: one layer per distinct tuned workload (conv2d_packed.vta,
group_conv2d_packed.vta, conv2d_transpose_packed.vta, dense_packed.vta), named by
operator and shape, with its tile and threads from the knobs and, in a comment, the log
line and the time it measured on the board. The target is the record's model string
(pynq_1x16_i8w8a32_15_15_18_17), written inline on the target line, or with
--config-file as a vta_config.json beside the schedule.
With --model, only that configuration (-o OUT or standard output). Without it, every
configuration in the log, one file each: OUT.MODEL.vtasched, or LOG-NAME.MODEL.vtasched
in the current directory (a log of one configuration goes to -o or standard output).
Lines that cannot be mapped (other targets, other tasks, shapes that are not the
target's blocks) are reported with their line numbers.
Exit status: 0 when every record was mapped, 1 when some line was not, 2 on a usage error.`;

export const importAutotvmCommand: CliCommand = {
  name: 'import-autotvm',
  summary: 'AutoTVM log (tophub) → .vtasched schedules, one per configuration',
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        model: { type: 'string' },
        out: { type: 'string', short: 'o' },
        'config-file': { type: 'boolean', default: false },
      },
    });
    if (positionals.length !== 1) throw new UsageError('give exactly one AutoTVM LOG');
    const logPath = positionals[0]!;
    const text = new TextDecoder().decode(readInput(logPath, io.cwd).bytes);
    const log = parseAutotvmLog(text);
    for (const p of log.problems) io.stderr(`${logPath}:${p.line}: warning autotvm.unmapped: ${p.message}\n`);
    let schedules = importAutotvm(log, basename(logPath));
    if (values.model !== undefined) {
      schedules = schedules.filter((s) => s.model === values.model);
      if (!schedules.length)
        throw new UsageError(
          `--model ${values.model}: the log has no VTA record for it${log.records.length ? ` (it has ${[...new Set(log.records.map((r) => r.model))].join(', ')})` : ''}`,
        );
    }
    if (!schedules.length) {
      io.stderr(`${logPath}: no VTA record could be mapped\n`);
      return 1;
    }
    const single = schedules.length === 1;
    for (const s of schedules) {
      let path: string | undefined;
      if (single) path = values.out;
      else if (values.out) path = values.out.replace(/(\.vtasched)?$/, `.${s.model}.vtasched`);
      else path = `${basename(logPath).replace(/\.[^.]*$/, '')}.${s.model}.vtasched`;
      let body = s.text;
      if (values['config-file']) {
        const keys = configKeysOfModel(s.model);
        if ('message' in keys) throw new UsageError(keys.message); // importAutotvm only keeps models that read
        const configName = `${s.model}.vta_config.json`;
        const dir = path ? dirname(resolve(io.cwd, path)) : io.cwd;
        writeFileSync(join(dir, configName), JSON.stringify(keys.keys, null, 2) + '\n');
        body = body.replace(`\ntarget ${s.model}\n`, `\ntarget "${configName}"\n`);
        io.stderr(`wrote ${join(path ? dirname(path) : '.', configName)}\n`);
      }
      if (path === undefined) {
        io.stdout(body);
        continue;
      }
      writeFileSync(resolve(io.cwd, path), body);
      io.stderr(`wrote ${path}: ${s.layers.length} layer${s.layers.length === 1 ? '' : 's'} for ${s.model}\n`);
    }
    return log.problems.length ? 1 : 0;
  },
};
