/**
 * What an editor shows beside each instruction: the SRAM rows it touches and the
 * tokens in each queue around it, plus each push/pop line's queue count. The language
 * server's hovers and inlay hints read these; they are facts of the program, so they
 * are computed here, once per program, not in a front end.
 */
import { MemType, Opcode, popFlagFor, pushFlagFor, tokenUse, QUEUES, type DepFlag, type QueueId } from '../isa';
import type { Program } from '../program/program';
import { ROW_WORK_BUDGET, UopShadow, insnAccesses, type RowAccess, type Work } from './access';

/** A push/pop line as the program runs it. */
export interface TokenLine {
  queue: QueueId;
  /** Tokens in the queue after this line, counted in text order. */
  count: number;
  /** The (first) instruction whose flag the line sets: a `nop` when the assembler inserted one. */
  carrier: number;
  flag: DepFlag;
}

/** Per-instruction facts for hovers and inlay hints. */
export interface InsnFacts {
  index: number;
  accesses: RowAccess[];
  /** Tokens in each queue (text order count) before the instruction's pops and after its pushes. */
  queuesBefore: Record<QueueId, number>;
  queuesAfter: Record<QueueId, number>;
}

/**
 * Every instruction's facts, and the push/pop lines of `file` by line (0-based). Past
 * the analyses' work budget an instruction shows no rows (the checks say where they
 * stopped).
 */
export function instructionFacts(program: Program, file: string): { facts: InsnFacts[]; tokenLines: Map<number, TokenLine> } {
  const facts: InsnFacts[] = [];
  const tokenLines = new Map<number, TokenLine>();
  const p = program;
  const shadow = new UopShadow(p.target, p.dram);
  const counts = Object.fromEntries(QUEUES.map((q) => [q, 0])) as Record<QueueId, number>;
  const work: Work = { units: 0 };
  p.insns.forEach((pi, index) => {
    let accesses: RowAccess[] = [];
    try {
      if (work.units <= ROW_WORK_BUDGET) {
        accesses = insnAccesses(p.target, pi.insn, shadow, work);
        if (pi.insn.opcode === Opcode.LOAD && pi.insn.memory_type === MemType.UOP) shadow.load(pi.insn, work);
      }
    } catch {
      accesses = [];
    }
    const before = { ...counts };
    const use = tokenUse(pi.insn);
    for (const q of use.pops) {
      counts[q]--;
      const src = pi.tokenSources?.[popFlagFor(q)];
      if (src && src.file === file) tokenLines.set(src.start.line, { queue: q, count: counts[q], carrier: tokenLines.get(src.start.line)?.carrier ?? index, flag: popFlagFor(q) });
    }
    for (const q of use.pushes) {
      counts[q]++;
      const src = pi.tokenSources?.[pushFlagFor(q)];
      if (src && src.file === file) tokenLines.set(src.start.line, { queue: q, count: counts[q], carrier: tokenLines.get(src.start.line)?.carrier ?? index, flag: pushFlagFor(q) });
    }
    facts.push({ index, accesses, queuesBefore: before, queuesAfter: { ...counts } });
  });
  return { facts, tokenLines };
}
