/** The extension's settings (package.json `contributes.configuration`), read in one place. */
import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ConfigError, SHIPPED_TARGET_NAMES, shippedTarget, targetFromJson, type VtaTarget } from '../core/isa';
import { DEFAULT_MAX_DIAGNOSTICS } from '../core/lang/findings';

export type DiagnosticTiers = 'all' | 'fast';

export interface VtaSettings {
  /** A shipped target name or a path to a vta_config.json. */
  target: string;
  tiers: DiagnosticTiers;
  /** At most this many diagnostics per document (vta.diagnostics.max). */
  maxDiagnostics: number;
  rerunOnSave: boolean;
}

export function readSettings(scope?: vscode.ConfigurationScope): VtaSettings {
  const c = vscode.workspace.getConfiguration('vta', scope);
  const tiers = c.get<string>('diagnostics.tiers', 'all');
  return {
    target: (c.get<string>('target', 'default') || 'default').trim(),
    tiers: tiers === 'fast' ? 'fast' : 'all',
    maxDiagnostics: c.get<number>('diagnostics.max', DEFAULT_MAX_DIAGNOSTICS),
    rerunOnSave: c.get<boolean>('simulator.rerunOnSave', true),
  };
}

export function isShippedTargetName(name: string): boolean {
  return (SHIPPED_TARGET_NAMES as readonly string[]).includes(name);
}

/**
 * The target the `vta.target` setting names, for programs without a `target` line
 * (and for binaries and dumps, which carry none). A relative JSON path is resolved
 * against the document's workspace folder. Throws a readable Error when unusable.
 */
export function settingTarget(scope?: vscode.Uri): VtaTarget {
  const name = readSettings(scope).target;
  const shipped = shippedTarget(name);
  if (shipped) return shipped;
  const folder = scope ? vscode.workspace.getWorkspaceFolder(scope) : vscode.workspace.workspaceFolders?.[0];
  const path = isAbsolute(name) ? name : join(folder?.uri.fsPath ?? process.cwd(), name);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`vta.target '${name}' is neither a shipped target (${SHIPPED_TARGET_NAMES.join(', ')}) nor a readable vta_config.json`);
  }
  try {
    return targetFromJson(text, name);
  } catch (e) {
    if (e instanceof ConfigError) throw new Error(`vta.target '${name}': ${e.message}`);
    throw e;
  }
}
