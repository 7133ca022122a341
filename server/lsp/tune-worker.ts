/**
 * The language server's tuning worker: auto-schedules one layer at a time (vta tune's
 * search) off the server's thread, since a large layer takes a second or more.
 */
import { parentPort } from 'node:worker_threads';
import type { VtaTarget } from '../../core/isa/config';
import type { Layer } from '../../core/schedule/layer';
import { tuneLayer, type LayerTuning } from '../../core/schedule/tune';
import { timingModelEstimate } from '../../core/schedule/tune-estimator';

export interface TuneJob {
  key: string;
  layer: Layer;
  target: VtaTarget;
}

export interface TuneDone {
  key: string;
  tuning?: LayerTuning;
  error?: string;
}

parentPort?.on('message', (job: TuneJob) => {
  try {
    parentPort!.postMessage({
      key: job.key,
      tuning: tuneLayer(job.layer, job.target, timingModelEstimate),
    } satisfies TuneDone);
  } catch (e) {
    parentPort!.postMessage({ key: job.key, error: (e as Error).message } satisfies TuneDone);
  }
});
