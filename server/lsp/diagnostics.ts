/**
 * Publishing diagnostics in two tiers: the cheap one (parse + assembly) right after
 * each change, the expensive one (every program check: bounds, tokens, hazards…)
 * debounced and cancelled when a newer version arrives. With the `fast` tiers setting
 * only the cheap tier is published.
 */
import {
  DiagnosticSeverity, type Connection, type Diagnostic as LspDiagnostic, type DiagnosticRelatedInformation,
} from 'vscode-languageserver/node';
import type { Diagnostic } from '../../core/lang/diagnostic';
import type { SchedDiagnostic } from '../../core/schedule';
import { DEFAULT_MAX_DIAGNOSTICS, outgoingDiagnostics } from '../../core/lang/findings';
import { FullChecker } from './full-checker';
import { isSchedule, pathToUri, type Workspace } from './workspace';

export function toLspDiagnostic(d: Diagnostic): LspDiagnostic {
  const related: DiagnosticRelatedInformation[] | undefined = d.related?.map((r) => ({
    location: { uri: pathToUri(r.file), range: r.range },
    message: r.message,
  }));
  return {
    range: d.range,
    severity: d.severity === 'error' ? DiagnosticSeverity.Error : d.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
    code: d.code,
    source: 'vta',
    message: d.message,
    relatedInformation: related?.length ? related : undefined,
    data: d.fixes?.length ? { fixes: d.fixes } : undefined,
  };
}

function toLspSchedDiagnostic(d: SchedDiagnostic): LspDiagnostic {
  return {
    range: d.range, severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, code: d.code, source: 'vta', message: d.message,
    data: d.fixes?.length ? { fixes: d.fixes } : undefined,
  };
}

export class DiagnosticsScheduler {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** 'fast' publishes only the cheap tier (parse, assembly, first-tier checks); 'all' adds the debounced one. */
  tiers: 'all' | 'fast' = 'all';
  /** At most this many diagnostics per document (the `diagnostics.max` setting). */
  maxDiagnostics = DEFAULT_MAX_DIAGNOSTICS;

  constructor(
    private readonly connection: Connection,
    private readonly ws: Workspace,
    /** Delay before the expensive tier, in ms. */
    private readonly delay = 250,
    /** Where the expensive tier of `.vta` documents runs. */
    readonly checker = new FullChecker(undefined, (m) => connection.console.log(m)),
  ) {}

  /** Publishes the cheap tier now and schedules the expensive one. Never throws. */
  changed(uri: string): void {
    // A running check of an older version is pointless now: stop it.
    this.checker.supersede(uri);
    try {
      this.publish(uri);
    } catch (e) {
      this.connection.console.error(`vta: diagnostics of ${uri} failed: ${(e as Error).stack ?? e}`);
    }
  }

  private publish(uri: string): void {
    const doc = this.ws.documents.get(uri);
    if (!doc) return;
    if (isSchedule(uri, doc.languageId)) {
      const a = this.ws.vtasched(uri);
      if (!a) return;
      void this.connection.sendDiagnostics({ uri, version: a.version, diagnostics: outgoingDiagnostics(a.lint.diagnostics, this.maxDiagnostics).map(toLspSchedDiagnostic) });
      // The expensive tier: each layer lowered, checked and estimated, debounced like a program's.
      this.cancel(uri);
      if (this.tiers === 'fast') return;
      const version = a.version;
      this.timers.set(uri, setTimeout(() => {
        this.timers.delete(uri);
        const fresh = this.ws.vtasched(uri);
        if (!fresh || fresh.version !== version || this.tiers === 'fast') return;
        const stale = () => this.ws.documents.get(uri)?.version !== version || this.tiers === 'fast';
        this.ws.schedLowered(fresh, stale).then((lowered) => {
          if (!lowered || stale()) return;
          const all = outgoingDiagnostics(fresh.lint.diagnostics.concat(lowered.diagnostics), this.maxDiagnostics).map(toLspSchedDiagnostic);
          void this.connection.sendDiagnostics({ uri, version, diagnostics: all });
          // The estimates are inlay hints: ask the editor to fetch them again (if it can).
          this.connection.languages.inlayHint.refresh().catch(() => undefined);
          // A network's lens shows its total: fetch the lenses again too.
          if (fresh.ast.statements.some((s) => s.kind === 'network')) this.connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
        }).catch((e: unknown) => {
          this.connection.console.error(`vta: lowering checks of ${uri} failed: ${(e as Error).stack ?? e}`);
        });
      }, this.delay));
      return;
    }
    const a = this.ws.vta(uri);
    if (!a) return;
    void this.connection.sendDiagnostics({ uri, version: a.version, diagnostics: this.forFile(a.cheap, a.file, a.symbols.includes) });
    this.cancel(uri);
    if (this.tiers === 'fast') return;
    const version = a.version;
    this.timers.set(uri, setTimeout(() => {
      this.timers.delete(uri);
      if (this.tiers === 'fast') return; // the setting changed meanwhile
      try {
        const cur = this.ws.documents.get(uri);
        if (!cur || cur.version !== version) return; // a newer change has its own run
        const fresh = this.ws.vta(uri);
        if (!fresh || fresh.version !== version) return;
        if (!this.checker.available) {
          const all = this.ws.full(fresh);
          void this.connection.sendDiagnostics({ uri, version, diagnostics: this.forFile(all, fresh.file, fresh.symbols.includes) });
          return;
        }
        // Off the thread, so that a newer version can stop it (changed() supersedes the job).
        const files: Record<string, string> = {};
        for (const p of fresh.symbols.files.slice(1)) {
          const open = this.ws.openDocByPath(p);
          if (open) files[p] = open.getText();
        }
        this.checker.check(uri, version, { file: fresh.file, text: fresh.text, files, settingTarget: this.ws.settingTarget }).then((all) => {
          if (!all || this.ws.documents.get(uri)?.version !== version || this.tiers === 'fast') return;
          fresh.full ??= all; // code actions read the same findings without checking again
          void this.connection.sendDiagnostics({ uri, version, diagnostics: this.forFile(all, fresh.file, fresh.symbols.includes) });
        }, (e: unknown) => this.connection.console.error(`vta: checks of ${uri} failed: ${(e as Error).stack ?? e}`));
      } catch (e) {
        this.connection.console.error(`vta: checks of ${uri} failed: ${(e as Error).stack ?? e}`);
      }
    }, this.delay));
  }

  cancel(uri: string): void {
    const t = this.timers.get(uri);
    if (t) clearTimeout(t);
    this.timers.delete(uri);
  }

  closed(uri: string): void {
    this.cancel(uri);
    this.checker.supersede(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /**
   * This document's findings, plus one summary per included file that has errors,
   * placed on the `include` line that brings it in.
   */
  private forFile(diags: Diagnostic[], file: string, includes: Array<{ from: string; range: Diagnostic['range']; path: string }> = []): LspDiagnostic[] {
    // Well-formed ranges and at most maxDiagnostics (core/lang/findings.ts), then the include summaries.
    const own = outgoingDiagnostics(diags.filter((d) => d.file === file), this.maxDiagnostics).map(toLspDiagnostic);
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
        range: at.range, severity: DiagnosticSeverity.Error, code: 'vta.include.errors', source: 'vta',
        message: `${path} has ${c.n} error${c.n === 1 ? '' : 's'}; the first: ${c.first.message}`,
        relatedInformation: [{ location: { uri: pathToUri(path), range: c.first.range }, message: c.first.message }],
      });
    }
    return own;
  }
}
