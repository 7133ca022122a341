/**
 * fsim's seven profiler counters (vta-isa.md §5.1), with its exact definitions:
 * LOADs count x_size·y_size·row bytes of their buffer (padding not counted; ACC_8BIT
 * counts full ACC rows), STOREs x_size·y_size·OUT row bytes, GEMM and ALU
 * iter_out·iter_in·(uop_end − uop_bgn), except that reset GEMMs do not count.
 */

/** The JSON keys, in fsim's order. */
export const COUNTER_KEYS = [
  'inp_load_nbytes',
  'wgt_load_nbytes',
  'acc_load_nbytes',
  'uop_load_nbytes',
  'out_store_nbytes',
  'gemm_counter',
  'alu_counter',
] as const;

export type CounterKey = (typeof COUNTER_KEYS)[number];
export type FsimCounters = Record<CounterKey, number>;

export const C_INP = 0,
  C_WGT = 1,
  C_ACC = 2,
  C_UOP = 3,
  C_OUT = 4,
  C_GEMM = 5,
  C_ALU = 6;

/** The counters as a plain object whose key order is fsim's. */
export function countersObject(c: Float64Array): FsimCounters {
  const out = {} as FsimCounters;
  COUNTER_KEYS.forEach((k, i) => {
    out[k] = c[i]!;
  });
  return out;
}
