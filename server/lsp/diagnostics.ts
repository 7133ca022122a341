/**
 * Publishing diagnostics in two tiers, by one path for every language (`publish`
 * over each language's `fast` and `slow` tier). For a `.vta` document both run in the checks
 * workers (check-pool.ts): the first tier (assembly + first-tier checks) right after
 * each change, every check after a pause in typing; a newer version drops or stops
 * the older one's job. For a `.vtasched` document the lint is published at once and
 * each layer's lowered checks after the pause. With the `fast` tiers setting only the
 * first tier is published.
 */
import {
  DiagnosticSeverity,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type DiagnosticRelatedInformation,
} from 'vscode-languageserver/node';
import type { Diagnostic } from '../../core/lang/diagnostic';
import type { SchedDiagnostic } from '../../core/schedule';
import { EDITOR_MAX_INSTRUCTIONS } from '../../core/asm/limits';
import { DEFAULT_MAX_DIAGNOSTICS, outgoingDiagnostics } from '../../core/lang/findings';
import { CheckPool, type CheckResult } from './check-pool';
import { runCheckJob, type CheckJob } from './check-worker';
import { pathToUri, uriToPath, type Language, type Workspace } from './workspace';

export function toLspDiagnostic(d: Diagnostic): LspDiagnostic {
  const related: DiagnosticRelatedInformation[] | undefined = d.related?.map((r) => ({
    location: { uri: pathToUri(r.file), range: r.range },
    message: r.message,
  }));
  return {
    range: d.range,
    severity:
      d.severity === 'error'
        ? DiagnosticSeverity.Error
        : d.severity === 'warning'
          ? DiagnosticSeverity.Warning
          : DiagnosticSeverity.Information,
    code: d.code,
    source: 'vta',
    message: d.message,
    relatedInformation: related?.length ? related : undefined,
    data: d.fixes?.length ? { fixes: d.fixes } : undefined,
  };
}

/** A note at the top of the document saying why its checks gave no findings (stopped, failed). */
function limitNote(severity: DiagnosticSeverity, message: string): LspDiagnostic {
  const top = { line: 0, character: 0 };
  return { range: { start: top, end: top }, severity, code: 'vta.limit', source: 'vta', message };
}

function toLspSchedDiagnostic(d: SchedDiagnostic): LspDiagnostic {
  return {
    range: d.range,
    severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: d.code,
    source: 'vta',
    message: d.message,
    data: d.fixes?.length ? { fixes: d.fixes } : undefined,
  };
}

/** The checks without a worker (the server run from sources). */
function onThisThread(job: Omit<CheckJob, 'id'>): CheckResult {
  const r = runCheckJob({ ...job, id: 0 });
  return r.diagnostics
    ? { diagnostics: r.diagnostics, assembleMs: 0, instructions: r.instructions ?? 0, read: r.read ?? [] }
    : { error: `the checks stopped: ${r.error?.split('\n')[0]}` };
}

export class DiagnosticsScheduler {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /**
   * The last publication of each `.vta` document. A version superseded before its
   * checks ran is answered with it (the findings of the last completed analysis), so
   * that a client waiting for each version's diagnostics gets an answer.
   */
  private readonly lastPublished = new Map<string, LspDiagnostic[]>();
  private readonly assessedWaiters = new Map<string, Array<() => void>>();
  /** The newest version of each `.vta` document whose own findings were published. */
  private readonly publishedVersion = new Map<string, number>();
  /** 'fast' publishes only the cheap tier (parse, assembly, first-tier checks); 'all' adds the debounced one. */
  tiers: 'all' | 'fast' = 'all';
  /** At most this many diagnostics per document (the `diagnostics.max` setting). */
  maxDiagnostics = DEFAULT_MAX_DIAGNOSTICS;
  /** The checks expand a program to at most this many instructions (the `diagnostics.maxInstructions` setting). */
  maxInstructions = EDITOR_MAX_INSTRUCTIONS;

  constructor(
    private readonly connection: Connection,
    private readonly ws: Workspace,
    /** Delay before the expensive tier, in ms. */
    private readonly delay = 250,
    /** Where the checks of `.vta` documents run. */
    readonly pool = new CheckPool(undefined, (m) => connection.console.log(m)),
  ) {
    if (pool.available) ws.lowerOffThread = (job) => pool.layer(job);
  }

  /** Publishes the cheap tier (now, or when the worker has it) and schedules the expensive one. Never throws. */
  changed(uri: string): void {
    try {
      this.publish(uri);
    } catch (e) {
      this.connection.console.error(`vta: diagnostics of ${uri} failed: ${(e as Error).stack ?? e}`);
    }
  }

  /**
   * Each language's two tiers of diagnostics for one version of a document. `fast`
   * publishes the cheap tier and resolves true when it did (so the slow tier is worth
   * scheduling); `slow` publishes the expensive tier and whatever the editor should
   * fetch again with it.
   */
  private readonly tiersOf: Record<
    Language,
    { fast(uri: string, version: number): Promise<boolean>; slow(uri: string, version: number): Promise<void> }
  > = {
    vta: {
      // Both tiers in the checks workers: the first tier, then every check.
      fast: (uri, version) => this.run(uri, version, 'first'),
      slow: async (uri, version) => {
        const ok = await this.run(uri, version, 'all');
        // The user paused: a document too slow to assemble on every request gets its program now.
        if (
          ok &&
          this.ws.documents.get(uri)?.version === version &&
          this.ws.buildDeferred(uri) &&
          this.ws.hintsWithoutProgram.delete(uri)
        ) {
          this.connection.languages.inlayHint.refresh().catch(() => undefined);
        }
      },
    },
    vtasched: {
      // The parse and lint, in the checks workers (a long schedule's parse on every
      // keystroke held up the server's thread); on this thread when there are none.
      fast: async (uri, version) => {
        const doc = this.ws.documents.get(uri);
        if (!doc) return false;
        let found: SchedDiagnostic[] | { error: string } | undefined;
        if (this.pool.available) {
          found = await this.pool.schedLint({
            uri,
            version,
            file: uriToPath(uri),
            text: doc.getText(),
            files: this.ws.openTexts(uri),
            settingTarget: this.ws.settingTarget,
          });
        } else {
          const a = this.ws.vtasched(uri);
          found = a?.version === version ? a.lint.diagnostics : undefined;
        }
        const open = this.ws.documents.get(uri);
        if (!found || !open || (this.publishedVersion.get(uri) ?? -1) > version) {
          this.answerSuperseded(uri, version);
          return false;
        }
        if ('error' in found) {
          this.answer(uri, version, [limitNote(DiagnosticSeverity.Error, found.error)]);
          return false;
        }
        this.answer(uri, version, outgoingDiagnostics(found, this.maxDiagnostics).map(toLspSchedDiagnostic));
        return open.version === version;
      },
      // Each layer lowered, checked and estimated (in the workers, cached by the layer's text).
      slow: async (uri, version) => {
        const a = this.ws.vtasched(uri);
        if (!a || a.version !== version) return;
        const stale = () => this.ws.documents.get(uri)?.version !== version || this.tiers === 'fast';
        const lowered = await this.ws.schedLowered(a, stale);
        if (!lowered || stale()) return;
        const all = outgoingDiagnostics(a.lint.diagnostics.concat(lowered.diagnostics), this.maxDiagnostics).map(
          toLspSchedDiagnostic,
        );
        this.answer(uri, version, all);
        // The estimates are inlay hints: ask the editor to fetch them again (if it can).
        this.connection.languages.inlayHint.refresh().catch(() => undefined);
        // A network's lens shows its total: fetch the lenses again too.
        if (a.ast.statements.some((s) => s.kind === 'network'))
          this.connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
      },
    },
  };

  /**
   * One path for every language: the cheap tier now, then (unless the `fast` setting
   * says not to, or a newer version came) the expensive tier after a pause in typing.
   */
  private publish(uri: string): void {
    const language = this.ws.language(uri);
    const version = this.ws.documents.get(uri)?.version;
    if (!language || version === undefined) return;
    this.cancel(uri);
    const tiers = this.tiersOf[language];
    const current = () => this.tiers !== 'fast' && this.ws.documents.get(uri)?.version === version;
    const failed = (e: unknown) =>
      this.connection.console.error(`vta: checks of ${uri} failed: ${(e as Error).stack ?? e}`);
    tiers.fast(uri, version).then((done) => {
      if (!done || !current()) return;
      this.timers.set(
        uri,
        setTimeout(() => {
          this.timers.delete(uri);
          if (current()) tiers.slow(uri, version).catch(failed);
        }, this.delay),
      );
    }, failed);
  }

  /**
   * One tier of one version of a `.vta` document, published when it is done. Resolves
   * true when its findings were published; a superseded first tier publishes the last
   * findings under its version instead.
   */
  private async run(uri: string, version: number, tier: CheckJob['tier']): Promise<boolean> {
    const doc = this.ws.documents.get(uri);
    if (!doc) return false;
    const file = uriToPath(uri);
    // Every other open document's text: an include or an image may be one of them.
    const files = this.ws.openTexts(uri);
    const job = {
      tier,
      uri,
      version,
      file,
      text: doc.getText(),
      files,
      settingTarget: this.ws.settingTarget,
      maxInstructions: this.maxInstructions,
    };
    let r: CheckResult | undefined = this.pool.available ? await this.pool.check(job) : onThisThread(job);
    // Closed meanwhile, superseded, or a result that comes after a newer version's (a
    // superseded check finishing late): not published; the version is answered as a superseded one is.
    if (!r || !this.ws.documents.get(uri) || (this.publishedVersion.get(uri) ?? -1) > version) {
      this.wakeAssessed(uri);
      if (tier === 'first') this.answerSuperseded(uri, version);
      return false;
    }
    let diagnostics: LspDiagnostic[];
    if ('timedOut' in r) {
      // The first tier's findings (if any) stay; the note says why nothing more came.
      this.ws.assembled.set(uri, { version, ms: Number.POSITIVE_INFINITY, instructions: Number.POSITIVE_INFINITY });
      this.wakeAssessed(uri);
      const kept = tier === 'all' ? (this.lastPublished.get(uri) ?? []).filter((d) => d.code !== 'vta.limit') : [];
      diagnostics = [...kept, limitNote(DiagnosticSeverity.Warning, r.timedOut)];
    } else if ('error' in r) {
      this.wakeAssessed(uri);
      diagnostics = [limitNote(DiagnosticSeverity.Error, r.error)];
    } else {
      if (tier === 'first') this.ws.assembled.set(uri, { version, ms: r.assembleMs, instructions: r.instructions });
      this.wakeAssessed(uri);
      if (!this.ws.deferred(uri) && this.ws.hintsWithoutProgram.delete(uri))
        this.connection.languages.inlayHint.refresh().catch(() => undefined);
      if (r.read.length) this.ws.filesOf.set(uri, [file, ...r.read]);
      this.ws.checked.set(uri, { version, diagnostics: r.diagnostics });
      const includes = r.diagnostics.some((d) => d.file !== file) ? this.includesOf(uri) : [];
      diagnostics = this.forFile(r.diagnostics, file, includes);
    }
    this.answer(uri, version, diagnostics);
    return 'diagnostics' in r;
  }

  /** Publishes a version's findings and remembers them (a superseded version is answered with them). */
  private answer(uri: string, version: number, diagnostics: LspDiagnostic[]): void {
    this.lastPublished.set(uri, diagnostics);
    this.publishedVersion.set(uri, Math.max(version, this.publishedVersion.get(uri) ?? -1));
    void this.connection.sendDiagnostics({ uri, version, diagnostics });
  }

  /**
   * Answers a version whose own findings will not come (a newer version superseded it):
   * with the findings last published, or none when the document was closed, as a
   * client waiting for each version's diagnostics expects.
   */
  private answerSuperseded(uri: string, version: number): void {
    const diagnostics = this.ws.documents.get(uri) ? (this.lastPublished.get(uri) ?? []) : [];
    void this.connection.sendDiagnostics({ uri, version, diagnostics });
  }

  /**
   * Resolves when the checks worker has assembled the current version of `uri` (its
   * cost is then known: see Workspace.deferred), when that version is superseded, or
   * after `ms`. Requests that read the program wait for this, never longer.
   */
  assessed(uri: string, ms = 1000): Promise<void> {
    const doc = this.ws.documents.get(uri);
    if (!doc || this.ws.assembled.get(uri)?.version === doc.version || this.ws.language(uri) !== 'vta')
      return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const list = this.assessedWaiters.get(uri) ?? [];
      list.push(done);
      this.assessedWaiters.set(uri, list);
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  private wakeAssessed(uri: string): void {
    const list = this.assessedWaiters.get(uri);
    this.assessedWaiters.delete(uri);
    for (const w of list ?? []) w();
  }

  /** The include lines of the current analysis, for the summaries of included files' errors. */
  private includesOf(uri: string): Array<{ from: string; range: Diagnostic['range']; path: string }> {
    try {
      return this.ws.vta(uri)?.symbols.includes ?? [];
    } catch {
      return [];
    }
  }

  cancel(uri: string): void {
    const t = this.timers.get(uri);
    if (t) clearTimeout(t);
    this.timers.delete(uri);
  }

  closed(uri: string): void {
    this.cancel(uri);
    this.pool.forget(uri);
    this.lastPublished.delete(uri);
    this.publishedVersion.delete(uri);
    this.ws.checked.delete(uri);
    this.ws.assembled.delete(uri);
    this.ws.hintsWithoutProgram.delete(uri);
    this.wakeAssessed(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }
  /**
   * This document's findings, plus one summary per included file that has errors,
   * placed on the `include` line that brings it in.
   */
  private forFile(
    diags: Diagnostic[],
    file: string,
    includes: Array<{ from: string; range: Diagnostic['range']; path: string }> = [],
  ): LspDiagnostic[] {
    // Well-formed ranges and at most maxDiagnostics (core/lang/findings.ts), then the include summaries.
    const own = outgoingDiagnostics(
      diags.filter((d) => d.file === file),
      this.maxDiagnostics,
    ).map(toLspDiagnostic);
    const direct = includes.filter((i) => i.from === file);
    const counted = new Map<string, { n: number; first: Diagnostic }>();
    for (const d of diags) {
      if (d.file === file || d.severity !== 'error') continue;
      const c = counted.get(d.file);
      if (c) c.n++;
      else counted.set(d.file, { n: 1, first: d });
    }
    for (const [path, c] of counted) {
      const at = direct.find((i) => i.path === path) ?? direct[0];
      if (!at) continue;
      own.push({
        range: at.range,
        severity: DiagnosticSeverity.Error,
        code: 'vta.include.errors',
        source: 'vta',
        message: `${path} has ${c.n} error${c.n === 1 ? '' : 's'}; the first: ${c.first.message}`,
        relatedInformation: [{ location: { uri: pathToUri(path), range: c.first.range }, message: c.first.message }],
      });
    }
    return own;
  }
}
