/**
 * The VTA language server: maps LSP requests onto the core (parser, assembler,
 * checks) through one Workspace of analyses. Each feature lives in its own module;
 * this file only wires them to the connection. Any feature that throws answers
 * with an empty result instead of taking the server down.
 */
import {
  MessageType, ResponseError, TextDocuments, type HoverParams, TextDocumentSyncKind, type Connection, type InitializeResult, type TextEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { formatVta } from '../../core/lsp-support/format';
import { codeActionsSched, codeActionsVta } from './actions';
import { completeSched, completeVta, signatureVta } from './completion';
import { DiagnosticsScheduler } from './diagnostics';
import { hexHover } from './hex-hover';
import { hoverSched, hoverVta } from './hover';
import { ScheduleTuner } from './schedule-tuner';
import { inlayHintsSched, inlayHintsVta } from './inlay';
import { codeLensesSched, codeLensesVta, documentLinksVta } from './links';
import { definition, highlights, prepareRename, references, rename } from './navigation';
import { documentSymbolsSched, documentSymbolsVta, foldingSched, foldingVta, workspaceSymbolsVta } from './outline';
import { SEMANTIC_LEGEND, semanticTokensSched, semanticTokensVta } from './semantic';
import { DEFAULT_SETTINGS, isTargetPath, readSettings, resolveSettingTarget, type ServerSettings } from './settings';
import { isSchedule, uriToPath, Workspace, type VtaAnalysis } from './workspace';
import { WorkspaceFiles } from './workspace-files';
import { includerIndexes } from './includers';
import { checkParams, isPosition } from './params';
import type { SymbolDef } from '../../core/lsp-support/symbols';

export interface ServerOptions {
  /** Delay of the expensive diagnostics tier, in ms. */
  debounceMs?: number;
}

/** How long a hover on a schedule layer waits for the layer's lowered figures. */
const HOVER_WAIT_MS = 4000;

export function startLanguageServer(connection: Connection, opts: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  const ws = new Workspace(documents);
  // Layers' fastest schedules, ranked in a worker; the hover and the code action ask again when ready.
  const tuner = new ScheduleTuner(() => undefined);
  const diags = new DiagnosticsScheduler(connection, ws, opts.debounceMs ?? 250);

  /**
   * A handler that never takes the server down: params checked first (`required`:
   * the fields it reads; a malformed one is an InvalidParams error), and any failure
   * inside answered with `fallback` and logged.
   */
  const safe = <P, R>(fallback: R, f: (p: P) => R, required: readonly string[] = ['textDocument']) => (p: P): R => {
    try {
      checkParams(p, required);
      return f(p);
    } catch (e) {
      if (e instanceof ResponseError) throw e;
      connection.console.error(`vta: ${(e as Error).stack ?? e}`);
      return fallback;
    }
  };
  /**
   * A handler that reads the assembled program: it first waits (briefly) until the
   * checks worker has assembled the current version, so that it knows whether the
   * program is cheap enough to build here (Workspace.deferred).
   */
  const afterAssessed = <P, R>(fallback: R, f: (p: P) => R, required: readonly string[]) => {
    const g = safe(fallback, f, required);
    return async (p: P): Promise<R> => {
      const uri = (p as { textDocument?: { uri?: unknown } } | null)?.textDocument?.uri;
      if (typeof uri === 'string') await diags.assessed(uri);
      return g(p);
    };
  };
  const vtaOf = (uri: string): VtaAnalysis | undefined => {
    const d = documents.get(uri);
    if (!d || isSchedule(uri, d.languageId)) return undefined;
    return ws.vta(uri);
  };
  const schedOf = (uri: string) => {
    const d = documents.get(uri);
    return d && isSchedule(uri, d.languageId) ? ws.vtasched(uri) : undefined;
  };

  const diskFiles = new WorkspaceFiles();
  const includers = (def: SymbolDef, covered: ReadonlySet<string>) => includerIndexes(ws, diskFiles, def.file, covered);

  // The client's settings: initializationOptions first, then workspace/didChangeConfiguration.
  let settings: ServerSettings = { ...DEFAULT_SETTINGS };
  let canPullConfiguration = false;
  let lastWarning: string | undefined;
  // (The spec allows window/showMessage while `initialize` is being answered.)
  const warn = (message: string) => {
    connection.console.warn(message);
    if (message === lastWarning) return; // the same setting sent again (initializationOptions, then the first push): say it once
    lastWarning = message;
    void connection.sendNotification('window/showMessage', { type: MessageType.Warning, message });
  };
  /** Applies a settings object over the current settings (absent keys keep their value). */
  const applySettings = (raw: unknown): void => {
    const { settings: next, warnings } = readSettings(raw, settings);
    for (const w of warnings) warn(w);
    // A vta_config.json path is read again each time: the file may have changed.
    const targetChanged = next.target !== settings.target || isTargetPath(next.target);
    settings = next;
    diags.tiers = next.tiers;
    diags.maxDiagnostics = next.maxDiagnostics;
    if (targetChanged) {
      const r = resolveSettingTarget(next.target, diskFiles.roots);
      if (r.warning) warn(r.warning);
      else lastWarning = undefined;
      ws.settingTarget = r.target;
    }
  };
  const recheckAll = () => {
    ws.invalidate();
    for (const d of documents.all()) diags.changed(d.uri);
  };

  connection.onInitialize((params): InitializeResult => {
    const roots = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri));
    if (!roots.length && params.rootUri) roots.push(uriToPath(params.rootUri));
    diskFiles.roots = roots.filter((r) => r.startsWith('/') || /^[a-z]:/i.test(r));
    canPullConfiguration = !!params.capabilities.workspace?.configuration;
    applySettings(params.initializationOptions);
    return initializeResult();
  });

  // A settings change: VS Code pushes `{ settings: { vta: {…} } }` (synchronize.configurationSection);
  // other clients send nothing useful and answer workspace/configuration instead. Either way every
  // open document is checked again.
  connection.onDidChangeConfiguration(async (p) => {
    try {
      const pushed = (p.settings as { vta?: unknown } | null | undefined)?.vta;
      if (pushed !== undefined) applySettings(pushed);
      else if (canPullConfiguration) {
        const pulled: unknown = await connection.workspace.getConfiguration('vta');
        applySettings(pulled);
      }
    } catch (e) {
      connection.console.error(`vta: reading the settings failed: ${(e as Error).stack ?? e}`);
    }
    recheckAll();
  });
  const initializeResult = (): InitializeResult => ({
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      hoverProvider: true,
      completionProvider: { triggerCharacters: [' ', '=', '>', ':'], resolveProvider: false },
      signatureHelpProvider: { triggerCharacters: [' ', '='], retriggerCharacters: [',', ' '] },
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      documentHighlightProvider: true,
      documentSymbolProvider: true,
      workspaceSymbolProvider: true,
      foldingRangeProvider: true,
      semanticTokensProvider: { legend: SEMANTIC_LEGEND, full: true },
      inlayHintProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix'] },
      documentFormattingProvider: true,
      documentLinkProvider: { resolveProvider: false },
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'vta-language-server', version: '0.1.0' },
  });

  documents.onDidChangeContent((e) => {
    const { uri, languageId } = e.document;
    const ours = languageId === 'vta' || isSchedule(uri, languageId);
    // Programs that include the changed file see new content too; the other documents' analyses stay.
    // Any other file (a schedule's vta_config.json, open and unsaved) may be read by every document.
    const readers = ours ? ws.includers(uri) : documents.all().filter((d) => d.languageId === 'vta' || isSchedule(d.uri, d.languageId)).map((d) => d.uri);
    ws.invalidate([uri, ...readers]);
    if (ours) diags.changed(uri);
    for (const other of readers) diags.changed(other);
  });
  documents.onDidClose((e) => {
    ws.invalidate();
    ws.filesOf.delete(e.document.uri);
    diags.closed(e.document.uri);
  });

  // A file changed on disk (an included file, a config, an image): re-check every open program.
  connection.onDidChangeWatchedFiles(() => {
    // A vta_config.json named by the target setting may be the file that changed.
    if (isTargetPath(settings.target)) applySettings({});
    recheckAll();
  });

  // A schedule layer's hover shows its lowered figures: the layer under the cursor is lowered (off the thread) first.
  const hoverReady = async (p: { textDocument?: { uri?: unknown }; position?: unknown }): Promise<void> => {
    if (typeof p?.textDocument?.uri !== 'string' || !isPosition(p.position)) return;
    const s = schedOf(p.textDocument.uri);
    const pos = p.position;
    const op = s?.ast.statements.find((x) => x.kind === 'operator' && x.range.start.line <= pos.line && pos.line <= x.range.end.line);
    // At most a few seconds: past that the hover answers with what it has (the lint's figures).
    if (s && op?.kind === 'operator') await Promise.race([ws.lowered(s, op), new Promise((r) => setTimeout(r, HOVER_WAIT_MS))]);
  };
  connection.onHover(async (p) => {
    await hoverReady(p).catch(() => undefined);
    return hover(p);
  });
  const hover = afterAssessed(null, (p: HoverParams) => {
    const hex = hexHover(documents.get(p.textDocument.uri), p.position, () => vtaOf(p.textDocument.uri)?.result.program?.target ?? ws.settingTarget);
    if (hex) return hex;
    const s = schedOf(p.textDocument.uri);
    if (s) return hoverSched(ws, s, p.position, tuner);
    const a = vtaOf(p.textDocument.uri);
    return a ? hoverVta(ws, a, p.position) : null;
  }, ['textDocument', 'position']);
  connection.onCompletion(afterAssessed([], (p) => {
    const s = schedOf(p.textDocument.uri);
    if (s) return completeSched(s, p.position);
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return [];
    return completeVta(vtaOf(p.textDocument.uri), doc.getText(), p.position);
  }, ['textDocument', 'position']));
  connection.onSignatureHelp(safe(null, (p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc || isSchedule(doc.uri, doc.languageId)) return null;
    return signatureVta(doc.getText(), p.position);
  }, ['textDocument', 'position']));
  connection.onDefinition(safe(null, (p) => {
    const a = vtaOf(p.textDocument.uri);
    return a ? definition(a, p.position) : null;
  }, ['textDocument', 'position']));
  connection.onReferences(safe([], (p) => {
    const a = vtaOf(p.textDocument.uri);
    return a ? references(a, p.position, p.context.includeDeclaration, includers) : [];
  }, ['textDocument', 'position', 'context']));
  connection.onDocumentHighlight(safe([], (p) => {
    const a = vtaOf(p.textDocument.uri);
    return a ? highlights(a, p.position) : [];
  }, ['textDocument', 'position']));
  connection.onPrepareRename(safe(null, (p) => {
    const a = vtaOf(p.textDocument.uri);
    return a ? prepareRename(a, p.position) : null;
  }, ['textDocument', 'position']));
  connection.onRenameRequest(safe(null, (p) => {
    const a = vtaOf(p.textDocument.uri);
    return a ? rename(a, p.position, p.newName, includers) : null;
  }, ['textDocument', 'position', 'newName']));
  connection.onDocumentSymbol(safe([], (p) => {
    const s = schedOf(p.textDocument.uri);
    if (s) return documentSymbolsSched(s);
    const a = vtaOf(p.textDocument.uri);
    return a ? documentSymbolsVta(a) : [];
  }));
  connection.onWorkspaceSymbol(safe([], (p) => {
    const analyses = documents.all().map((d) => vtaOf(d.uri)).filter((a): a is VtaAnalysis => !!a);
    const open = new Set(analyses.map((a) => a.file));
    // Files on disk that are not open contribute their top-level names too.
    const onDisk = diskFiles.list().filter((f) => !open.has(f)).map((file) => ({ file, ast: diskFiles.parse(file) }))
      .filter((x): x is { file: string; ast: NonNullable<typeof x.ast> } => !!x.ast);
    return workspaceSymbolsVta(analyses, p.query, onDisk);
  }, ['query']));
  connection.onFoldingRanges(safe([], (p) => {
    const s = schedOf(p.textDocument.uri);
    if (s) return foldingSched(s);
    const a = vtaOf(p.textDocument.uri);
    return a ? foldingVta(a) : [];
  }));
  connection.languages.semanticTokens.on(safe({ data: [] }, (p) => {
    const sched = schedOf(p.textDocument.uri);
    if (sched) return semanticTokensSched(sched.ast);
    const a = vtaOf(p.textDocument.uri);
    if (!a) return { data: [] };
    return semanticTokensVta({ text: a.text, statements: a.ast.statements, defs: a.symbols.defs, refs: a.symbols.refs, file: a.file });
  }));
  connection.languages.inlayHint.on(afterAssessed([], (p) => {
    const s = schedOf(p.textDocument.uri);
    if (s) return inlayHintsSched(ws, s, p.range);
    const a = vtaOf(p.textDocument.uri);
    if (!a) return [];
    // Without the program now: the editor is asked again once the checks have it.
    if (ws.deferred(a.uri)) ws.hintsWithoutProgram.add(a.uri);
    return inlayHintsVta(ws, a, p.range);
  }, ['textDocument', 'range']));
  connection.onCodeAction(afterAssessed([], (p) => {
    const s = schedOf(p.textDocument.uri);
    if (s) return codeActionsSched(s, p, tuner);
    const a = vtaOf(p.textDocument.uri);
    return a ? codeActionsVta(ws, a, p) : [];
  }, ['textDocument', 'range', 'context']));
  connection.onDocumentFormatting(safe([], (p): TextEdit[] => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc || isSchedule(doc.uri, doc.languageId)) return [];
    const text = doc.getText();
    const out = formatVta(text);
    if (out === undefined || out === text) return [];
    return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) }, newText: out }];
  }));
  connection.onDocumentLinks(safe([], (p) => {
    const a = vtaOf(p.textDocument.uri);
    return a ? documentLinksVta(ws, a) : [];
  }));
  connection.onCodeLens(safe([], (p) => {
    const s = schedOf(p.textDocument.uri);
    if (s) return codeLensesSched(s, ws);
    const a = vtaOf(p.textDocument.uri);
    return a ? codeLensesVta(a) : [];
  }));

  documents.listen(connection);
  connection.listen();
}
