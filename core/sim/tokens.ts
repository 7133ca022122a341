/**
 * The four dependency-token queues (vta-isa.md §3.2–3.3). Unbounded, as fsim's
 * std::queue; each token remembers which trace record pushed it (so a pop can be
 * linked to its push) and from when it is visible to the consumer (timing model:
 * a push lands when its instruction completes, plus a hand-over latency).
 */
import { QUEUES } from '../isa';
import type { QueueId } from '../isa';

export const QUEUE_COUNT = 4;
export const queueIndex = (q: QueueId): number => QUEUES.indexOf(q);

export interface TokenQueuesState {
  ids: Int32Array[];
  visibleAt: Float64Array[];
  pushed: number[];
  popped: number[];
  maxHeld: number[];
}

export class TokenQueues {
  // Not private: the timing batch loop (timing-batch.ts) writes `push` out, as it
  // pushes a token at most completions and the call is one it cannot afford. The
  // arrays of `ids` and `vis` are replaced by `grow`; read them after it.
  /** Per queue: the pushing trace id and visible-from time of each token, live in [head, tail). */
  readonly ids: Int32Array[] = [];
  readonly vis: Float64Array[] = [];
  readonly head = [0, 0, 0, 0];
  readonly tail = [0, 0, 0, 0];
  /** Tokens pushed and popped per queue during the run. */
  readonly pushed = [0, 0, 0, 0];
  readonly popped = [0, 0, 0, 0];
  /** Most tokens held at once per queue. */
  readonly maxHeld = [0, 0, 0, 0];

  constructor() {
    for (let q = 0; q < QUEUE_COUNT; q++) {
      this.ids.push(new Int32Array(16));
      this.vis.push(new Float64Array(16));
    }
  }

  count(q: number): number {
    return this.tail[q]! - this.head[q]!;
  }

  /** When the oldest token becomes visible; Infinity when the queue is empty. */
  headVisibleAt(q: number): number {
    return this.count(q) > 0 ? this.vis[q]![this.head[q]!]! : Infinity;
  }

  push(q: number, id: number, visibleAt: number): void {
    if (this.tail[q] === this.ids[q]!.length) this.grow(q);
    const t = this.tail[q]!;
    this.ids[q]![t] = id;
    this.vis[q]![t] = visibleAt;
    this.tail[q] = t + 1;
    this.pushed[q]!++;
    const held = this.count(q);
    if (held > this.maxHeld[q]!) this.maxHeld[q] = held;
  }

  /** Removes the oldest token and returns the trace id it was pushed with. */
  pop(q: number): number {
    const h = this.head[q]!;
    this.head[q] = h + 1;
    this.popped[q]!++;
    return this.ids[q]![h]!;
  }

  /** Makes room for one more token in queue `q` (compacting or doubling). */
  grow(q: number): void {
    // Compact first; double only when the live part fills more than half.
    const h = this.head[q]!,
      t = this.tail[q]!,
      live = t - h;
    const cap = this.ids[q]!.length;
    const ids = live * 2 > cap ? new Int32Array(cap * 2) : this.ids[q]!;
    const vis = live * 2 > cap ? new Float64Array(cap * 2) : this.vis[q]!;
    const oldIds = this.ids[q]!,
      oldVis = this.vis[q]!;
    if (ids === oldIds) {
      ids.copyWithin(0, h, t);
      vis.copyWithin(0, h, t);
    } else {
      ids.set(oldIds.subarray(h, t));
      vis.set(oldVis.subarray(h, t));
    }
    this.ids[q] = ids;
    this.vis[q] = vis;
    this.head[q] = 0;
    this.tail[q] = live;
  }

  save(): TokenQueuesState {
    return {
      ids: this.ids.map((a, q) => a.slice(this.head[q], this.tail[q])),
      visibleAt: this.vis.map((a, q) => a.slice(this.head[q], this.tail[q])),
      pushed: [...this.pushed],
      popped: [...this.popped],
      maxHeld: [...this.maxHeld],
    };
  }

  load(s: TokenQueuesState): void {
    for (let q = 0; q < QUEUE_COUNT; q++) {
      const n = s.ids[q]!.length;
      this.ids[q] = new Int32Array(Math.max(16, n * 2));
      this.vis[q] = new Float64Array(Math.max(16, n * 2));
      this.ids[q]!.set(s.ids[q]!);
      this.vis[q]!.set(s.visibleAt[q]!);
      this.head[q] = 0;
      this.tail[q] = n;
      this.pushed[q] = s.pushed[q]!;
      this.popped[q] = s.popped[q]!;
      this.maxHeld[q] = s.maxHeld[q]!;
    }
  }
}
