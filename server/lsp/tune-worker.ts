/**
 * The language server's tuning worker: auto-schedules one layer at a time (vta tune's
 * search) off the server's thread, since a large layer takes a second or more.
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import type { VtaTarget } from '../../core/isa/config';
import type { Layer } from '../../core/schedule/layer';
import { tuneLayer, type LayerTuning } from '../../core/schedule/tune';
import { timingModelEstimate } from '../../core/schedule/tune-estimator';
import { collectGarbage } from './heap';

/**
 * Past this heap (MB) after a job the worker collects its garbage: a search leaves
 * 40 MB of heap that holds 5 MB, which V8 would otherwise keep while the worker idles
 * for the rest of the session (a full collection of it takes a few ms).
 */
const COLLECT_ABOVE_MB = 24;

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
  if (getHeapStatistics().total_heap_size / 2 ** 20 > COLLECT_ABOVE_MB) collectGarbage();
});
