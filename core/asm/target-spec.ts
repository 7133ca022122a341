/**
 * A `target` line's value, `NAME` or `"path/vta_config.json"`, turned into a target:
 * the one reading that `.vta` programs and `.vtasched` schedules share.
 */
import { ConfigError, SHIPPED_TARGET_NAMES, type VtaTarget } from '../isa/config';
import { shippedTarget, targetFromJson } from '../isa/target';
import { isModelString, targetOfModel } from '../isa/model-string';
import type { AsmHost } from './host';

export type TargetSpecResult =
  | { target: VtaTarget }
  /** `name`: not a shipped target; `file`: unreadable; `config`: not a usable vta_config.json. */
  | { problem: 'name' | 'file' | 'config'; message: string };

export function readTargetSpec(
  spec: { name: string } | { path: string },
  host: AsmHost,
  fromFile: string,
): TargetSpecResult {
  if ('name' in spec) {
    const target = shippedTarget(spec.name);
    if (target) return { target };
    // TVM's model string (`pynq_1x16_i8w8a32_15_15_18_17`), as AutoTVM logs name their target.
    if (isModelString(spec.name)) {
      try {
        const t = targetOfModel(spec.name);
        return 'message' in t ? { problem: 'config', message: t.message } : { target: t };
      } catch (e) {
        if (e instanceof ConfigError) return { problem: 'config', message: e.message };
        throw e;
      }
    }
    return {
      problem: 'name',
      message: `unknown target '${spec.name}': expected ${SHIPPED_TARGET_NAMES.join(', ')}, a TVM model string (pynq_1x16_i8w8a32_15_15_18_17) or a "path/vta_config.json"`,
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

/**
 * A target given outside any source file — the `--target` option, the `vta.target`
 * setting, a launch configuration: a shipped name, or a vta_config.json path relative
 * to `baseDir`. The one reading every front end shares; each words the problem its way.
 */
export function readTargetSetting(value: string, host: AsmHost, baseDir: string): TargetSpecResult {
  const name = value.trim();
  if (shippedTarget(name)) return readTargetSpec({ name }, host, '');
  const r = readTargetSpec({ path: name }, host, `${baseDir.replace(/[\\/]+$/, '')}/.`);
  if ('problem' in r && r.problem === 'file') {
    return {
      problem: 'file',
      message: `'${name}' is neither a shipped target (${SHIPPED_TARGET_NAMES.join(', ')}) nor a readable vta_config.json (${r.message})`,
    };
  }
  return r;
}
