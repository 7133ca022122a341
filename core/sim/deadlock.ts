/**
 * Deadlock reports: when no module can start its next instruction and FINISH has
 * not run (fsim would spin forever), say who waits on which queue and what that
 * queue's producer is doing, following the chain until it ends at a module with
 * nothing left to run or loops back.
 */
import { MODULES, MODULE_NAMES, QUEUES, popFlagFor, queueProducer } from '../isa';
import type { ModuleId } from '../isa';
import type { WaitLink } from './errors';
import { SimError } from './errors';
import type { Machine } from './machine';

/**
 * Per module: the head instruction and the queue it cannot pop (-1: the instruction
 * has not been fetched), or undefined when the module has nothing left.
 */
export interface BlockedHead {
  insnIndex: number;
  queue: number;
}

/** Timing mode: fetch cannot dispatch because this module's command queue is full. */
export interface FetchBlock {
  full: number;
  depth: number;
}

function line(m: Machine, index: number): string {
  const src = m.program.insns[index]?.source;
  return src ? ` (line ${src.start.line + 1})` : '';
}

/** Each module's next instruction and the queue it waits on (undefined once a module is done). */
export function blockedHeads(m: Machine, pos: ArrayLike<number>): Array<BlockedHead | undefined> {
  return [0, 1, 2].map((mod) => {
    const list = m.info.modList[mod]!;
    const p = pos[mod]!;
    if (p >= list.length) return undefined;
    const i = list[p]!;
    return { insnIndex: i, queue: m.popsReady(i, Infinity) };
  });
}

export function deadlockError(m: Machine, heads: Array<BlockedHead | undefined>, fetch?: FetchBlock): SimError {
  const modIdx = (id: ModuleId) => MODULES.indexOf(id);
  const blocked = heads.map((h, i) => (h && h.queue >= 0 ? i : -1)).filter((i) => i >= 0);
  // Start from the blocked instruction that comes first in the program.
  blocked.sort((a, b) => heads[a]!.insnIndex - heads[b]!.insnIndex);
  const chain: WaitLink[] = [];
  const parts: string[] = [];
  const seen = new Set<number>();
  let cur: number | undefined = blocked[0];
  while (cur !== undefined && !seen.has(cur)) {
    seen.add(cur);
    const h = heads[cur]!;
    const q = QUEUES[h.queue]!;
    const p = modIdx(queueProducer(q));
    const ph = heads[p];
    const producerWaiting = ph !== undefined && ph.queue >= 0;
    const link: WaitLink = {
      module: MODULES[cur]!,
      insnIndex: h.insnIndex,
      queue: q,
      source: m.program.insns[h.insnIndex]?.source,
      producer: {
        module: MODULES[p]!,
        state: producerWaiting ? 'waiting' : ph ? 'waiting-fetch' : 'done',
        pushed: m.tokens.pushed[h.queue]!,
        popped: m.tokens.popped[h.queue]!,
      },
    };
    chain.push(link);
    let text = `${MODULE_NAMES[link.module]} waits at instruction ${h.insnIndex}${line(m, h.insnIndex)} for a token on ${q}`;
    if (ph && !producerWaiting) {
      const full = fetch ? MODULE_NAMES[MODULES[fetch.full]!] : 'another module';
      text += `; ${MODULE_NAMES[link.producer.module]} cannot receive its next instruction (${ph.insnIndex}): fetch is stuck because ${full}'s command queue is full (${fetch?.depth ?? '?'} entries)`;
    } else if (!producerWaiting) {
      text += `; ${MODULE_NAMES[link.producer.module]} has no instructions left (${link.producer.pushed} pushed on ${q}, ${link.producer.popped} popped)`;
    } else if (seen.has(p)) {
      text += `; ${MODULE_NAMES[link.producer.module]} is itself waiting (a cycle)`;
    }
    parts.push(text);
    cur = producerWaiting ? p : undefined;
  }
  const first = chain[0]!;
  const message = `deadlock before FINISH: ${parts.join('; ')}`;
  // Point at the `pop` line the flag came from, as `vta check` does, and relate the
  // instruction that carries it.
  const pop = m.program.insns[first.insnIndex]?.tokenSources?.[popFlagFor(first.queue)];
  if (!pop) return new SimError('deadlock', message, first.insnIndex, first.source, chain);
  const related =
    first.source && first.source.start.line !== pop.start.line
      ? [{ source: first.source, message: `the blocked instruction ${first.insnIndex}, which carries this pop` }]
      : undefined;
  return new SimError('deadlock', message, first.insnIndex, pop, chain, related);
}

export function missingFinishError(m: Machine): SimError {
  const last = m.n - 1;
  return new SimError(
    'missing-finish',
    `all ${m.n} instructions ran and none was FINISH, so the run never ends (fsim would spin forever)`,
    last,
    last >= 0 ? m.program.insns[last]?.source : undefined,
  );
}
