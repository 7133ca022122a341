/**
 * Functional scheduling (fsim's TLPP semantics without its time-seeded randomness):
 * three modules, each in program order; an instruction may run when every queue it
 * pops holds a token; it pops, executes and pushes atomically. The run ends when
 * FINISH executes; whatever is still queued is dropped, as fsim drops it.
 *
 * Which ready module runs next is the *interleaving*. The default takes the ready
 * module whose next instruction comes first in the program (the order a sequential
 * reader expects); `{ seed }` picks uniformly among the ready modules with a seeded
 * PRNG, which is how tests check that results do not depend on the interleaving.
 */
import { Opcode as Opcode_ } from '../isa';
import { SimError } from './errors';
import { blockedHeads, deadlockError, missingFinishError } from './deadlock';
import type { Machine } from './machine';
import { Prng } from './prng';
import type { EngineStatus, ModuleView, Scheduler } from './scheduler';
import { Ev as Ev_ } from './scheduler';
import { MODULES, QUEUES } from '../isa';

// Imported constants are read in the hot loop; module-local copies avoid the per-access
// getter that per-file transpilation (tsx, tests, benchmarks) puts on imported bindings.
const Opcode = Opcode_;
const Ev = Ev_;

export type Interleaving = 'program-order' | { seed: number };

interface FunctionalState {
  pos: Int32Array;
  time: number;
  status: EngineStatus;
  error?: SimError;
  rng: number;
  lastIndex: number;
  lastModule: number;
}

export class FunctionalScheduler implements Scheduler {
  readonly timeUnit = 'step' as const;
  time = 0;
  status: EngineStatus = 'running';
  error?: SimError;
  lastIndex = -1;
  lastModule = -1;
  private pos = new Int32Array(3);
  private readonly rng?: Prng;
  private readonly ready = new Int32Array(3);

  constructor(
    private readonly m: Machine,
    order: Interleaving = 'program-order',
  ) {
    if (order !== 'program-order') this.rng = new Prng(order.seed);
    if (m.n === 0) this.end(missingFinishError(m));
  }

  peekTime(): number {
    return this.status === 'running' ? this.time : Infinity;
  }

  private end(e: SimError): void {
    this.status = 'error';
    this.error = e;
  }

  step(stepIndex: number): number {
    if (this.status !== 'running') return Ev.NONE;
    const m = this.m;
    const lists = m.info.modList;
    try {
      let nReady = 0;
      for (let mod = 0; mod < 3; mod++) {
        const p = this.pos[mod]!;
        if (p >= lists[mod]!.length) continue;
        const i = lists[mod]![p]!;
        m.checkLegal(i);
        if (m.popsReady(i, this.time) < 0) this.ready[nReady++] = mod;
      }
      if (nReady === 0) {
        this.end(this.stuck());
        return Ev.NONE;
      }
      let mod: number;
      if (this.rng) {
        mod = this.ready[this.rng.int(nReady)]!;
      } else {
        mod = this.ready[0]!;
        for (let k = 1; k < nReady; k++) {
          const c = this.ready[k]!;
          if (lists[c]![this.pos[c]!]! < lists[mod]![this.pos[mod]!]!) mod = c;
        }
      }
      const index = lists[mod]![this.pos[mod]!++]!;
      this.lastIndex = index;
      this.lastModule = mod;
      const t = this.time;
      m.start(index, t, stepIndex);
      this.time = t + 1;
      m.complete(index, t + 1, t + 1);
      if (m.program.insns[index]!.insn.opcode === Opcode.FINISH) this.status = 'finished';
      return Ev.EXEC;
    } catch (e) {
      if (e instanceof SimError) {
        this.end(e);
        return Ev.NONE;
      }
      throw e;
    }
  }

  private stuck(): SimError {
    const m = this.m;
    const heads = blockedHeads(m, this.pos);
    if (heads.every((h) => h === undefined)) return missingFinishError(m);
    return deadlockError(m, heads);
  }

  save(): FunctionalState {
    return {
      pos: this.pos.slice(),
      time: this.time,
      status: this.status,
      error: this.error,
      rng: this.rng?.state ?? 0,
      lastIndex: this.lastIndex,
      lastModule: this.lastModule,
    };
  }

  load(state: unknown): void {
    const s = state as FunctionalState;
    this.pos = s.pos.slice();
    this.time = s.time;
    this.status = s.status;
    this.error = s.error;
    if (this.rng) this.rng.state = s.rng;
    this.lastIndex = s.lastIndex;
    this.lastModule = s.lastModule;
  }

  pending(): Array<[number, number]> {
    return [];
  }

  modules(): ModuleView[] {
    const m = this.m;
    return [0, 1, 2].map((mod) => {
      const list = m.info.modList[mod]!;
      const p = this.pos[mod]!;
      const base = { module: MODULES[mod]!, position: p };
      if (p >= list.length || this.status !== 'running') {
        return { ...base, state: p >= list.length ? 'done' : 'ready', insnIndex: p >= list.length ? -1 : list[p]! };
      }
      const i = list[p]!;
      const q = m.popsReady(i, this.time);
      return q < 0
        ? { ...base, state: 'ready', insnIndex: i }
        : { ...base, state: 'waiting-token', insnIndex: i, waitingOn: QUEUES[q] };
    });
  }

  unexecuted(): number[] {
    const out: number[] = [];
    for (let mod = 0; mod < 3; mod++) {
      const list = this.m.info.modList[mod]!;
      for (let p = this.pos[mod]!; p < list.length; p++) out.push(list[p]!);
    }
    return out.sort((a, b) => a - b);
  }
}
