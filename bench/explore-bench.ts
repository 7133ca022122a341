/**
 * Design-space benchmark: what `vta tune` and `vta explore` cost on the shipped
 * ResNet-18 schedule. In process: the tuning of each layer (candidates that lint clean,
 * how many the bound let through to the timing model, milliseconds). As users run it:
 * whole `vta tune` and `vta explore … --space examples/space-small.json` processes on
 * every core, wall and CPU time.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSchedule } from '../core/schedule';
import { lintSchedule } from '../core/schedule/lint';
import { readLayers } from '../core/schedule/read-layers';
import { tuneLayer } from '../core/schedule/tune';
import { timingModelEstimate } from '../core/schedule/tune-estimator';

/** Wall time of one whole process. */
function processTime(args: string[]): { wallMs: number; status: number | null } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(process.cwd(), 'bin/vta.cjs'), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return { wallMs: Math.round(performance.now() - t0), status: r.status };
}

/** CPU time (user + system, every thread) of one whole process. */
function processCpu(args: string[]): number {
  // bash's `times` prints the children's user and system time after the command.
  const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(process.cwd(), 'bin/vta.cjs'))} ${args.map((a) => JSON.stringify(a)).join(' ')} >/dev/null 2>&1; times`;
  const out = spawnSync('bash', ['-c', cmd], { encoding: 'utf8' }).stdout.trim().split('\n').pop() ?? '';
  const secs = [...out.matchAll(/(\d+)m([\d.]+)s/g)].reduce((s, m) => s + Number(m[1]) * 60 + Number(m[2]), 0);
  return Math.round(secs * 1000);
}

export function runExploreBench() {
  const path = join(process.cwd(), 'examples/resnet18.vtasched');
  const ast = parseSchedule(readFileSync(path, 'utf8'));
  const target = lintSchedule(ast).target!;
  const layers = readLayers(ast).layers.map(({ layer }) => {
    const t0 = performance.now();
    const r = tuneLayer(layer, target, timingModelEstimate);
    const ms = performance.now() - t0;
    return {
      layer: layer.name,
      candidates: r.candidates,
      estimated: r.estimated,
      ms: Math.round(ms),
      msPerEstimate: Math.round((ms / Math.max(1, r.estimated)) * 100) / 100,
      speedup: r.baseline && r.best ? Math.round((r.baseline.cycles / r.best.cycles) * 1000) / 1000 : null,
    };
  });
  const tune = {
    ...processTime(['tune', path, '--format', 'json']),
    cpuMs: processCpu(['tune', path, '--format', 'json']),
  };
  const space = join(process.cwd(), 'examples/space-small.json');
  const sweep = {
    ...processTime(['explore', path, '--space', space, '--format', 'json']),
    cpuMs: processCpu(['explore', path, '--space', space, '--format', 'json']),
  };
  return {
    inProcess: { layers, totalMs: layers.reduce((s, l) => s + l.ms, 0) },
    tuneProcess: tune,
    exploreSmallSpace: sweep,
  };
}

// As the other benchmarks: `npm run bench explore` runs it from a bundle (dist/bench/explore.mjs),
// whose name the earlier test of the script name missed, so it printed nothing.
if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(runExploreBench(), null, 2));
