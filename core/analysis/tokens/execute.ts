/**
 * Abstract execution of the three VTA modules over their dependency tokens
 * (vta-isa.md §3): each module runs its own instructions in program order, an
 * instruction pops before it starts and pushes after it completes, and the four
 * queues hold at most the target's `tokenQueueDepth` tokens (a full queue blocks the
 * push, as an HLS stream or a FIFO does). The schedule is deterministic (round-robin
 * load, compute, store, each running as far as it can); whether the run deadlocks does
 * not depend on it, because the modules form a Kahn network.
 *
 * Alongside it computes happens-before as vector clocks: program order within each
 * module plus token edges (the k-th push on a queue completes before the k-th pop on
 * it). Three modules, so one clock is three integers per instruction.
 */
import type { ModuleId, QueueId } from '../../isa';
import { MODULES, Opcode, QUEUES, queueConsumer, queueProducer, tokenUse } from '../../isa';
import { checkpoint } from '../../lang/cancellation';
import type { Program } from '../../program/program';

export const MOD_INDEX: Record<ModuleId, number> = { ld: 0, ex: 1, st: 2 };

/** Why a module stopped. */
export type ModuleState =
  | { kind: 'done' }
  /** Waiting before instruction `insn` for a token on `queue`. */
  | { kind: 'pop'; insn: number; queue: QueueId }
  /** Instruction `insn` ran but cannot push onto `queue`, which is full. */
  | { kind: 'push'; insn: number; queue: QueueId };

export interface TokenRun {
  /** Instruction indexes per module, in program order. */
  order: Record<ModuleId, number[]>;
  /** Position of each instruction in its module's order. */
  posInModule: Int32Array;
  /** Module index (0 ld, 1 ex, 2 st) of each instruction. */
  moduleIndex: Uint8Array;
  /** Queues each instruction pops / pushes (legal flags only). */
  pops: QueueId[][];
  pushes: QueueId[][];
  /** Whether the instruction started in the abstract run. */
  executed: Uint8Array;
  /** Instruction indexes in the order the abstract run started them. */
  execOrder: number[];
  /**
   * Vector clocks, 3 per instruction: clock[3i + m] = how many instructions of module m
   * happen before or are instruction i. Valid for executed instructions.
   */
  clock: Int32Array;
  /** For each queue, the instructions that push / pop it, in stream order of the module. */
  pushers: Record<QueueId, number[]>;
  poppers: Record<QueueId, number[]>;
  /** Index of the first FINISH, or -1; whether it ran. */
  finish: number;
  finishRan: boolean;
  /** Where each module stopped (all 'done' unless the run got stuck). */
  state: Record<ModuleId, ModuleState>;
  /** True when no module can move, something is left to run and FINISH did not run. */
  deadlocked: boolean;
  capacity: number;
}

function perQueue<T>(make: () => T): Record<QueueId, T> {
  return { 'ld->ex': make(), 'ex->ld': make(), 'ex->st': make(), 'st->ex': make() };
}

export function runTokens(program: Program): TokenRun {
  const insns = program.insns;
  const n = insns.length;
  const capacity = program.target.board.tokenQueueDepth;
  const order: Record<ModuleId, number[]> = { ld: [], ex: [], st: [] };
  const posInModule = new Int32Array(n);
  const moduleIndex = new Uint8Array(n);
  const pops: QueueId[][] = new Array<QueueId[]>(n);
  const pushes: QueueId[][] = new Array<QueueId[]>(n);
  const pushers = perQueue<number[]>(() => []);
  const poppers = perQueue<number[]>(() => []);
  let finish = -1;
  for (let i = 0; i < n; i++) {
    checkpoint();
    const p = insns[i]!;
    const use = tokenUse(p.insn);
    const m = use.module;
    posInModule[i] = order[m].length;
    order[m].push(i);
    moduleIndex[i] = MOD_INDEX[m];
    pops[i] = use.pops;
    pushes[i] = use.pushes;
    for (const q of use.pops) poppers[q].push(i);
    for (const q of use.pushes) pushers[q].push(i);
    if (finish < 0 && p.insn.opcode === Opcode.FINISH) finish = i;
  }

  const executed = new Uint8Array(n);
  const clock = new Int32Array(3 * n);
  const execOrder: number[] = [];
  const count = perQueue(() => 0); // tokens in the queue now
  const pushed = perQueue(() => 0); // pushes so far
  const popped = perQueue(() => 0); // pops so far
  const pos: Record<ModuleId, number> = { ld: 0, ex: 0, st: 0 };
  // The instruction whose pushes are still owed (it ran; a queue was full), per module.
  const owing: Record<ModuleId, { insn: number; next: number } | undefined> = {
    ld: undefined,
    ex: undefined,
    st: undefined,
  };
  let finishRan = false;

  const tryPushes = (m: ModuleId): boolean => {
    const o = owing[m]!;
    const qs = pushes[o.insn]!;
    while (o.next < qs.length) {
      const q = qs[o.next]!;
      if (count[q] >= capacity) return false;
      count[q]++;
      pushed[q]++;
      o.next++;
    }
    owing[m] = undefined;
    return true;
  };

  /** Runs one step of module m; false when it cannot move. */
  const step = (m: ModuleId): boolean => {
    if (owing[m]) return tryPushes(m);
    const list = order[m];
    if (pos[m] >= list.length) return false;
    const i = list[pos[m]]!;
    const qs = pops[i]!;
    for (const q of qs) if (count[q] === 0) return false;
    // Start: consume the pops, join the clocks of the matching pushes.
    const base = 3 * i;
    if (pos[m] > 0) {
      const prev = 3 * list[pos[m] - 1]!;
      clock[base] = clock[prev]!;
      clock[base + 1] = clock[prev + 1]!;
      clock[base + 2] = clock[prev + 2]!;
    }
    for (const q of qs) {
      count[q]--;
      const src = 3 * pushers[q][popped[q]]!;
      popped[q]++;
      for (let k = 0; k < 3; k++) if (clock[src + k]! > clock[base + k]!) clock[base + k] = clock[src + k]!;
    }
    clock[base + MOD_INDEX[m]] = pos[m] + 1;
    executed[i] = 1;
    execOrder.push(i);
    pos[m]++;
    if (i === finish) finishRan = true;
    if (pushes[i]!.length) {
      owing[m] = { insn: i, next: 0 };
      tryPushes(m);
    }
    return true;
  };

  let moved = true;
  while (moved) {
    moved = false;
    for (const m of MODULES) {
      while (step(m)) {
        moved = true;
        checkpoint();
      }
    }
  }

  const state = {} as Record<ModuleId, ModuleState>;
  let stuck = false;
  for (const m of MODULES) {
    const o = owing[m];
    if (o) {
      state[m] = { kind: 'push', insn: o.insn, queue: pushes[o.insn]![o.next]! };
      stuck = true;
    } else if (pos[m] < order[m].length) {
      const i = order[m][pos[m]]!;
      state[m] = { kind: 'pop', insn: i, queue: pops[i]!.find((q) => count[q] === 0)! };
      stuck = true;
    } else state[m] = { kind: 'done' };
  }
  return {
    order,
    posInModule,
    moduleIndex,
    pops,
    pushes,
    executed,
    execOrder,
    clock,
    pushers,
    poppers,
    finish,
    finishRan,
    state,
    deadlocked: stuck && !finishRan,
    capacity,
  };
}

/** Whether executed instruction a happens before executed instruction b (or is b). */
export function happensBefore(run: TokenRun, a: number, b: number): boolean {
  return run.clock[3 * b + run.moduleIndex[a]!]! > run.posInModule[a]!;
}

export { QUEUES, queueConsumer, queueProducer };
