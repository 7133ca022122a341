/**
 * The fastest schedules of each `.vtasched` layer, for the hover and the "Use the
 * fastest schedule" action: computed on request in a worker thread (one layer at a
 * time, newest request first), cached by the layer's shape and the target, so that an
 * edit to a layer's knobs reuses its tuning. Until a tuning is ready, asking for it
 * queues it and returns undefined; `onReady` then lets the editor ask again.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { VtaTarget } from '../../core/isa/config';
import type { Layer } from '../../core/schedule/layer';
import { tuneLayer, type LayerTuning } from '../../core/schedule/tune';
import { timingModelEstimate } from '../../core/schedule/tune-estimator';
import type { TuneDone, TuneJob } from './tune-worker';

function workerScript(): string | undefined {
  if (typeof __dirname === 'undefined') return undefined;
  return [join(__dirname, 'tune-worker.js'), join(__dirname, '../server/tune-worker.js')].find((p) => existsSync(p));
}

/** What identifies a tuning: the layer's shapes and epilogue (not its knobs) and the target. */
function keyOf(l: Layer, t: VtaTarget): string {
  const { tile: _tile, threads: _threads, where: _where, nameRange: _name, epilogue, ...shape } = l;
  return JSON.stringify([shape, epilogue.map((e) => [e.op, e.arg]), t.keys, t.board]);
}

export class ScheduleTuner {
  private readonly done = new Map<string, LayerTuning>();
  private readonly queued: TuneJob[] = [];
  private running: string | undefined;
  private worker: Worker | undefined;

  constructor(
    private readonly onReady: () => void,
    private readonly script = workerScript(),
  ) {}

  /** The layer's tuning when ready; otherwise queued (first in line), and undefined. */
  tuning(l: Layer, t: VtaTarget): LayerTuning | undefined {
    const key = keyOf(l, t);
    const hit = this.done.get(key);
    if (hit) return hit;
    if (this.running !== key) {
      const at = this.queued.findIndex((j) => j.key === key);
      if (at >= 0) this.queued.splice(at, 1);
      // Plain data crosses to the worker: the layer without its source ranges' classes.
      this.queued.unshift({ key, layer: JSON.parse(JSON.stringify(l)) as Layer, target: t });
      if (this.queued.length > 32) this.queued.pop();
      this.pump();
    }
    return undefined;
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private pump(): void {
    if (this.running !== undefined) return;
    const job = this.queued.shift();
    if (!job) return;
    this.running = job.key;
    if (!this.script) {
      // From sources (tests of core code): on this thread, after the current request.
      setImmediate(() => this.finish({ key: job.key, tuning: tuneLayer(job.layer, job.target, timingModelEstimate) }));
      return;
    }
    if (!this.worker) {
      this.worker = new Worker(this.script);
      this.worker.on('message', (m: TuneDone) => this.finish(m));
      this.worker.on('error', () => {
        this.worker = undefined;
        this.finish({ key: job.key, error: 'the tuning worker stopped' });
      });
      // Never keeps the server alive (after the listeners: adding one refs the worker again).
      this.worker.unref();
    }
    this.worker.postMessage(job);
  }

  private finish(m: TuneDone): void {
    this.running = undefined;
    if (m.tuning) {
      this.done.set(m.key, m.tuning);
      if (this.done.size > 128) this.done.delete(this.done.keys().next().value!);
      this.onReady();
    }
    this.pump();
  }
}
