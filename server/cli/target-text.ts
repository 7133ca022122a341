/**
 * The `target` line a command writes into a `.vta` it generates: a shipped name as
 * it is, a vta_config.json path quoted and relative to the file written (or as given
 * when the text goes to standard output).
 */
import { dirname, relative, resolve, sep } from 'node:path';
import { shippedTarget } from '../../core/isa';

export function targetLineText(value: string | undefined, cwd: string, outAbs?: string): string {
  if (value === undefined) return 'default';
  if (shippedTarget(value)) return value;
  const path = outAbs ? relative(dirname(outAbs), resolve(cwd, value)).split(sep).join('/') : value;
  return JSON.stringify(path);
}
