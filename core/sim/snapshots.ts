/**
 * Copy-on-write page snapshots of the memories, and the periodic snapshot store
 * behind reverse stepping.
 *
 * A page snapshot is an array of 4 KiB page references; pages not written since the
 * previous snapshot are shared with it, so a snapshot costs the pages written in
 * between. Restoring copies back only the pages that differ from what the live memory
 * currently holds. The initial state needs no copy at all: SRAM pages start as one
 * shared zero page and DRAM pages are views of the program's (never modified) image.
 */
import type { SimMemory } from './memory';
import { PAGE_BYTES, PAGE_SHIFT } from './memory';

export interface PageSnapshot {
  sram: Uint8Array[];
  dram: Uint8Array[];
  /** Bytes of pages this snapshot copied (not shared with its predecessor). */
  ownBytes: number;
}

const ZERO_PAGE = new Uint8Array(PAGE_BYTES);

export class PageTracker {
  /** What live memory equals, except for pages flagged dirty. */
  private base: PageSnapshot;

  constructor(
    private readonly mem: SimMemory,
    initialDram: Uint8Array,
  ) {
    const sram = Array.from({ length: mem.sramDirty.length }, () => ZERO_PAGE);
    const dram = Array.from({ length: mem.dramDirty.length }, (_, p) =>
      initialDram.subarray(p * PAGE_BYTES, (p + 1) * PAGE_BYTES),
    );
    this.base = { sram, dram, ownBytes: 0 };
  }

  get initial(): PageSnapshot {
    return this.base;
  }

  take(): PageSnapshot {
    let own = 0;
    const copy = (live: Uint8Array, dirty: Uint8Array, base: Uint8Array[]) =>
      base.map((page, p) => {
        if (!dirty[p]) return page;
        dirty[p] = 0;
        own += PAGE_BYTES;
        return live.slice(p << PAGE_SHIFT, (p + 1) << PAGE_SHIFT);
      });
    const snap: PageSnapshot = {
      sram: copy(this.mem.sram, this.mem.sramDirty, this.base.sram),
      dram: copy(this.mem.dram, this.mem.dramDirty, this.base.dram),
      ownBytes: 0,
    };
    snap.ownBytes = own;
    this.base = snap;
    return snap;
  }

  restore(snap: PageSnapshot): void {
    // Byte range of the SRAM pages put back, to tell the memory which WGT rows changed.
    let lo = Infinity,
      hi = -Infinity;
    const put = (live: Uint8Array, dirty: Uint8Array, base: Uint8Array[], want: Uint8Array[], sram: boolean) => {
      for (let p = 0; p < want.length; p++) {
        if (dirty[p] || base[p] !== want[p]) {
          live.set(want[p]!, p << PAGE_SHIFT);
          if (sram) {
            lo = Math.min(lo, p << PAGE_SHIFT);
            hi = Math.max(hi, (p + 1) << PAGE_SHIFT);
          }
        }
        dirty[p] = 0;
      }
    };
    const mem = this.mem;
    put(mem.sram, mem.sramDirty, this.base.sram, snap.sram, true);
    put(mem.dram, mem.dramDirty, this.base.dram, snap.dram, false);
    this.base = snap;
    const row = mem.geometry.wgtLanes,
      wgtLo = mem.layout.wgt,
      wgtHi = wgtLo + mem.geometry.wgtDepth * row;
    if (hi > wgtLo && lo < wgtHi) {
      mem.wgtWritten(Math.floor((Math.max(lo, wgtLo) - wgtLo) / row), Math.ceil((Math.min(hi, wgtHi) - wgtLo) / row));
    }
  }
}

export interface SnapshotPolicy {
  /** Estimated replay cost (µs) between automatic snapshots. */
  intervalMicros: number;
  /** Memory the automatic snapshots may hold before every other one is dropped. */
  maxBytes: number;
}

export const DEFAULT_SNAPSHOT_POLICY: SnapshotPolicy = { intervalMicros: 4000, maxBytes: 64 * 1024 * 1024 };

/**
 * Periodic snapshots for reverse stepping, ordered by step. When they hold more than
 * `maxBytes`, every other one is dropped and the interval doubles, so memory stays
 * bounded on long runs and the replay distance grows only logarithmically.
 */
export class SnapshotStore<T extends { step: number; pages: PageSnapshot }> {
  private readonly list: T[] = [];
  private interval: number;
  private sinceLast = 0;
  /** Σ ownBytes since the last exact count: an upper bound of what the list holds. */
  private held = 0;

  constructor(private readonly policy: SnapshotPolicy) {
    this.interval = policy.intervalMicros;
  }

  get count(): number {
    return this.list.length;
  }

  get lastStep(): number {
    return this.list.length ? this.list[this.list.length - 1]!.step : -1;
  }

  /** Adds estimated replay cost; true when it is time for a snapshot. */
  charge(micros: number): boolean {
    this.sinceLast += micros;
    return this.sinceLast >= this.interval;
  }

  add(s: T): void {
    this.sinceLast = 0;
    this.list.push(s);
    this.held += s.pages.ownBytes;
    if (this.held > this.policy.maxBytes && (this.held = this.bytes()) > this.policy.maxBytes && this.list.length > 2) {
      // Keep the first (initial state) and every other one after it.
      const kept = this.list.filter((_, k) => k === 0 || k % 2 === 0 || k === this.list.length - 1);
      this.list.length = 0;
      this.list.push(...kept);
      this.interval *= 2;
      this.held = this.bytes();
    }
  }

  /** Latest snapshot at or before `step`. */
  atOrBefore(step: number): T | undefined {
    let lo = 0,
      hi = this.list.length - 1,
      best: T | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.list[mid]!.step <= step) {
        best = this.list[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best;
  }

  /** Restarts the cost count (after a restore: the replay distance is measured from there). */
  resetCharge(): void {
    this.sinceLast = 0;
  }

  /** Unique page bytes held. */
  bytes(): number {
    const seen = new Set<Uint8Array>();
    let b = 0;
    for (const s of this.list) {
      for (const pages of [s.pages.sram, s.pages.dram]) {
        for (const p of pages) {
          if (p.buffer.byteLength === PAGE_BYTES && !seen.has(p)) {
            seen.add(p);
            b += PAGE_BYTES;
          }
        }
      }
    }
    return b;
  }
}
