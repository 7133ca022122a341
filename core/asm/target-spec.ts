/**
 * A `target` line's value, `NAME` or `"path/vta_config.json"`, turned into a target:
 * the one reading that `.vta` programs and `.vtasched` schedules share.
 */
import { ConfigError, SHIPPED_TARGET_NAMES, type VtaTarget } from '../isa/config';
import { shippedTarget, targetFromJson } from '../isa/target';
import type { AsmHost } from './host';

export type TargetSpecResult =
  | { target: VtaTarget }
  /** `name`: not a shipped target; `file`: unreadable; `config`: not a usable vta_config.json. */
  | { problem: 'name' | 'file' | 'config'; message: string };

export function readTargetSpec(spec: { name: string } | { path: string }, host: AsmHost, fromFile: string): TargetSpecResult {
  if ('name' in spec) {
    const target = shippedTarget(spec.name);
    return target ? { target } : {
      problem: 'name',
      message: `unknown target '${spec.name}': expected ${SHIPPED_TARGET_NAMES.join(', ')} or a "path/vta_config.json"`,
    };
  }
  const path = host.resolve(fromFile, spec.path);
  const text = host.readText(path);
  if (text === undefined) return { problem: 'file', message: `cannot read '${spec.path}' (resolved to ${path})` };
  try {
    return { target: targetFromJson(text, spec.path) };
  } catch (e) {
    if (e instanceof ConfigError) return { problem: 'config', message: e.message };
    throw e;
  }
}
