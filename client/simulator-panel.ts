/**
 * The extension side of the simulator view: one webview panel, a strict CSP (nonce,
 * nothing remote, resources only from media/ and dist/webviews/), the program text
 * sent on open and on save, the editor cursor followed, and the view's messages
 * validated before anything is done with them (reveal a line, save a PNG or a trace).
 * The simulation itself runs in the webview's worker.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { parseViewMessage, type HostMessage } from '../webviews/simulator/protocol';
import { simulatorHtml } from '../webviews/simulator/html';
import { loweredName } from './lower-schedule';
import { isShippedTargetName, readSettings } from './settings';

let current: SimulatorPanel | undefined;

/** Opens (or reveals) the simulator view on `document` and runs it. */
/** Moves the open simulator view's cursor to the debugger's cycle (no-op when closed). */
export function followDebuggerCycle(cycle: number): void {
  current?.postCycle(cycle);
}

export function openSimulatorPanel(context: vscode.ExtensionContext, document: vscode.TextDocument): void {
  if (current) current.show(document);
  else current = new SimulatorPanel(context, document);
}

const fileOf = (d: vscode.TextDocument) => (d.uri.scheme === 'file' ? d.uri.fsPath : d.uri.toString());

class SimulatorPanel {
  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private document: vscode.TextDocument;
  private ready = false;

  constructor(context: vscode.ExtensionContext, document: vscode.TextDocument) {
    this.document = document;
    const ext = context.extensionUri;
    this.panel = vscode.window.createWebviewPanel(
      'vta.simulator',
      this.title(),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        enableScripts: true,
        retainContextWhenHidden: true,
        localResourceRoots: [vscode.Uri.joinPath(ext, 'media'), vscode.Uri.joinPath(ext, 'dist', 'webviews')],
        enableCommandUris: false,
      },
    );
    context.subscriptions.push(this.panel);
    const w = this.panel.webview;
    w.html = simulatorHtml({
      cspSource: w.cspSource,
      nonce: randomBytes(18).toString('base64'),
      scriptUri: w.asWebviewUri(vscode.Uri.joinPath(ext, 'dist', 'webviews', 'simulator.js')).toString(),
      workerUri: w.asWebviewUri(vscode.Uri.joinPath(ext, 'dist', 'webviews', 'sim-worker.js')).toString(),
      styleUri: w.asWebviewUri(vscode.Uri.joinPath(ext, 'media', 'simulator.css')).toString(),
    });
    this.disposables.push(
      w.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      this.panel.onDidDispose(() => this.dispose()),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (d === this.document && readSettings(d.uri).rerunOnSave) this.sendProgram();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor.document === this.document)
          this.post({ type: 'cursor', line: e.selections[0]!.active.line, file: fileOf(this.document) });
      }),
    );
  }

  show(document: vscode.TextDocument): void {
    this.document = document;
    this.panel.title = this.title();
    this.panel.reveal(vscode.ViewColumn.Beside, true);
    this.sendProgram();
  }

  /** The program's file name, or for a lowered schedule its layers (an untitled document's name says nothing). */
  private title(): string {
    return `Simulator: ${loweredName(this.document) ?? this.document.uri.path.split('/').pop()}`;
  }

  postCycle(cycle: number): void {
    this.post({ type: 'debugCycle', cycle });
  }

  private post(m: HostMessage): void {
    if (this.ready) void this.panel.webview.postMessage(m);
  }

  private sendProgram(): void {
    const msg: HostMessage = { type: 'program', text: this.document.getText(), file: fileOf(this.document) };
    // The worker knows the shipped targets; a vta_config.json path is left to the program's own `target` line.
    const target = readSettings(this.document.uri).target;
    if (isShippedTargetName(target) && target !== 'default') msg.target = target;
    this.post(msg);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = parseViewMessage(raw);
    if (!m) return; // not one of ours, or malformed: ignored
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.sendProgram();
        return;
      case 'reveal': {
        const uri = this.resolve(m.file);
        if (!uri) return;
        const doc =
          uri.toString() === this.document.uri.toString()
            ? this.document
            : await vscode.workspace.openTextDocument(uri);
        const line = Math.min(m.line, Math.max(doc.lineCount - 1, 0));
        const range = doc.lineAt(line).range;
        const editor = await vscode.window.showTextDocument(doc, {
          viewColumn: vscode.ViewColumn.One,
          selection: range,
          preserveFocus: false,
        });
        editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
        return;
      }
      case 'export-png': {
        const to = await vscode.window.showSaveDialog({
          filters: { 'PNG image': ['png'] },
          defaultUri: this.sibling('.timeline.png'),
        });
        if (to)
          await vscode.workspace.fs.writeFile(
            to,
            Buffer.from(m.dataUrl.slice('data:image/png;base64,'.length), 'base64'),
          );
        return;
      }
      case 'export-trace': {
        const to = await vscode.window.showSaveDialog({
          filters: { 'Chrome/Perfetto trace': ['json'] },
          defaultUri: this.sibling('.trace.json'),
        });
        if (to) await vscode.workspace.fs.writeFile(to, Buffer.from(m.json, 'utf8'));
        return;
      }
    }
  }

  /** Only the program's own file, or a .vta file next to it or in the workspace (an include), may be revealed. */
  private resolve(file: string): vscode.Uri | undefined {
    if (file === fileOf(this.document)) return this.document.uri;
    let uri: vscode.Uri;
    try {
      uri =
        /^[a-z][a-z0-9+.-]+:/i.test(file) && !/^[a-z]:[\\/]/i.test(file)
          ? vscode.Uri.parse(file, true)
          : vscode.Uri.file(file);
    } catch {
      return undefined;
    }
    if (!/\.(vta|vtasched)$/i.test(uri.path)) return undefined;
    return uri;
  }

  private sibling(suffix: string): vscode.Uri | undefined {
    return this.document.uri.scheme === 'file'
      ? vscode.Uri.file(this.document.uri.fsPath.replace(/\.[^./\\]+$/, '') + suffix)
      : undefined;
  }

  private dispose(): void {
    current = undefined;
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}
