/**
 * VTA: Lower Schedule — a `.vtasched` file (or one layer of it, from the code lens above
 * the layer) as a `.vta` program in a new untitled editor, ready for Open Simulator
 * and Debug. Nothing is written to disk: the user saves the program where they want.
 */
import * as vscode from 'vscode';
import { basename, join } from 'node:path';
import { lintSchedule, schedDiagnosticIn } from '../core/schedule';
import { formatDiagnostic } from '../core/lang/diagnostic';
import { lowerSchedule } from '../core/schedule';
import { parseSchedule } from '../core/schedule';
import { nodeHost } from '../server/node-host';
import { settingFallbackTarget } from './settings';

/** What each lowered (untitled) program is, for the views that show it: `c2 of resnet18.vtasched`. */
const loweredNames = new WeakMap<vscode.TextDocument, string>();

export function loweredName(doc: vscode.TextDocument): string | undefined {
  return loweredNames.get(doc);
}

async function scheduleDocument(uri: unknown): Promise<vscode.TextDocument | undefined> {
  if (uri instanceof vscode.Uri) return vscode.workspace.openTextDocument(uri);
  if (typeof uri === 'string') return vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  const ed = vscode.window.activeTextEditor;
  if (ed && ed.document.languageId === 'vtasched') return ed.document;
  void vscode.window.showWarningMessage('VTA: open a .vtasched file first.');
  return undefined;
}

export async function lowerScheduleCommand(
  output: vscode.OutputChannel,
  uri?: unknown,
  layer?: string,
): Promise<vscode.TextDocument | undefined> {
  const doc = await scheduleDocument(uri);
  if (!doc) return undefined;
  const file =
    doc.uri.scheme === 'file'
      ? doc.uri.fsPath
      : join(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd(), 'untitled.vtasched');
  const ast = parseSchedule(doc.getText());
  let fallbackTarget;
  try {
    fallbackTarget = settingFallbackTarget(doc.uri);
  } catch (e) {
    void vscode.window.showErrorMessage(`VTA: ${(e as Error).message}`);
    return undefined;
  }
  const lint = lintSchedule(ast, { host: nodeHost, file, fallbackTarget });
  const name = basename(file);
  const r = lowerSchedule(ast, lint, { file: name, layer: typeof layer === 'string' ? layer : undefined });
  output.appendLine(`— lower ${file}${typeof layer === 'string' ? ` (layer ${layer})` : ''}`);
  for (const d of r.diagnostics) output.appendLine(formatDiagnostic(schedDiagnosticIn(file, d)));
  if (r.text === undefined) {
    void vscode.window.showErrorMessage(
      `VTA: nothing to lower: ${r.diagnostics[0]?.message ?? 'the file has no layers'}`,
    );
    return undefined;
  }
  const lowered = await vscode.workspace.openTextDocument({ language: 'vta', content: r.text });
  loweredNames.set(lowered, `${r.layers.join(', ')} of ${name}`);
  await vscode.window.showTextDocument(lowered, { preview: false });
  const left = r.diagnostics.length;
  const msg = `VTA: lowered ${r.layers.join(', ')} from ${name}${left ? `; ${left} layer${left === 1 ? '' : 's'} left out (see the VTA output)` : ''}.`;
  void vscode.window.showInformationMessage(msg);
  return lowered;
}
