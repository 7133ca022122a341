// `npm run bench`: each benchmark prints JSON figures for docs/PERFORMANCE.md.
// The CPU-bound ones (front end, simulator) run from esbuild bundles, as users run the
// bundled tools, not through a TypeScript loader that adds its own per-call overhead;
// the debugger and webview ones measure processes and a browser and run as they are.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const only = process.argv.slice(2);
const want = (name) => only.length === 0 || only.includes(name);
const benches = [
  { name: 'front-end', entry: 'bench/asm-bench.ts', bundle: true },
  { name: 'sim', entry: 'bench/sim-bench.ts', bundle: true },
  // Whole `vta` processes (dist/, as built by `npm run build`): cold starts, issue 18's program.
  { name: 'cold-start', entry: 'bench/cold-start.ts', bundle: false },
  { name: 'schedule', entry: 'bench/sched-bench.ts', bundle: true },
  { name: 'explore', entry: 'bench/explore-bench.ts', bundle: true },
  { name: 'debugger', entry: 'bench/dap-bench.ts', bundle: false },
  { name: 'webview', entry: 'bench/webview-bench.ts', bundle: false },
];
let status = 0;
for (const b of benches.filter((x) => want(x.name))) {
  console.log(`## ${b.name}`);
  // Absolute paths: each bench runs its main block when it is the entry script.
  let args = ['--import', 'tsx', resolve(b.entry)];
  if (b.bundle) {
    const outfile = `dist/bench/${b.name}.mjs`;
    await build({
      entryPoints: [b.entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'warning',
    });
    args = [resolve(outfile)];
  }
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  status ||= r.status ?? 1;
}
process.exit(status);
