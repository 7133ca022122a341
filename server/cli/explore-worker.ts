/**
 * One worker of `vta explore` and `vta tune` (and the editor's sweep): evaluates the
 * designs it is sent (resources, and every layer auto-scheduled with the timing model),
 * or tunes the layers it is sent on one target, and posts each result back. Tunings are
 * cached by configuration: the model counts cycles, so designs that differ only in
 * their clock share them.
 */
import { parentPort } from 'node:worker_threads';
import type { VtaTarget } from '../../core/isa/config';
import { evaluateDesign, type Design, type DesignResult, type NetworkLayer } from '../../core/schedule/explore';
import type { FpgaPart } from '../../core/schedule/fpga';
import type { Layer } from '../../core/schedule/layer';
import { tuneLayer, type LayerTuning } from '../../core/schedule/tune';
import { timingModelEstimate } from '../../core/schedule/tune-estimator';
import { designTuner } from './explore-tuner';

export type ExploreJob =
  | { kind: 'designs'; designs: Design[]; fpga: FpgaPart; network: NetworkLayer[] }
  | { kind: 'tune'; layers: Array<{ index: number; layer: Layer }>; target: VtaTarget }
  /** No more work: the worker closes its port and ends on its own. */
  | { kind: 'end' };

export type ExploreMessage =
  | { kind: 'result'; result: DesignResult }
  | { kind: 'tuned'; index: number; tuning: LayerTuning }
  | { kind: 'done' }
  | { kind: 'error'; message: string };

const tune = designTuner();
parentPort?.on('message', (job: ExploreJob) => {
  // Ending with an empty event loop rather than by terminate(): Node 20 could abort the
  // whole process ("Assertion failed: (data.first) != nullptr" in NodePlatform::ForIsolate)
  // when a worker was terminated while V8 still compiled its code on another thread.
  if (job.kind === 'end') {
    parentPort!.close();
    return;
  }
  try {
    if (job.kind === 'designs') {
      for (const d of job.designs)
        parentPort!.postMessage({
          kind: 'result',
          result: evaluateDesign(d, job.fpga, job.network, tune),
        } satisfies ExploreMessage);
    } else {
      for (const { index, layer } of job.layers)
        parentPort!.postMessage({
          kind: 'tuned',
          index,
          tuning: tuneLayer(layer, job.target, timingModelEstimate),
        } satisfies ExploreMessage);
    }
    parentPort!.postMessage({ kind: 'done' } satisfies ExploreMessage);
  } catch (e) {
    parentPort!.postMessage({ kind: 'error', message: (e as Error).stack ?? String(e) } satisfies ExploreMessage);
  }
});
