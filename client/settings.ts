/** The extension's settings (package.json `contributes.configuration`), read in one place. */
import * as vscode from 'vscode';
import { SHIPPED_TARGET_NAMES, type VtaTarget } from '../core/isa';
import { readTargetSetting } from '../core/asm/target-spec';
import { nodeHost } from '../server/node-host';
import { DEFAULT_MAX_DIAGNOSTICS } from '../core/lang/findings';
import { EDITOR_MAX_INSTRUCTIONS } from '../core/asm/limits';

export type DiagnosticTiers = 'all' | 'fast';

export interface VtaSettings {
  /** A shipped target name or a path to a vta_config.json. */
  target: string;
  tiers: DiagnosticTiers;
  /** At most this many diagnostics per document (vta.diagnostics.max). */
  maxDiagnostics: number;
  /** The checks expand a program to at most this many instructions (vta.diagnostics.maxInstructions). */
  maxInstructions: number;
  rerunOnSave: boolean;
}

export function readSettings(scope?: vscode.ConfigurationScope): VtaSettings {
  const c = vscode.workspace.getConfiguration('vta', scope);
  const tiers = c.get<string>('diagnostics.tiers', 'all');
  return {
    target: (c.get<string>('target', 'default') || 'default').trim(),
    tiers: tiers === 'fast' ? 'fast' : 'all',
    maxDiagnostics: c.get<number>('diagnostics.max', DEFAULT_MAX_DIAGNOSTICS),
    maxInstructions: c.get<number>('diagnostics.maxInstructions', EDITOR_MAX_INSTRUCTIONS),
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
/**
 * The target a program or schedule without a `target` line gets from the setting:
 * undefined for "default" (the language's own default). Throws on a setting that
 * names no target, with the setting's name in the message.
 */
export function settingFallbackTarget(scope?: vscode.Uri): VtaTarget | undefined {
  return readSettings(scope).target === 'default' ? undefined : settingTarget(scope);
}

export function settingTarget(scope?: vscode.Uri): VtaTarget {
  const name = readSettings(scope).target;
  const folder = scope ? vscode.workspace.getWorkspaceFolder(scope) : vscode.workspace.workspaceFolders?.[0];
  const r = readTargetSetting(name, nodeHost, folder?.uri.fsPath ?? process.cwd());
  if ('problem' in r) throw new Error(`vta.target ${r.message}`);
  return r.target;
}
