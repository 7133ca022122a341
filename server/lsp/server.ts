/**
 * The VTA language server: maps LSP requests onto the core (parser, assembler,
 * checks) through one Workspace of analyses. Each feature lives in its own module,
 * listed per language in features.ts; this file only wires: settings, document
 * events, and each request routed to its document's language (`route`). Any feature
 * that throws answers with an empty result instead of taking the server down.
 */
import {
  MessageType,
  ResponseError,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { DiagnosticsScheduler } from './diagnostics';
import { openDocuments } from './documents';
import { keepHeapSmall } from './heap';
import {
  FEATURES,
  LANGUAGES,
  none,
  type Feature,
  type FeatureContext,
  type FeatureTypes,
  type LanguageFeatures,
} from './features';
import { ScheduleTuner } from './schedule-tuner';
import { workspaceSymbolsVta } from './outline';
import { SEMANTIC_LEGEND } from './semantic';
import { DEFAULT_SETTINGS, isTargetPath, readSettings, resolveSettingTarget, type ServerSettings } from './settings';
import { languageOf, uriToPath, Workspace, type VtaAnalysis } from './workspace';
import { WorkspaceFiles } from './workspace-files';
import { includerIndexes } from './includers';
import { checkParams } from './params';
import type { SymbolDef } from '../../core/lsp-support/symbols';

export interface ServerOptions {
  /** Delay of the expensive diagnostics tier, in ms. */
  debounceMs?: number;
}

/** The server's thread collects its garbage past this heap (heap.ts); its live data is usually a few tens of MB. */
const HEAP_FLOOR_MB = 64;

export function startLanguageServer(connection: Connection, opts: ServerOptions = {}): void {
  keepHeapSmall(HEAP_FLOOR_MB);
  const documents = openDocuments();
  const ws = new Workspace(documents);
  // Layers' fastest schedules, ranked in a worker; the hover and the code action ask again when ready.
  const tuner = new ScheduleTuner(() => undefined);
  const diags = new DiagnosticsScheduler(connection, ws, opts.debounceMs ?? 250);
  const diskFiles = new WorkspaceFiles();
  const includers = (def: SymbolDef, covered: ReadonlySet<string>) => includerIndexes(ws, diskFiles, def.file, covered);
  const ctx: FeatureContext = { ws, documents, tuner, includers };

  /** A failure inside a handler: logged, and answered with `fallback` (a malformed request stays an error). */
  const failed = <R>(fallback: R, e: unknown): R => {
    if (e instanceof ResponseError) throw e;
    connection.console.error(`vta: ${(e as Error).stack ?? e}`);
    return fallback;
  };
  /**
   * A handler that never takes the server down: params checked first (`required`:
   * the fields it reads; a malformed one is an InvalidParams error), and any failure
   * inside answered with `fallback` and logged.
   */
  const safe =
    <P, R>(fallback: R, f: (p: P) => R, required: readonly string[] = ['textDocument']) =>
    (p: P): R => {
      try {
        checkParams(p, required);
        return f(p);
      } catch (e) {
        return failed(fallback, e);
      }
    };
  /**
   * The handler of a feature (features.ts), safe as above: it looks the document's
   * language up and calls that language's entry with the document's analysis. A
   * feature that reads the program first waits (briefly) until the checks worker has
   * assembled the current version, so that it knows whether the program is cheap
   * enough to build here (Workspace.deferred).
   */
  const route = <F extends Feature>(feature: F) => {
    const { empty, required, readsProgram } = FEATURES[feature];
    return async (p: FeatureTypes[F][0]): Promise<FeatureTypes[F][1]> => {
      try {
        checkParams(p, required);
        const uri = p.textDocument.uri;
        if (readsProgram) await diags.assessed(uri);
        const language = ws.language(uri);
        if (!language) return empty;
        const entry = LANGUAGES[language] as LanguageFeatures<unknown>;
        const f = entry.features[feature] as
          | typeof none
          | ((
              a: unknown,
              p: FeatureTypes[F][0],
              c: FeatureContext,
            ) => FeatureTypes[F][1] | Promise<FeatureTypes[F][1]>);
        const a = f === none ? undefined : entry.analysis(ws, uri);
        return f === none || a === undefined ? empty : await f(a, p, ctx);
      } catch (e) {
        return failed(empty, e);
      }
    };
  };

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
    diags.maxInstructions = next.maxInstructions;
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
    const ours = languageId === 'vta' || languageOf(uri, languageId) === 'vtasched';
    // Programs that include the changed file see new content too; the other documents' analyses stay.
    // Any other file (a schedule's vta_config.json, open and unsaved) may be read by every document.
    const readers = ours
      ? ws.includers(uri)
      : documents
          .all()
          .filter((d) => d.languageId === 'vta' || languageOf(d.uri, d.languageId) === 'vtasched')
          .map((d) => d.uri);
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

  connection.onHover(route('hover'));
  connection.onCompletion(route('completion'));
  connection.onSignatureHelp(route('signatureHelp'));
  connection.onDefinition(route('definition'));
  connection.onReferences(route('references'));
  connection.onDocumentHighlight(route('documentHighlight'));
  connection.onPrepareRename(route('prepareRename'));
  connection.onRenameRequest(route('rename'));
  connection.onDocumentSymbol(route('documentSymbol'));
  connection.onFoldingRanges(route('foldingRange'));
  connection.languages.semanticTokens.on(route('semanticTokens'));
  connection.languages.inlayHint.on(route('inlayHint'));
  connection.onCodeAction(route('codeAction'));
  connection.onDocumentFormatting(route('formatting'));
  connection.onDocumentLinks(route('documentLink'));
  connection.onCodeLens(route('codeLens'));
  // The one request about no document: every open program's names, and those of the workspace's files on disk.
  connection.onWorkspaceSymbol(
    safe(
      [],
      (p) => {
        const analyses = documents
          .all()
          .filter((d) => ws.language(d.uri) === 'vta')
          .map((d) => ws.vta(d.uri))
          .filter((a): a is VtaAnalysis => !!a);
        const open = new Set(analyses.map((a) => a.file));
        // Files on disk that are not open contribute their top-level names too.
        const onDisk = diskFiles
          .list()
          .filter((f) => !open.has(f))
          .map((file) => ({ file, ast: diskFiles.parse(file) }))
          .filter((x): x is { file: string; ast: NonNullable<typeof x.ast> } => !!x.ast);
        return workspaceSymbolsVta(analyses, p.query, onDisk);
      },
      ['query'],
    ),
  );

  documents.listen(connection);
  connection.listen();
}
