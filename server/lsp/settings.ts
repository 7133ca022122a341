/**
 * The client's settings as the server sees them: `initializationOptions`
 * (`{ target, diagnostics: { tiers, max, maxInstructions } }`) at start-up, then whatever
 * `workspace/didChangeConfiguration` carries (VS Code's `synchronize.configurationSection:
 * 'vta'` sends `{ settings: { vta: { target, diagnostics: { tiers }, … } } }`).
 */
import { SHIPPED_TARGET_NAMES, type VtaTarget } from '../../core/isa';
import { readTargetSetting } from '../../core/asm/target-spec';
import { nodeHost } from '../node-host';
import { DEFAULT_MAX_DIAGNOSTICS } from '../../core/lang/findings';
import { EDITOR_MAX_INSTRUCTIONS, MAX_INSTRUCTIONS } from '../../core/asm/limits';

export type DiagnosticTiers = 'all' | 'fast';

export interface ServerSettings {
  /** A shipped target name or a path to a vta_config.json, for files without a `target` line. */
  target: string;
  tiers: DiagnosticTiers;
  /** At most this many diagnostics per document (`diagnostics.max`). */
  maxDiagnostics: number;
  /** The checks expand a program to at most this many instructions (`diagnostics.maxInstructions`). */
  maxInstructions: number;
}

export const DEFAULT_SETTINGS: ServerSettings = {
  target: 'default',
  tiers: 'all',
  maxDiagnostics: DEFAULT_MAX_DIAGNOSTICS,
  maxInstructions: EDITOR_MAX_INSTRUCTIONS,
};

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Reads a settings object (`{ target?, diagnostics?: { tiers? } }`, or the flat
 * `{ 'diagnostics.tiers' }` form) over `prev`: a key that is absent keeps its value.
 * Returns warnings for values that cannot be used (they fall back to the defaults).
 */
export function readSettings(raw: unknown, prev: ServerSettings): { settings: ServerSettings; warnings: string[] } {
  const settings = { ...prev };
  const warnings: string[] = [];
  if (!isObject(raw)) return { settings, warnings };
  if ('target' in raw && raw.target !== undefined && raw.target !== null) {
    if (typeof raw.target === 'string') settings.target = raw.target.trim() || 'default';
    else {
      warnings.push(`VTA: the target setting must be a string; using 'default'.`);
      settings.target = 'default';
    }
  }
  const tiers =
    isObject(raw.diagnostics) && 'tiers' in raw.diagnostics ? raw.diagnostics.tiers : raw['diagnostics.tiers'];
  if (tiers !== undefined && tiers !== null) {
    if (tiers === 'all' || tiers === 'fast') settings.tiers = tiers;
    else {
      warnings.push(`VTA: unknown diagnostics tiers ${JSON.stringify(tiers)} (expected 'all' or 'fast'); using 'all'.`);
      settings.tiers = 'all';
    }
  }
  const max = isObject(raw.diagnostics) && 'max' in raw.diagnostics ? raw.diagnostics.max : raw['diagnostics.max'];
  if (max !== undefined && max !== null) {
    if (typeof max === 'number' && Number.isSafeInteger(max) && max >= 1) settings.maxDiagnostics = max;
    else {
      warnings.push(
        `VTA: diagnostics.max must be a positive integer, not ${JSON.stringify(max)}; using ${DEFAULT_MAX_DIAGNOSTICS}.`,
      );
      settings.maxDiagnostics = DEFAULT_MAX_DIAGNOSTICS;
    }
  }
  const maxInsns =
    isObject(raw.diagnostics) && 'maxInstructions' in raw.diagnostics
      ? raw.diagnostics.maxInstructions
      : raw['diagnostics.maxInstructions'];
  if (maxInsns !== undefined && maxInsns !== null) {
    if (typeof maxInsns === 'number' && Number.isSafeInteger(maxInsns) && maxInsns >= 1 && maxInsns <= MAX_INSTRUCTIONS)
      settings.maxInstructions = maxInsns;
    else {
      warnings.push(
        `VTA: diagnostics.maxInstructions must be an integer from 1 to ${MAX_INSTRUCTIONS}, not ${JSON.stringify(maxInsns)}; using ${EDITOR_MAX_INSTRUCTIONS}.`,
      );
      settings.maxInstructions = EDITOR_MAX_INSTRUCTIONS;
    }
  }
  return { settings, warnings };
}

export interface ResolvedTarget {
  /** The target that overrides the default for files without a `target` line; undefined means `default`. */
  target?: VtaTarget;
  /** Why the setting could not be used (the server then uses `default`). */
  warning?: string;
}

/**
 * Resolves the target setting: a shipped name, or a vta_config.json path (a relative
 * one against the first workspace folder, else the server's working directory).
 */
export function resolveSettingTarget(name: string, roots: readonly string[]): ResolvedTarget {
  if (name === 'default') return {};
  const r = readTargetSetting(name, nodeHost, roots[0] ?? process.cwd());
  if ('target' in r) return { target: r.target };
  return {
    warning: `VTA: the target setting ${r.problem === 'config' ? `'${name}' is not a usable vta_config.json (${r.message})` : r.message}; files without a \`target\` line use 'default'.`,
  };
}

/** True when the target setting names a file (it may change on disk). */
export function isTargetPath(name: string): boolean {
  return !(SHIPPED_TARGET_NAMES as readonly string[]).includes(name);
}
