/**
 * Which `ex->ld` tokens a lowered layer's load module waits for.
 *
 * A load into a region must wait until the compute that last read that region is done.
 * Tokens in a queue carry no identity: the n-th pop takes the n-th push. The compute
 * module pushes one token per step, in step order, so "wait for step p" is "have
 * popped p + 1 tokens in all"; a step whose region's last user is no later than what
 * was already waited for needs no new pop. (Steps of different regions interleave, so
 * a region's last user is not simply the step T back.)
 */
export interface RegionTokens {
  /** Pops (`ex->ld`) before the loads of each step. */
  pops: number[];
  /** Whether each step's compute pushes `ex->ld` (exactly the tokens that are popped). */
  push: boolean[];
}

/** For steps in emission order, each filling and then computing from region `regions[s]`. */
export function regionTokens(regions: readonly number[]): RegionTokens {
  const pops: number[] = new Array(regions.length);
  const lastUse = new Map<number, number>();
  let need = 0; // tokens popped so far
  regions.forEach((region, s) => {
    const next = Math.max(need, (lastUse.get(region) ?? -1) + 1);
    pops[s] = next - need;
    need = next;
    lastUse.set(region, s);
  });
  const push = regions.map((_, s) => s < need);
  return { pops, push };
}
