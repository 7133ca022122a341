/**
 * Runs a sweep's designs on worker threads (the CLI's `vta explore` and the editor's
 * "Explore Design Space" both do): designs that differ only in clock go to the same
 * worker, which reuses their tunings; results are reported one by one as they come.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { evaluateDesign, type Design, type DesignResult, type NetworkLayer } from '../core/schedule/explore';
import type { FpgaPart } from '../core/schedule/fpga';
import type { ExploreJob, ExploreMessage } from './cli/explore-worker';
import { designTuner } from './cli/explore-tuner';

/** Set `cancelled` (and terminate the workers listed) to stop a sweep. */
export interface SweepSignal {
  cancelled: boolean;
  workers: Worker[];
}

export function cancelSweep(signal: SweepSignal): void {
  signal.cancelled = true;
  for (const w of signal.workers) void w.terminate();
}

/** The worker bundle: beside the CLI bundle (dist/cli) or reached from the extension's (dist/client). */
function workerScript(): string | undefined {
  return [join(__dirname, 'explore-worker.js'), join(__dirname, '../cli/explore-worker.js'), join(__dirname, 'cli/explore-worker.js')].find((p) => existsSync(p));
}

/** Runs the designs on `jobs` worker threads (inline when 1 or when no worker bundle exists), reporting each result. */
export async function runDesigns(designs: Design[], fpga: FpgaPart, network: NetworkLayer[], jobs: number, onResult: (r: DesignResult) => void, signal: SweepSignal): Promise<void> {
  const script = workerScript();
  if (jobs <= 1 || !script || designs.length <= 1) {
    const tune = designTuner();
    for (const d of designs) {
      if (signal.cancelled) return;
      onResult(evaluateDesign(d, fpga, network, tune));
      await new Promise((r) => setImmediate(r)); // let a Ctrl-C in
    }
    return;
  }
  // Designs that differ only in clock share their tunings: keep them on one worker.
  const groups = new Map<string, Design[]>();
  for (const d of designs) {
    const key = JSON.stringify(d.config);
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  const queue = [...groups.values()];
  await Promise.all([...Array(Math.min(jobs, queue.length)).keys()].map(() => new Promise<void>((done, fail) => {
    const w = new Worker(script);
    signal.workers.push(w);
    const next = () => {
      const batch = queue.shift();
      if (!batch || signal.cancelled) { void w.terminate(); done(); return; }
      w.postMessage({ designs: batch, fpga, network } satisfies ExploreJob);
    };
    w.on('message', (m: ExploreMessage) => {
      if (m.kind === 'result') onResult(m.result);
      else if (m.kind === 'done') next();
      else { void w.terminate(); fail(new Error(m.message)); }
    });
    w.on('error', fail);
    w.on('exit', () => done());
    next();
  })));
}

