/**
 * Running aggregates that are kept whatever the trace limits: they make the
 * summary and utilisation figures exact even when the trace was capped.
 */
export const S = {
  /** executed instructions per module: 0..2 */
  EXEC: 0,
  /** busy time per module (instruction start to end): 3..5 */
  BUSY: 3,
  /** stall time per module × cause (token, dram, fetch): 6..14 */
  STALL: 6,
  GEMM_ITERS: 15,
  GEMM_RESET_ITERS: 16,
  /** cycles the GEMM core issues micro-ops */
  GEMM_BUSY: 17,
  ALU_ITERS: 18,
  ALU_BUSY: 19,
  DRAM_READ: 20,
  DRAM_WRITE: 21,
  /** cycles with a beat on the DRAM data bus */
  BUS_BUSY: 22,
  FETCH_BYTES: 23,
  SIZE: 24,
} as const;

export const stallSlot = (module: number, cause: number): number => S.STALL + module * 3 + cause;
