/**
 * TVM's VTA model string, `pynq_1x16_i8w8a32_15_15_18_17`: the TARGET, BATCH x BLOCK,
 * the input/weight/accumulator widths in bits, then LOG_UOP/INP/WGT/ACC_BUFF_SIZE.
 * It is what `Environment.model` prints and what AutoTVM logs carry as `-model=`;
 * HW_VER is not part of it (the stock 0.0.2 is taken).
 */
import { DEFAULT_CONFIG_KEYS, type VtaConfigKeys, type VtaTarget } from './config';
import { deriveTarget } from './target';

const MODEL =
  /^([A-Za-z][A-Za-z0-9]*)_([0-9]+)x([0-9]+)_i([0-9]+)w([0-9]+)a([0-9]+)_([0-9]+)_([0-9]+)_([0-9]+)_([0-9]+)$/;

/** log2 of a power of two, or undefined. */
function log2Exact(n: number): number | undefined {
  if (!Number.isSafeInteger(n) || n < 1 || (n & (n - 1)) !== 0) return undefined;
  return Math.round(Math.log2(n));
}

/** The configuration keys a model string names, or why it is not one. */
export function configKeysOfModel(model: string): { keys: VtaConfigKeys } | { message: string } {
  const m = MODEL.exec(model);
  if (!m)
    return {
      message: `'${model}' is not a VTA model string (TARGET_BATCHxBLOCK_iIwWaA_UOP_INP_WGT_ACC, e.g. pynq_1x16_i8w8a32_15_15_18_17)`,
    };
  const [, target, batch, block, inp, wgt, acc, uop, inpBuf, wgtBuf, accBuf] = m;
  const logs: Array<[string, string, number | undefined]> = [
    ['BATCH', batch!, log2Exact(Number(batch))],
    ['BLOCK', block!, log2Exact(Number(block))],
    ['input width', inp!, log2Exact(Number(inp))],
    ['weight width', wgt!, log2Exact(Number(wgt))],
    ['accumulator width', acc!, log2Exact(Number(acc))],
  ];
  const bad = logs.find(([, , v]) => v === undefined);
  if (bad) return { message: `${model}: the ${bad[0]} ${bad[1]} is not a power of two` };
  return {
    keys: {
      ...DEFAULT_CONFIG_KEYS,
      TARGET: target!,
      LOG_BATCH: logs[0]![2]!,
      LOG_BLOCK: logs[1]![2]!,
      LOG_INP_WIDTH: logs[2]![2]!,
      LOG_WGT_WIDTH: logs[3]![2]!,
      LOG_ACC_WIDTH: logs[4]![2]!,
      LOG_UOP_BUFF_SIZE: Number(uop),
      LOG_INP_BUFF_SIZE: Number(inpBuf),
      LOG_WGT_BUFF_SIZE: Number(wgtBuf),
      LOG_ACC_BUFF_SIZE: Number(accBuf),
    },
  };
}

/** Whether a name looks like a model string (rather than a shipped target's name). */
export function isModelString(name: string): boolean {
  return MODEL.test(name);
}

/** The target a model string names (deriveTarget's ConfigError for impossible sizes). */
export function targetOfModel(model: string): VtaTarget | { message: string } {
  const r = configKeysOfModel(model);
  return 'keys' in r ? deriveTarget(model, r.keys) : r;
}

/** A target's model string, as TVM prints it (`pynq_1x16_i8w8a32_15_15_18_17`). */
export function modelStringOf(t: VtaTarget): string {
  return `${t.keys.TARGET}_${t.bitstream}`;
}
