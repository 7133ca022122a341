/**
 * The commands that run the core directly in the extension host: Assemble,
 * Disassemble a Binary, Import a TVM Dump. (Checking goes through the language
 * server and the `vta check` task.)
 */
import * as vscode from 'vscode';
import { count, num } from '../core/lang/count';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { assembleText, decodeStream, disassemble, importTvmDump, type AssembleResult } from '../core/asm';
import { layoutJson } from '../core/asm/layout-json';
import { formatDiagnostic } from '../core/lang/diagnostic';
import { checkProgram } from '../core/analysis/check';
import { encodeProgram, shippedTarget } from '../core/isa';
import { nodeHost } from '../server/node-host';
import { readSettings, settingFallbackTarget, settingTarget } from './settings';

/** Assembles a document's current text, using the vta.target setting when the file has no `target` line. */
export function assembleDocument(doc: vscode.TextDocument): AssembleResult {
  const file = doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString();
  const text = doc.getText();
  // An untitled document resolves its relative paths against the workspace folder.
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
  const host =
    doc.uri.scheme === 'file'
      ? nodeHost
      : {
          ...nodeHost,
          resolve: (from: string, rel: string) =>
            nodeHost.resolve(from === file ? join(root, 'untitled.vta') : from, rel),
        };
  // The setting applies only to programs without a `target` line (the assembler's fallback).
  const fallbackTarget = settingFallbackTarget(doc.uri);
  return assembleText(text, { file, host, fallbackTarget });
}

function activeVtaDocument(uri?: vscode.Uri): Thenable<vscode.TextDocument | undefined> {
  if (uri instanceof vscode.Uri) return vscode.workspace.openTextDocument(uri);
  const ed = vscode.window.activeTextEditor;
  if (ed && ed.document.languageId === 'vta') return Promise.resolve(ed.document);
  void vscode.window.showWarningMessage('VTA: open a .vta file first.');
  return Promise.resolve(undefined);
}

/** VTA: Assemble / VTA: Assemble to Folder…: writes NAME.insn.bin, NAME.dram.bin and NAME.layout.json. */
export async function assembleCommand(
  output: vscode.OutputChannel,
  uri: vscode.Uri | undefined,
  chooseFolder: boolean,
): Promise<string[] | undefined> {
  const doc = await activeVtaDocument(uri);
  if (!doc) return undefined;
  let outDir = doc.uri.scheme === 'file' ? dirname(doc.uri.fsPath) : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (chooseFolder || !outDir) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      openLabel: 'Assemble Here',
      defaultUri: outDir ? vscode.Uri.file(outDir) : undefined,
    });
    if (!picked?.[0]) return undefined;
    outDir = picked[0].fsPath;
  }
  let r: AssembleResult;
  try {
    r = assembleDocument(doc);
  } catch (e) {
    void vscode.window.showErrorMessage(`VTA: ${(e as Error).message}`);
    return undefined;
  }
  const name = basename(doc.uri.path).replace(/\.vta$/, '') || 'program';
  const blocking = !r.program || r.diagnostics.some((d) => d.severity === 'error' && d.code !== 'vta.range.store-pad');
  const diags = r.program ? checkProgram(r.program, doc.uri.fsPath, r.diagnostics) : r.diagnostics;
  output.appendLine(`— assemble ${doc.uri.fsPath}`);
  for (const d of diags) output.appendLine(formatDiagnostic(d));
  if (blocking) {
    output.show(true);
    void vscode.window.showErrorMessage(`VTA: ${name}.vta was not assembled: it has errors (see Problems).`);
    return undefined;
  }
  const p = r.program!;
  mkdirSync(outDir, { recursive: true });
  const files = [
    join(outDir, `${name}.insn.bin`),
    join(outDir, `${name}.dram.bin`),
    join(outDir, `${name}.layout.json`),
  ];
  writeFileSync(
    files[0]!,
    encodeProgram(
      p.target,
      p.insns.map((x) => x.insn),
    ),
  );
  writeFileSync(files[1]!, p.dram);
  writeFileSync(files[2]!, JSON.stringify(layoutJson(p), null, 2) + '\n');
  const msg = `VTA: wrote ${count(p.insns.length, 'instruction')} (${num(p.insns.length * 16)} B) and a ${num(p.dram.length)} B DRAM image to ${relative(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? outDir, outDir) || outDir}`;
  output.appendLine(msg);
  void vscode.window.showInformationMessage(msg, 'Open Layout').then((a) => {
    if (a) void vscode.window.showTextDocument(vscode.Uri.file(files[2]!));
  });
  return files;
}

/** VTA: Disassemble a Binary: X.insn.bin (+ X.dram.bin beside it, if present) → an untitled .vta editor. */
export async function disassembleCommand(
  output: vscode.OutputChannel,
  uri?: vscode.Uri,
): Promise<vscode.TextDocument | undefined> {
  let insnUri = uri instanceof vscode.Uri ? uri : undefined;
  if (!insnUri) {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: 'Disassemble',
      filters: { 'VTA instruction stream': ['bin'], 'All files': ['*'] },
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    insnUri = picked?.[0];
    if (!insnUri) return undefined;
  }
  const insnPath = insnUri.fsPath;
  let dramPath: string | undefined;
  if (/\.insn\.bin$/.test(insnPath)) {
    const sibling = insnPath.replace(/\.insn\.bin$/, '.dram.bin');
    if (existsSync(sibling)) dramPath = sibling;
  }
  try {
    const target = settingTarget(insnUri);
    const bytes = new Uint8Array(readFileSync(insnPath));
    const dram = dramPath ? new Uint8Array(readFileSync(dramPath)) : undefined;
    const s = decodeStream(target, bytes, insnPath);
    const name = readSettings(insnUri).target;
    const r = disassemble(s.insns, {
      target,
      targetText: shippedTarget(name) ? name : JSON.stringify(name),
      dram,
      imagePath: dramPath,
      title: `disassembled from ${basename(insnPath)}`,
    });
    output.appendLine(`— disassemble ${insnPath}${dramPath ? ` with ${dramPath}` : ''}`);
    for (const d of s.diagnostics) output.appendLine(formatDiagnostic(d));
    for (const p of r.problems)
      output.appendLine(
        `${insnPath}:${p.index + 1}:1: error vta.binary.unrepresentable: instruction ${p.index}: ${p.message}`,
      );
    if (r.problems.length || s.diagnostics.length) {
      output.show(true);
      void vscode.window.showWarningMessage(
        `VTA: ${count(s.diagnostics.length + r.problems.length, 'problem')} while disassembling (see the VTA output).`,
      );
    }
    const doc = await vscode.workspace.openTextDocument({ language: 'vta', content: r.text });
    await vscode.window.showTextDocument(doc);
    return doc;
  } catch (e) {
    void vscode.window.showErrorMessage(`VTA: cannot disassemble ${basename(insnPath)}: ${(e as Error).message}`);
    return undefined;
  }
}

/** VTA: Import a TVM Dump: a runtime / test-library debug log → an untitled .vta editor. */
export async function importDumpCommand(
  output: vscode.OutputChannel,
  uri?: vscode.Uri,
): Promise<vscode.TextDocument | undefined> {
  let text: string;
  let label: string;
  const ed = vscode.window.activeTextEditor;
  if (uri instanceof vscode.Uri) {
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    label = basename(uri.path);
  } else if (ed && ed.document.languageId !== 'vta' && /INSTRUCTION\s+\d+\s*:/.test(ed.document.getText())) {
    text = ed.document.getText();
    label = basename(ed.document.uri.path);
  } else {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: 'Import Dump',
      filters: { 'TVM debug log': ['log', 'txt'], 'All files': ['*'] },
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    if (!picked?.[0]) return undefined;
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(picked[0]));
    label = basename(picked[0].path);
  }
  let target;
  try {
    target = settingTarget(uri ?? ed?.document.uri);
  } catch (e) {
    void vscode.window.showErrorMessage(`VTA: ${(e as Error).message}`);
    return undefined;
  }
  const name = readSettings().target;
  const r = importTvmDump(
    text,
    target,
    `imported from the TVM dump ${label}`,
    shippedTarget(name) ? name : JSON.stringify(name),
  );
  const dump = r.parsed;
  output.appendLine(
    `— import ${label}: ${count(dump.instructions.length, 'instruction')}, ${count(dump.uopKernels.length, 'micro-op kernel')} (${dump.variant} format)`,
  );
  for (const d of dump.diagnostics)
    output.appendLine(`${label}:${d.line + 1}:${d.character + 1}: ${d.severity} ${d.code}: ${d.message}`);
  if (!dump.instructions.length) {
    output.show(true);
    void vscode.window.showErrorMessage(`VTA: no VTA instruction dump found in ${label}.`);
    return undefined;
  }
  for (const p of r.problems) output.appendLine(`${label}: instruction ${p.index}: ${p.message}`);
  const errors = dump.diagnostics.filter((d) => d.severity === 'error').length + r.problems.length;
  if (errors) {
    output.show(true);
    void vscode.window.showWarningMessage(
      `VTA: imported ${count(dump.instructions.length, 'instruction')} with ${count(errors, 'error')} (see the VTA output).`,
    );
  }
  const doc = await vscode.workspace.openTextDocument({ language: 'vta', content: r.text });
  await vscode.window.showTextDocument(doc);
  return doc;
}
