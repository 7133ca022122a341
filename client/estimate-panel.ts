/**
 * VTA: Network Estimate — the table of one network's estimate (a network's code lens
 * passes it, computed by the language server from the layers' estimates) in a webview
 * beside the schedule: sortable, the slowest lines first. One panel, replaced on each open.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { estimateHtml } from '../webviews/estimate/html';
import type { NetworkEstimateJson } from '../core/schedule/network';

let panel: vscode.WebviewPanel | undefined;

export function showNetworkEstimate(
  context: vscode.ExtensionContext,
  uri: unknown,
  network: unknown,
  estimate: unknown,
): void {
  if (
    typeof network !== 'string' ||
    typeof estimate !== 'object' ||
    estimate === null ||
    !Array.isArray((estimate as NetworkEstimateJson).rows)
  ) {
    void vscode.window.showWarningMessage("VTA: open a network's estimate from the code lens above it.");
    return;
  }
  const file = typeof uri === 'string' ? basename(vscode.Uri.parse(uri).fsPath) : '';
  const scripts = vscode.Uri.joinPath(context.extensionUri, 'dist', 'webviews');
  const media = vscode.Uri.joinPath(context.extensionUri, 'media');
  if (!panel) {
    panel = vscode.window.createWebviewPanel(
      'vta.networkEstimate',
      '',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        enableScripts: true,
        localResourceRoots: [scripts, media],
      },
    );
    panel.onDidDispose(
      () => {
        panel = undefined;
      },
      undefined,
      context.subscriptions,
    );
  }
  panel.title = `Estimate: ${network}`;
  panel.webview.html = estimateHtml({
    cspSource: panel.webview.cspSource,
    nonce: randomBytes(18).toString('base64'),
    scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(scripts, 'estimate.js')).toString(),
    styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'estimate.css')).toString(),
    estimate: estimate as NetworkEstimateJson,
    file,
  });
  panel.reveal(vscode.ViewColumn.Beside, true);
}
