/**
 * The worker thread that runs every check of a `.vta` document, off the server's
 * thread, so that the server keeps answering while a document is checked and can stop
 * a check when a newer version of the document arrives (at the core's checkpoints:
 * core/lang/cancellation.ts; by terminating the worker for a job that reaches none).
 *
 * Besides a schedule's jobs (its lint, each layer lowered), two kinds of job: `first` assembles the text and runs the first-tier checks (what
 * is published right after an edit); `all` runs every check, reusing the program the
 * `first` job of the same version assembled when it is still here.
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { assembleText, type AssembleResult } from '../../core/asm';
import { checkAssembled, type CheckTier } from '../../core/analysis/check';
import type { VtaTarget } from '../../core/isa';
import { Cancelled, cancellable, checkpoint } from '../../core/lang/cancellation';
import type { Diagnostic } from '../../core/lang/diagnostic';
import {
  lintSchedule,
  parseSchedule,
  type SchedDiagnostic,
  type SchedFile,
  type ScheduleLint,
} from '../../core/schedule';
import { checkLoweredLayer, type LayerLoweredChecks } from '../../core/schedule/lowered-checks';
import type { AsmHost } from '../../core/asm/host';
import { nodeHost } from '../node-host';
import { collectGarbage } from './heap';
import { KeptPrograms } from './kept-programs';

/** Instructions of the programs a worker keeps between a version's two jobs (one large program, or many small). */
const KEPT_INSTRUCTIONS = 1 << 15;

/** One version of an open document as a job reads it. */
export interface DocumentInput {
  /** The document (the key of the assembled program kept between a version's two jobs). */
  uri: string;
  version: number;
  file: string;
  text: string;
  /** Open documents' texts by path; they win over the disk, as in the server (an unsaved vta_config.json too). */
  files: Record<string, string>;
  /** The vta.target setting, for a program or schedule whose files name no target. */
  settingTarget: VtaTarget | undefined;
}

export interface CheckJob extends DocumentInput {
  id: number;
  tier: CheckTier;
  /** The program expands to at most this many instructions (the editor's setting; the assembler's default when absent). */
  maxInstructions?: number;
}

/** One layer of a schedule lowered and checked (the expensive tier of a `.vtasched` document). */
export interface LayerJob {
  id: number;
  layer: {
    file: string;
    text: string;
    /** The operator's index among the file's statements. */
    index: number;
    settingTarget: VtaTarget | undefined;
    /** Open documents' texts by path (a target's vta_config.json may be one, unsaved); they win over the disk. */
    files?: Record<string, string>;
  };
}

/**
 * A schedule's first tier: parsed and linted (what is published right after an edit of
 * a `.vtasched` document), here so that a long schedule's parse does not hold up the
 * server's thread on every keystroke.
 */
export interface SchedLintJob {
  id: number;
  schedLint: DocumentInput;
}

/** Forget the program kept for a document (it was closed). */
export interface ForgetJob {
  forget: string;
}

export interface CheckDone {
  id: number;
  diagnostics?: Diagnostic[];
  error?: string;
  /** Time spent assembling, in ms (0 when the program was kept from the first tier). */
  assembleMs?: number;
  /** The program's instructions (a measure of its cost that a busy machine does not change). */
  instructions?: number;
  /** The files the program read besides its own (includes, images), for the includers of an edited file. */
  read?: string[];
  /** Sent first, when the worker starts the job (its time budget runs from then: a fresh worker loads first). */
  started?: boolean;
  /** Set by the pool (not the worker) when the job ran past its time budget and was stopped. */
  timedOut?: string;
  /** The answer to a SchedLintJob. */
  schedDiagnostics?: SchedDiagnostic[];
  /** The answer to a LayerJob. */
  layer?: LayerLoweredChecks;
  /** The worker's heap after the job, in MB (the pool replaces a worker that grew large). */
  heapMb?: number;
  /** The job stopped at a checkpoint: the server asked for it (a newer version came). */
  cancelled?: boolean;
}

/** What the pool gives each worker. */
export interface CheckWorkerData {
  /** `cancel[0]` holds the id of a job the server no longer wants. */
  cancel: SharedArrayBuffer;
  /** After a job that leaves the heap larger than this (MB), the worker collects its garbage at once. */
  collectAboveMb: number;
}

/**
 * The last assembled program of each document, for the `all` job of the same version
 * (a job of any other version or input replaces it): those of the documents checked
 * last, within a budget of instructions (the newest is kept whatever its size).
 */
const kept = new KeptPrograms<{ job: CheckJob; result: AssembleResult; read: string[] }>(KEPT_INSTRUCTIONS);

const sameInput = (a: CheckJob, b: CheckJob): boolean =>
  a.version === b.version &&
  a.file === b.file &&
  a.text === b.text &&
  a.settingTarget === b.settingTarget &&
  a.maxInstructions === b.maxInstructions &&
  JSON.stringify(a.files) === JSON.stringify(b.files);

/** The disk as the server sees it: open documents' texts first; every path read is added to `seen`. */
function openFilesHost(files: Record<string, string>, seen = new Set<string>()): AsmHost {
  return {
    ...nodeHost,
    readText: (p: string) => (seen.add(p), files[p] ?? nodeHost.readText(p)),
    readBinary: (p: string) => (seen.add(p), p in files ? new TextEncoder().encode(files[p]) : nodeHost.readBinary(p)),
  };
}

/** Runs one job (in the worker, or on the server's thread when there is no worker script). */
export function runCheckJob(job: CheckJob): CheckDone {
  const hit = kept.get(job.uri);
  let result: AssembleResult;
  let read: string[];
  let assembleMs = 0;
  if (hit && sameInput(hit.job, job)) ({ result, read } = hit);
  else {
    kept.delete(job.uri); // the old program goes before the new one is built
    const seen = new Set<string>();
    const host = openFilesHost(job.files, seen);
    const t0 = performance.now();
    result = assembleText(job.text, {
      file: job.file,
      host,
      fallbackTarget: job.settingTarget,
      maxInstructions: job.maxInstructions,
    });
    assembleMs = performance.now() - t0;
    read = [...seen];
  }
  // Kept for the whole-program tier of the same version, which follows when the user pauses.
  if (job.tier === 'first') kept.set(job.uri, { job, result, read }, result.program?.insns.length ?? 0);
  else kept.delete(job.uri);
  const found = checkAssembled(result, job.file, { tier: job.tier });
  // Findings are plain data (core/analysis/check.ts): they cross to the server's thread as they are.
  return { id: job.id, diagnostics: found, assembleMs, instructions: result.program?.insns.length ?? 0, read };
}

/**
 * A schedule parsed and linted, for the last input seen: a schedule's layer jobs (one
 * per layer after each pause) and its lint read the same version, and parsing it again
 * for each layer cost as much as lowering the layers under the fuzz driver's edits.
 */
let lastLinted: { key: string; ast: SchedFile; lint: ScheduleLint } | undefined;

function linted(input: Pick<DocumentInput, 'file' | 'text' | 'files' | 'settingTarget'>): {
  ast: SchedFile;
  lint: ScheduleLint;
} {
  const { file, text, files, settingTarget } = input;
  const key = JSON.stringify([file, text, files, settingTarget]);
  if (lastLinted?.key !== key) {
    const ast = parseSchedule(text);
    const lint = lintSchedule(ast, { host: openFilesHost(files), file, fallbackTarget: settingTarget });
    lastLinted = { key, ast, lint };
  }
  return lastLinted;
}

/** Lowers and checks one layer of a schedule, reading the open documents as the server's lint does. */
export function runLayerJob(job: LayerJob): CheckDone {
  const { ast, lint } = linted({ ...job.layer, files: job.layer.files ?? {} });
  const op = ast.statements[job.layer.index];
  if (op?.kind !== 'operator')
    return { id: job.id, layer: { diagnostics: [], estimate: undefined, skippedInstructions: undefined } };
  return { id: job.id, layer: checkLoweredLayer(ast, lint, op, { file: job.layer.file }) };
}

/** Parses and lints a schedule as the server's thread does (Workspace.vtasched), reading the open documents first. */
export function runSchedLintJob(job: SchedLintJob): CheckDone {
  return { id: job.id, schedDiagnostics: linted(job.schedLint).lint.diagnostics };
}

const data = workerData as CheckWorkerData | undefined;
const cancel = new Int32Array(data?.cancel ?? new SharedArrayBuffer(4));

parentPort?.on('message', (job: CheckJob | LayerJob | SchedLintJob | ForgetJob) => {
  if ('forget' in job) {
    kept.delete(job.forget);
    return;
  }
  parentPort!.postMessage({ id: job.id, started: true } satisfies CheckDone);
  let out: CheckDone;
  try {
    out = cancellable(
      () => Atomics.load(cancel, 0) === job.id,
      () => {
        checkpoint(); // superseded while it waited in the queue
        return 'layer' in job ? runLayerJob(job) : 'schedLint' in job ? runSchedLintJob(job) : runCheckJob(job);
      },
    );
  } catch (e) {
    out =
      e instanceof Cancelled ? { id: job.id, cancelled: true } : { id: job.id, error: (e as Error).stack ?? String(e) };
  }
  out.heapMb = getHeapStatistics().total_heap_size / 2 ** 20;
  // V8 keeps a heap a large job grew until its own schedule shrinks it (heap.ts); replacing the worker instead cost a reload.
  if (data && out.heapMb > data.collectAboveMb && collectGarbage())
    out.heapMb = getHeapStatistics().total_heap_size / 2 ** 20;
  parentPort!.postMessage(out);
});
