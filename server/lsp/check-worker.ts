/**
 * The worker thread of the language server's expensive tier: assembles a document and
 * runs every program check on it, off the server's thread, so that the server can stop
 * it (by terminating the worker) when a newer version of the document arrives.
 */
import { parentPort } from 'node:worker_threads';
import { assembleText } from '../../core/asm';
import { checkProgram } from '../../core/analysis/check';
import type { VtaTarget } from '../../core/isa';
import type { Diagnostic } from '../../core/lang/diagnostic';
import type { Range } from '../../core/lang/ast';
import { nodeHost } from '../node-host';

export interface CheckJob {
  id: number;
  file: string;
  text: string;
  /** Open documents' texts by path; they win over the disk, as in the server. */
  files: Record<string, string>;
  /** The vta.target setting, for a program whose files name no target. */
  settingTarget: VtaTarget | undefined;
}

export interface CheckDone {
  id: number;
  diagnostics?: Diagnostic[];
  error?: string;
}

/**
 * A copy made of plain objects only. Findings can hold ranges that are getters over an
 * instruction's source span, and a message between threads keeps own data properties
 * only.
 */
const plainRange = (r: Range): Range => ({ start: { line: r.start.line, character: r.start.character }, end: { line: r.end.line, character: r.end.character } });
function plain(d: Diagnostic): Diagnostic {
  return {
    file: d.file, range: plainRange(d.range), severity: d.severity, code: d.code, message: d.message,
    ...(d.instruction !== undefined ? { instruction: d.instruction } : {}),
    ...(d.related ? { related: d.related.map((r) => ({ file: r.file, range: plainRange(r.range), message: r.message, ...(r.instruction !== undefined ? { instruction: r.instruction } : {}) })) } : {}),
    ...(d.fixes ? { fixes: d.fixes.map((f) => ({ title: f.title, edits: f.edits.map((e) => ({ file: e.file, range: plainRange(e.range), newText: e.newText })) })) } : {}),
  };
}

function run(job: CheckJob): CheckDone {
  const host = {
    ...nodeHost,
    readText: (p: string) => job.files[p] ?? nodeHost.readText(p),
    readBinary: (p: string) => (p in job.files ? new TextEncoder().encode(job.files[p]) : nodeHost.readBinary(p)),
  };
  const r = assembleText(job.text, { file: job.file, host, fallbackTarget: job.settingTarget });
  const found = r.program ? checkProgram(r.program, job.file, r.diagnostics) : r.diagnostics;
  return { id: job.id, diagnostics: found.map(plain) };
}

parentPort?.on('message', (job: CheckJob) => {
  let out: CheckDone;
  try {
    out = run(job);
  } catch (e) {
    out = { id: job.id, error: (e as Error).stack ?? String(e) };
  }
  parentPort!.postMessage(out);
});
