/**
 * One worker of `vta explore`: evaluates the designs it is sent (resources, and every
 * layer auto-scheduled with the timing model) and posts each result back. Tunings are
 * cached by configuration: the model counts cycles, so designs that differ only in
 * their clock share them.
 */
import { parentPort } from 'node:worker_threads';
import { evaluateDesign, type Design, type DesignResult, type NetworkLayer } from '../../core/schedule/explore';
import type { FpgaPart } from '../../core/schedule/fpga';
import { designTuner } from './explore-tuner';

export interface ExploreJob {
  designs: Design[];
  fpga: FpgaPart;
  network: NetworkLayer[];
}

export type ExploreMessage = { kind: 'result'; result: DesignResult } | { kind: 'done' } | { kind: 'error'; message: string };

const tune = designTuner();
parentPort?.on('message', (job: ExploreJob) => {
  try {
    for (const d of job.designs) parentPort!.postMessage({ kind: 'result', result: evaluateDesign(d, job.fpga, job.network, tune) } satisfies ExploreMessage);
    parentPort!.postMessage({ kind: 'done' } satisfies ExploreMessage);
  } catch (e) {
    parentPort!.postMessage({ kind: 'error', message: (e as Error).stack ?? String(e) } satisfies ExploreMessage);
  }
});
