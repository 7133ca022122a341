/**
 * Runs the expensive tier of `.vta` documents in a worker thread, one job at a time. A
 * job whose document has changed is dropped from the queue, or, when it is running,
 * stopped by terminating the worker (the next job starts a fresh one). Where no worker
 * script is found (the server run from sources), jobs run on the server's thread.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Diagnostic } from '../../core/lang/diagnostic';
import type { CheckDone, CheckJob } from './check-worker';

/** The bundled worker beside the server bundle (dist/server) or the CLI bundle (dist/cli). */
function workerScript(): string | undefined {
  if (typeof __dirname === 'undefined') return undefined;
  return [join(__dirname, 'check-worker.js'), join(__dirname, '../server/check-worker.js')].find((p) => existsSync(p));
}

interface Pending {
  job: CheckJob;
  uri: string;
  version: number;
  resolve: (d: Diagnostic[] | undefined) => void;
}

export class FullChecker {
  private worker: Worker | undefined;
  private running: Pending | undefined;
  private readonly queue: Pending[] = [];
  private nextId = 1;

  constructor(
    private readonly script = workerScript(),
    private readonly onLog: (message: string) => void = () => {},
  ) {
    // Started now, so that the first check does not wait for the worker to load its code.
    if (this.script) this.ensureWorker();
  }

  get available(): boolean {
    return this.script !== undefined;
  }

  /** The checks of one version of a document; undefined when a newer version superseded it. */
  check(uri: string, version: number, job: Omit<CheckJob, 'id'>): Promise<Diagnostic[] | undefined> {
    this.supersede(uri);
    return new Promise((resolve) => {
      this.queue.push({ job: { ...job, id: this.nextId++ }, uri, version, resolve });
      this.pump();
    });
  }

  /** Drops the queued job of `uri` and stops its running one: the document changed or closed. */
  supersede(uri: string): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i]!.uri !== uri) continue;
      this.queue[i]!.resolve(undefined);
      this.queue.splice(i, 1);
    }
    if (this.running?.uri === uri) {
      const stopped = this.running;
      this.running = undefined;
      this.onLog(`vta: stopped the checks of ${uri} (version ${stopped.version}): the document changed`);
      void this.worker?.terminate();
      this.worker = undefined;
      stopped.resolve(undefined);
      this.pump();
      // The next edit's check should not wait for a fresh worker to load either.
      if (!this.worker) this.ensureWorker();
    }
  }

  private pump(): void {
    if (this.running || !this.queue.length || !this.script) return;
    const next = this.queue.shift()!;
    this.running = next;
    const w = this.ensureWorker();
    w.postMessage(next.job);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.script!);
    w.unref(); // never keeps the server alive on its own
    w.on('message', (m: CheckDone) => {
      const p = this.running;
      if (!p || p.job.id !== m.id) return;
      this.running = undefined;
      if (m.error) this.onLog(`vta: checks of ${p.uri} failed: ${m.error}`);
      p.resolve(m.diagnostics);
      this.pump();
    });
    w.on('error', (e) => {
      const p = this.running;
      this.running = undefined;
      this.worker = undefined;
      this.onLog(`vta: the checks worker stopped: ${e.stack ?? e}`);
      p?.resolve(undefined);
      this.pump();
    });
    this.worker = w;
    return w;
  }
}
