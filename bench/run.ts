/** `npm run bench`: every benchmark, printed as JSON (figures go into docs/PERFORMANCE.md). */
import { existsSync } from 'node:fs';
import { runAsmBench } from './asm-bench';

const results: Record<string, unknown> = { node: process.version, date: new Date().toISOString() };
results.frontEnd = await runAsmBench();
const simBench = new URL('./sim-bench.ts', import.meta.url);
if (existsSync(simBench)) {
  const sim = (await import(simBench.href)) as Record<string, unknown>;
  const fn = sim.runSimBench ?? sim.default;
  if (typeof fn === 'function') results.simulator = await fn();
}
console.log(JSON.stringify(results, null, 2));
