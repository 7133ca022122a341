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
import type { VtaTarget } from '../core/isa/config';
import type { Layer } from '../core/schedule/layer';
import { tuneLayer, type LayerTuning } from '../core/schedule/tune';
import { timingModelEstimate } from '../core/schedule/tune-estimator';
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
  return [
    join(__dirname, 'explore-worker.js'),
    join(__dirname, '../cli/explore-worker.js'),
    join(__dirname, 'cli/explore-worker.js'),
  ].find((p) => existsSync(p));
}

/**
 * Runs jobs on up to `jobs` worker threads, one job per worker at a time, handing each
 * message of a result to `onMessage`; resolves when every job is done or the signal is
 * cancelled.
 */
async function runPool(
  script: string,
  queue: ExploreJob[],
  jobs: number,
  onMessage: (m: ExploreMessage) => void,
  signal: SweepSignal,
): Promise<void> {
  await Promise.all(
    [...Array(Math.min(jobs, queue.length)).keys()].map(
      () =>
        new Promise<void>((done, fail) => {
          const w = new Worker(script);
          signal.workers.push(w);
          const next = () => {
            const job = queue.shift();
            if (signal.cancelled) {
              void w.terminate();
              done();
              return;
            }
            if (!job) {
              w.postMessage({ kind: 'end' } satisfies ExploreJob); // it exits on its own ('exit' below)
              return;
            }
            w.postMessage(job);
          };
          w.on('message', (m: ExploreMessage) => {
            if (m.kind === 'done') next();
            else if (m.kind === 'error') {
              void w.terminate();
              fail(new Error(m.message));
            } else onMessage(m);
          });
          w.on('error', fail);
          w.on('exit', () => done());
          next();
        }),
    ),
  );
}

const turn = () => new Promise((r) => setImmediate(r)); // lets a Ctrl-C in between inline steps

/** Runs the designs on `jobs` worker threads (inline when 1 or when no worker bundle exists), reporting each result. */
export async function runDesigns(
  designs: Design[],
  fpga: FpgaPart,
  network: NetworkLayer[],
  jobs: number,
  onResult: (r: DesignResult) => void,
  signal: SweepSignal,
): Promise<void> {
  const script = workerScript();
  if (jobs <= 1 || !script || designs.length <= 1) {
    const tune = designTuner();
    for (const d of designs) {
      if (signal.cancelled) return;
      onResult(evaluateDesign(d, fpga, network, tune));
      await turn();
    }
    return;
  }
  // Designs that differ only in clock share their tunings: keep them on one worker.
  const groups = new Map<string, Design[]>();
  for (const d of designs) {
    const key = JSON.stringify(d.config);
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  const queue: ExploreJob[] = [...groups.values()].map((batch) => ({ kind: 'designs', designs: batch, fpga, network }));
  await runPool(
    script,
    queue,
    jobs,
    (m) => {
      if (m.kind === 'result') onResult(m.result);
    },
    signal,
  );
}

/** Tunes the layers on one target over `jobs` worker threads (largest first), reporting each as it is done. */
export async function runTunings(
  layers: Layer[],
  target: VtaTarget,
  jobs: number,
  onResult: (index: number, t: LayerTuning) => void,
  signal: SweepSignal,
): Promise<void> {
  const script = workerScript();
  if (jobs <= 1 || !script || layers.length <= 1) {
    for (const [index, layer] of layers.entries()) {
      if (signal.cancelled) return;
      onResult(index, tuneLayer(layer, target, timingModelEstimate));
      await turn();
    }
    return;
  }
  // One layer per job, the heaviest first, so that no worker is left with a long tail.
  const work = (l: Layer) => l.batch * l.outChannels * l.outH * l.outW * l.inChannels * l.kh * l.kw;
  const order = [...layers.entries()].sort((a, b) => work(b[1]) - work(a[1]));
  const queue: ExploreJob[] = order.map(([index, layer]) => ({
    kind: 'tune',
    layers: [{ index, layer: JSON.parse(JSON.stringify(layer)) as Layer }],
    target,
  }));
  await runPool(
    script,
    queue,
    jobs,
    (m) => {
      if (m.kind === 'tuned') onResult(m.index, m.tuning);
    },
    signal,
  );
}
