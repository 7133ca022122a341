// Facts the ISA tests check against, written out once from the hardware document
// (vta-isa.md §1.1) rather than taken from core/isa, so that the oracle stays
// independent of the code under test, and once for every test that needs it.

/** §1.1's table of the default `config/vta_config.json`, key by key. */
const DOC_DEFAULT_CONFIG = {
  TARGET: 'sim',
  HW_VER: '0.0.2',
  LOG_INP_WIDTH: 3,
  LOG_WGT_WIDTH: 3,
  LOG_ACC_WIDTH: 5,
  LOG_BATCH: 0,
  LOG_BLOCK: 4,
  LOG_UOP_BUFF_SIZE: 15,
  LOG_INP_BUFF_SIZE: 15,
  LOG_WGT_BUFF_SIZE: 18,
  LOG_ACC_BUFF_SIZE: 17,
} as const;

/** A fresh copy of the default `vta_config.json` as a JSON object (callers may change it). */
export function docDefaultConfigJson(): Record<string, string | number> {
  return { ...DOC_DEFAULT_CONFIG };
}
