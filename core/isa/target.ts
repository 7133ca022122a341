/**
 * Targets as every tool gets them: the sizes derived from the configuration keys
 * (config.ts), then checked against the instruction formats (fields.ts). Kept apart
 * from both so that neither imports the other.
 */
import {
  BOARDS,
  ConfigError,
  DEFAULT_CONFIG_KEYS,
  deriveSizes,
  readConfigKeys,
  type BoardParams,
  type VtaConfigKeys,
  type VtaTarget,
} from './config';
import { checkEncodable } from './fields';

/** Every quantity of vta-isa.md §1.2, for a configuration the hardware can encode. */
export function deriveTarget(name: string, keys: VtaConfigKeys, boardOverride?: BoardParams): VtaTarget {
  const t = deriveSizes(name, keys, boardOverride);
  checkEncodable(t);
  return t;
}

/**
 * Resolves a shipped target name. `default` is the stock configuration
 * (TARGET sim, HW_VER 0.0.2). Every shipped sample uses the stock numbers; the
 * zcu104 sample's HW_VER 0.0.1 is stale (the hardware at that commit encodes 0.0.2),
 * so zcu104 resolves to 0.0.2 here.
 */
export function shippedTarget(name: string): VtaTarget | undefined {
  if (name === 'default') return deriveTarget('default', { ...DEFAULT_CONFIG_KEYS });
  if (!Object.hasOwn(BOARDS, name)) return undefined;
  return deriveTarget(name, { ...DEFAULT_CONFIG_KEYS, TARGET: name });
}

/** Reads a `vta_config.json` text into a target. */
export function targetFromJson(text: string, name: string): VtaTarget {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${name}: not valid JSON (${(e as Error).message})`);
  }
  return deriveTarget(name, readConfigKeys(json, name));
}

let cachedDefault: VtaTarget | undefined;
/** The stock configuration, shared (treat as read-only). */
export function defaultTarget(): VtaTarget {
  return (cachedDefault ??= shippedTarget('default')!);
}
