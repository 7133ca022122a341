/**
 * VTA: Explore Design Space — the sweep of `vta explore` for the schedule in the editor:
 * pick a space file, the designs are evaluated on worker threads (with progress, and
 * cancellable from the notification or the view), and shown as they come in a webview
 * scatter plot. A click on a design writes its vta_config.json and tuned schedule into
 * `vta-designs/design-N/` beside the schedule (new files only) and opens them.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import {
  designConfigJson,
  designsOf,
  designSchedule,
  markPareto,
  readSpace,
  SpaceError,
  sweptNetwork,
  type DesignResult,
} from '../core/schedule/explore';
import { parseSchedule } from '../core/schedule';
import { exploreHtml } from '../webviews/explore/html';
import { parseExploreViewMessage, type ExploreHostMessage } from '../webviews/explore/protocol';
import { cancelSweep, runDesigns, type SweepSignal } from '../server/explore-run';

async function pickSpace(near: vscode.Uri): Promise<vscode.Uri | undefined> {
  const found = await vscode.workspace.findFiles('**/*space*.json', '**/node_modules/**', 50);
  const browse = '$(folder-opened) Choose a space file…';
  const items = [
    ...found.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u as vscode.Uri | undefined })),
    { label: browse, uri: undefined },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: 'VTA: Explore Design Space',
    placeHolder: 'The design space: a JSON file of vta_config.json keys with lists of values, clockMHz and fpga',
  });
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  const chosen = await vscode.window.showOpenDialog({
    canSelectMany: false,
    filters: { 'Design space': ['json'] },
    defaultUri: vscode.Uri.file(dirname(near.fsPath)),
  });
  return chosen?.[0];
}

export async function exploreDesignsCommand(context: vscode.ExtensionContext): Promise<void> {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || doc.languageId !== 'vtasched') {
    void vscode.window.showWarningMessage(
      'VTA: open a .vtasched schedule first: its layers are the network whose designs are explored.',
    );
    return;
  }
  const swept = sweptNetwork(parseSchedule(doc.getText()), basename(doc.uri.path));
  if (swept.problems.length || !swept.layers.length) {
    void vscode.window.showErrorMessage(
      `VTA: ${swept.problems.length ? `fix the layers' shapes and the network first (${swept.problems[0]!.message})` : 'the schedule has no layer to explore'}.`,
    );
    return;
  }
  const spaceUri = await pickSpace(doc.uri);
  if (!spaceUri) return;
  let space;
  try {
    space = readSpace(JSON.parse(readFileSync(spaceUri.fsPath, 'utf8')));
  } catch (e) {
    if (e instanceof SpaceError || e instanceof SyntaxError) {
      void vscode.window.showErrorMessage(`VTA: ${vscode.workspace.asRelativePath(spaceUri)}: ${e.message}`);
      return;
    }
    throw e;
  }
  const designs = designsOf(space);
  const source = doc.getText();
  const scheduleFile = doc.uri;
  const results = new Map<number, DesignResult>();
  const signal: SweepSignal = { cancelled: false, workers: [] };
  const panel = vscode.window.createWebviewPanel(
    'vta.explore',
    `Designs: ${basename(doc.uri.path)}`,
    vscode.ViewColumn.Beside,
    {
      enableScripts: true,
      retainContextWhenHidden: true,
      enableCommandUris: false,
      localResourceRoots: [
        vscode.Uri.joinPath(context.extensionUri, 'media'),
        vscode.Uri.joinPath(context.extensionUri, 'dist', 'webviews'),
      ],
    },
  );
  const w = panel.webview;
  w.html = exploreHtml({
    cspSource: w.cspSource,
    nonce: randomBytes(18).toString('base64'),
    scriptUri: w.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'webviews', 'explore.js')).toString(),
    styleUri: w.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'media', 'explore.css')).toString(),
  });
  const post = (m: ExploreHostMessage) => void w.postMessage(m);
  let ready: () => void = () => undefined;
  const isReady = new Promise<void>((r) => {
    ready = r;
  });
  panel.onDidDispose(() => cancelSweep(signal));
  w.onDidReceiveMessage(async (raw: unknown) => {
    const m = parseExploreViewMessage(raw);
    if (!m) return;
    if (m.type === 'ready') ready();
    else if (m.type === 'cancel') cancelSweep(signal);
    else if (m.type === 'open') {
      const d = results.get(m.index);
      if (d) await openDesign(scheduleFile, source, d);
    }
  });
  await isReady;
  post({
    type: 'start',
    total: designs.length,
    fpga: space.fpga.description,
    network: swept.name === basename(doc.uri.path) ? swept.name : `${swept.name} (${basename(doc.uri.path)})`,
    budget: { bram: space.fpga.bram, dsp: space.fpga.dsp },
  });
  const network = swept.layers;
  await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `VTA: exploring ${designs.length} designs`,
      cancellable: true,
    },
    async (progress, token) => {
      token.onCancellationRequested(() => cancelSweep(signal));
      let pending: DesignResult[] = [];
      const flush = () => {
        if (pending.length) {
          post({ type: 'designs', designs: pending });
          pending = [];
        }
      };
      const timer = setInterval(flush, 250);
      try {
        await runDesigns(
          designs,
          space.fpga,
          network,
          availableParallelism(),
          (r) => {
            results.set(r.index, r);
            pending.push(r);
            progress.report({ increment: 100 / designs.length, message: `${results.size} of ${designs.length}` });
          },
          signal,
        );
      } finally {
        clearInterval(timer);
        flush();
      }
    },
  );
  const all = markPareto([...results.values()].sort((a, b) => a.index - b.index));
  post({ type: 'done', designs: all, cancelled: signal.cancelled });
}

/** Writes design N's config and tuned schedule beside the schedule (never over a file that differs) and opens both. */
async function openDesign(scheduleUri: vscode.Uri, source: string, d: DesignResult): Promise<void> {
  const dir = join(dirname(scheduleUri.fsPath), 'vta-designs', `design-${d.index}`);
  const files = [
    { path: join(dir, 'vta_config.json'), text: `${JSON.stringify(designConfigJson(d), null, 2)}\n` },
    {
      path: join(dir, basename(scheduleUri.fsPath)),
      text: `; Design ${d.index} of a sweep (VTA: Explore Design Space), clock ${d.clockMHz} MHz: each layer with its tuned knobs.\n${designSchedule(source, parseSchedule(source), d)}`,
    },
  ];
  mkdirSync(dir, { recursive: true });
  const kept: string[] = [];
  for (const f of files) {
    if (existsSync(f.path) && readFileSync(f.path, 'utf8') !== f.text) kept.push(basename(f.path));
    else writeFileSync(f.path, f.text);
  }
  if (kept.length)
    void vscode.window.showInformationMessage(
      `VTA: ${kept.join(' and ')} in ${vscode.workspace.asRelativePath(dir)} differ from design ${d.index}'s and were left as they are.`,
    );
  await vscode.window.showTextDocument(vscode.Uri.file(files[0]!.path), {
    viewColumn: vscode.ViewColumn.One,
    preview: false,
  });
  await vscode.window.showTextDocument(vscode.Uri.file(files[1]!.path), {
    viewColumn: vscode.ViewColumn.One,
    preview: false,
  });
}
