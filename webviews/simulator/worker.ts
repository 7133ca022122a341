/**
 * The simulator worker: assembles the program the extension sent, runs core/sim in
 * timing mode with a trace, and posts the view model back (typed arrays transferred).
 * Keeps the last run so the view can ask for the Chrome/Perfetto JSON on demand.
 */
import { chromeJson, runProgram } from './build-model';
import type { FromWorker, ToWorker } from './model';
import { transferables } from './model';
import type { Program } from '../../core/program/program';
import type { SimTrace } from '../../core/sim';

declare const self: DedicatedWorkerGlobalScope;

let last: { program: Program; trace: SimTrace } | undefined;

function post(m: FromWorker, transfer: ArrayBuffer[] = []): void {
  self.postMessage(m, transfer);
}

self.onmessage = (e: MessageEvent<unknown>) => {
  const m = e.data as ToWorker;
  if (typeof m !== 'object' || m === null || typeof (m as { id?: unknown }).id !== 'number') return;
  if (m.type === 'run' && typeof m.text === 'string' && typeof m.file === 'string') {
    try {
      const r = runProgram(m.text, m.file, m.target);
      if (!r.ok) {
        last = undefined;
        post({ type: 'failed', id: m.id, message: r.message, problems: r.problems });
        return;
      }
      last = { program: r.program, trace: r.trace };
      post({ type: 'result', id: m.id, model: r.model }, transferables(r.model));
    } catch (err) {
      last = undefined;
      post({ type: 'failed', id: m.id, message: `The simulator view failed: ${(err as Error).message}`, problems: [] });
    }
  } else if (m.type === 'chrome') {
    post({ type: 'chrome', id: m.id, json: last ? chromeJson(last.program, last.trace) : '' });
  }
};
