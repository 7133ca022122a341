/**
 * The VS Code extension: maps VS Code concepts onto the language server
 * (dist/server/lsp.js over IPC), the debug adapter (dist/server/dap.js), the core
 * assembler/disassembler, the `vta check` task and the simulator panel.
 */
import { showNetworkEstimate } from './estimate-panel';
import * as vscode from 'vscode';
import { count } from '../core/lang/count';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { checkCommand, registerCheckTask } from './check-task';
import { debugCommand, registerDebugger } from './debug';
import { registerHexHover } from './hex-hover';
import { readSettings } from './settings';
import { openSimulatorPanel } from './simulator-panel';
import { assembleCommand, disassembleCommand, importDumpCommand } from './tools';
import { lowerScheduleCommand } from './lower-schedule';
import { exploreDesignsCommand } from './explore-panel';

const LANGUAGES = ['vta', 'vtasched'];
let client: LanguageClient | undefined;
let output: vscode.OutputChannel;

function initializationOptions() {
  const s = readSettings();
  return {
    target: s.target,
    diagnostics: { tiers: s.tiers, max: s.maxDiagnostics, maxInstructions: s.maxInstructions },
  };
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(join('dist', 'server', 'lsp.js'));
  if (!existsSync(module)) {
    output.appendLine(`The language server is missing (${module}); run npm run build.`);
    void vscode.window.showErrorMessage('VTA: the language server is missing; run npm run build.');
    return;
  }
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.flatMap((language) => [
      { language, scheme: 'file' },
      { language, scheme: 'untitled' },
    ]),
    synchronize: {
      configurationSection: 'vta',
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{vta,vtasched,json}'),
    },
    initializationOptions: initializationOptions(),
  };
  // The id 'vta' makes the client honour the `vta.trace.server` setting.
  client = new LanguageClient('vta', 'VTA Language Server', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (e) {
    output.appendLine(`The language server failed to start: ${(e as Error).message}`);
  }
}

async function restartClient(context: vscode.ExtensionContext): Promise<void> {
  const old = client;
  client = undefined;
  if (old) {
    try {
      await old.stop();
    } catch {
      /* already gone */
    }
  }
  await startClient(context);
  void vscode.window.setStatusBarMessage('VTA: language server restarted', 3000);
}

/** `VTA: vta.target · N errors` for the active .vta / .vtasched editor. */
class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('vta.status', vscode.StatusBarAlignment.Left, 100);
  private readonly subs: vscode.Disposable[] = [];

  constructor() {
    this.item.name = 'VTA';
    this.item.command = 'workbench.actions.view.problems';
    this.subs.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.languages.onDidChangeDiagnostics(() => this.update()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document) this.update();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('vta')) this.update();
      }),
    );
    this.update();
  }

  update(): void {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || !LANGUAGES.includes(doc.languageId)) {
      this.item.hide();
      return;
    }
    // The file's own `target` line wins over the setting (as in the assembler).
    const own =
      doc.languageId === 'vta'
        ? /^[ \t]*target[ \t]+("[^"\n]*"|[A-Za-z0-9_.\-\/]+)/m.exec(
            doc.getText(new vscode.Range(0, 0, Math.min(doc.lineCount, 2000), 0)),
          )
        : null;
    const target = own ? own[1]!.replace(/^"|"$/g, '') : readSettings(doc.uri).target;
    const diags = vscode.languages.getDiagnostics(doc.uri);
    const errors = diags.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length;
    const warnings = diags.filter((d) => d.severity === vscode.DiagnosticSeverity.Warning).length;
    this.item.text = `$(circuit-board) VTA ${target}  $(error) ${errors}  $(warning) ${warnings}`;
    this.item.tooltip = `VTA target${own ? '' : ' (vta.target setting)'}: ${target}\n${count(errors, 'error')}, ${count(warnings, 'warning')} in this file — click for the Problems view`;
    this.item.backgroundColor = errors ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
    for (const s of this.subs) s.dispose();
  }
}

async function documentFor(uri: unknown): Promise<vscode.TextDocument | undefined> {
  if (uri instanceof vscode.Uri) return vscode.workspace.openTextDocument(uri);
  if (typeof uri === 'string') return vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && doc.languageId === 'vta') return doc;
  void vscode.window.showWarningMessage('VTA: open a .vta file first.');
  return undefined;
}

/** VTA: Open an Example — the examples shipped with the extension (or the workspace's own examples/). */
async function openExample(context: vscode.ExtensionContext): Promise<void> {
  const dirs = [
    ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
    ...(vscode.workspace.workspaceFolders ?? []).map((f) => join(f.uri.fsPath, 'examples')),
    context.asAbsolutePath('examples'),
  ];
  const dir = dirs.find((d) => existsSync(d) && readdirSync(d).some((n) => n.endsWith('.vta')));
  if (!dir) {
    void vscode.window.showWarningMessage('VTA: no examples found.');
    return;
  }
  const items: Array<vscode.QuickPickItem & { path: string }> = [];
  for (const sub of ['', 'defects']) {
    const d = join(dir, sub);
    if (!existsSync(d)) continue;
    for (const n of readdirSync(d).sort()) {
      if (/\.(vta|vtasched)$/.test(n))
        items.push({
          label: sub ? `${sub}/${n}` : n,
          description: sub ? 'a program the checks must flag' : undefined,
          path: join(d, n),
        });
    }
  }
  const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Open a VTA example' });
  if (pick) await vscode.window.showTextDocument(vscode.Uri.file(pick.path));
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('VTA');
  context.subscriptions.push(output, new StatusBar());
  registerDebugger(context);
  registerCheckTask(context);
  registerHexHover(context);

  const simulate = async (uri?: unknown) => {
    const doc = await documentFor(uri);
    if (doc) openSimulatorPanel(context, doc);
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('vta.check', (uri?: vscode.Uri) => checkCommand(context, uri)),
    vscode.commands.registerCommand('vta.assemble', (uri?: vscode.Uri) => assembleCommand(output, uri, false)),
    vscode.commands.registerCommand('vta.assembleTo', (uri?: vscode.Uri) => assembleCommand(output, uri, true)),
    vscode.commands.registerCommand('vta.disassemble', (uri?: vscode.Uri) => disassembleCommand(output, uri)),
    vscode.commands.registerCommand('vta.importDump', (uri?: vscode.Uri) => importDumpCommand(output, uri)),
    vscode.commands.registerCommand('vta.lowerSchedule', (uri?: unknown, layer?: string) =>
      lowerScheduleCommand(output, uri, layer),
    ),
    // A layer's code lens: its lowered program, straight into the simulator view.
    vscode.commands.registerCommand('vta.simulateScheduleLayer', async (uri?: unknown, layer?: string) => {
      const doc = await lowerScheduleCommand(output, uri, layer);
      if (doc) openSimulatorPanel(context, doc);
    }),
    // A network's code lens: its estimate as a sortable table.
    vscode.commands.registerCommand('vta.showNetworkEstimate', (uri?: unknown, network?: unknown, estimate?: unknown) =>
      showNetworkEstimate(context, uri, network, estimate),
    ),
    vscode.commands.registerCommand('vta.exploreDesigns', () => exploreDesignsCommand(context)),
    vscode.commands.registerCommand('vta.restartServer', () => restartClient(context)),
    vscode.commands.registerCommand('vta.openSimulator', simulate),
    vscode.commands.registerCommand('vta.simulate', simulate),
    vscode.commands.registerCommand('vta.debug', (uri?: unknown) =>
      debugCommand(typeof uri === 'string' ? vscode.Uri.parse(uri) : (uri as vscode.Uri | undefined)),
    ),
    vscode.commands.registerCommand('vta.openExample', () => openExample(context)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // The target and tiers reach the server at start-up; a restart applies a change.
      if (
        e.affectsConfiguration('vta.target') ||
        e.affectsConfiguration('vta.diagnostics.tiers') ||
        e.affectsConfiguration('vta.diagnostics.max')
      )
        void restartClient(context);
    }),
  );
  await startClient(context);
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) await c.stop();
}
