/**
 * The timing scheduler's steps in batches: `TimingScheduler.runSteps`, what `run()`
 * without snapshots uses (the CLI, `vta tune`, the design-space explorer). The steps
 * are exactly timing.ts's (`act` and what it calls), the same ones in the same order,
 * numbered the same; only where the state lives differs.
 *
 * Why a loop of its own: a timing-only step is a few dozen arithmetic operations, and
 * reaching the scheduler's state through `this` on every access (a field load, then
 * the typed array's base and length) cost about as much as the step. Here the typed
 * arrays are taken into constants once per batch, the bus, clock and fetch state into
 * local variables written back when the batch ends (also when a step throws), and no
 * closure is created: a variable a closure captures lives in a heap context, and each
 * access to it is a memory access again. That took the benchmark's stream from 29 to
 * 23 ms (docs/PERFORMANCE.md).
 *
 * A timing-only run without a trace also calls the executor only where it must: a
 * LOAD's, STORE's, GEMM's or ALU's effect on such a run (fsim's counters, the
 * statistics, the work's shape, a UOP load's micro-ops) comes from the instruction's
 * packed row, whose checks were decided when it was packed (exec.ts, Row and Transfer),
 * and for GEMM and ALU from a bound on the micro-ops' rows (SimMemory.uopMax); an
 * instruction that would fail a check, or might, goes through exec, which decides and
 * reports. That and the loop's constants as locals took the stream from 22.5 to 18 ms.
 *
 * test/unit/sim-timing-batched.test.ts holds this loop equal to stepping one step at a
 * time through `step()`: cycles, steps, start steps, statistics, views and trace;
 * test/unit/sim-timing-transfers.test.ts does the same for instructions that fail, or
 * come close to failing, the executor's checks.
 */
import { AluOp, Opcode } from '../isa';
import { C_ALU as C_ALU_, C_GEMM as C_GEMM_ } from './counters';
import { Row, TRANSFER_COUNTER, Transfer, Work } from './exec';
import type { ExecOut } from './exec';
import type { Machine } from './machine';
import { S } from './stats';
import type { TimingParams } from './timing-params';
import type { TimingCore } from './timing-phases';
import {
  BUSY as BUSY_,
  CONSUMER as CONSUMER_,
  DMA as DMA_,
  DONE as DONE_,
  FETCH as FETCH_,
  F_BLOCKED as F_BLOCKED_,
  F_DISPATCH as F_DISPATCH_,
  F_DONE as F_DONE_,
  F_REQ as F_REQ_,
  IDLE as IDLE_,
  INSN_BYTES as INSN_BYTES_,
  WAIT_CMD as WAIT_CMD_,
  WAIT_TOKEN as WAIT_TOKEN_,
} from './timing-phases';
import { Cause } from './trace';

/**
 * Performs up to `count` steps of `s`, numbered from `first`, stopping before a step
 * whose time would exceed `maxTime` and after the run ends; returns the steps taken.
 * Each branch below is the timing.ts method named in its comment, inlined.
 */
export function runTimingBatch(
  s: TimingCore,
  m: Machine,
  p: TimingParams,
  first: number,
  count: number,
  maxTime: number,
): number {
  if (s.status !== 'running') return 0;
  // The constants the loop reads, as locals: a bundle keeps module-level constants in
  // mutable context slots (esbuild emits them as `var`), which TurboFan reloads and
  // checks at every use in the loop.
  const IDLE = IDLE_,
    WAIT_TOKEN = WAIT_TOKEN_,
    DMA = DMA_,
    BUSY = BUSY_,
    DONE = DONE_,
    WAIT_CMD = WAIT_CMD_;
  const F_REQ = F_REQ_,
    F_DISPATCH = F_DISPATCH_,
    F_BLOCKED = F_BLOCKED_,
    F_DONE = F_DONE_;
  const FETCH = FETCH_,
    CONSUMER = CONSUMER_,
    INSN_BYTES = INSN_BYTES_;
  const S_EXEC = S.EXEC,
    S_BUSY = S.BUSY,
    S_BUS_BUSY = S.BUS_BUSY,
    S_FETCH_BYTES = S.FETCH_BYTES,
    S_GEMM_BUSY = S.GEMM_BUSY,
    S_ALU_BUSY = S.ALU_BUSY,
    S_STALL = S.STALL,
    S_DRAM_STALL = S.STALL + Cause.DRAM;
  const C_TOKEN = Cause.TOKEN,
    C_FETCH = Cause.FETCH,
    C_DRAM = Cause.DRAM;
  const FINISH = Opcode.FINISH;
  const R_STRIDE = Row.STRIDE,
    R_OPCODE = Row.OPCODE,
    R_MEM_TYPE = Row.MEM_TYPE,
    R_Y_SIZE = Row.Y_SIZE,
    R_X_SIZE = Row.X_SIZE,
    R_Y_PAD_0 = Row.Y_PAD_0,
    R_Y_PAD_1 = Row.Y_PAD_1,
    R_X_PAD_0 = Row.X_PAD_0,
    R_X_PAD_1 = Row.X_PAD_1,
    R_TRANSFER = Row.TRANSFER,
    R_ROW_BYTES = Row.ROW_BYTES,
    R_SRAM_ROW_BYTES = Row.SRAM_ROW_BYTES;
  const R_UOP_BGN = Row.UOP_BGN,
    R_UOP_END = Row.UOP_END,
    R_ITER_OUT = Row.ITER_OUT,
    R_ITER_IN = Row.ITER_IN,
    R_DST_OUT = Row.DST_OUT,
    R_DST_IN = Row.DST_IN,
    R_SRC_OUT = Row.SRC_OUT,
    R_SRC_IN = Row.SRC_IN,
    R_WGT_OUT = Row.WGT_OUT,
    R_WGT_IN = Row.WGT_IN,
    R_RESET_REG = Row.RESET_REG,
    R_ALU_OPCODE = Row.ALU_OPCODE;
  const GEMM = Opcode.GEMM,
    ALU = Opcode.ALU,
    ALU_LAST_OP = AluOp.MUL,
    C_GEMM = C_GEMM_,
    C_ALU = C_ALU_,
    S_GEMM_ITERS = S.GEMM_ITERS,
    S_GEMM_RESET_ITERS = S.GEMM_RESET_ITERS,
    S_ALU_ITERS = S.ALU_ITERS;
  const T_NOP = Transfer.NOP,
    T_DMA = Transfer.DMA,
    T_UOP = Transfer.UOP,
    COUNTER = TRANSFER_COUNTER,
    LOAD = Opcode.LOAD,
    STORE = Opcode.STORE,
    S_DRAM_READ = S.DRAM_READ,
    S_DRAM_WRITE = S.DRAM_WRITE;
  const W_LOAD = Work.LOAD,
    W_STORE = Work.STORE,
    W_GEMM = Work.GEMM,
    W_ALU = Work.ALU,
    W_FINISH = Work.FINISH;
  const info = m.info,
    modList = info.modList,
    module = info.module,
    popMask = info.popMask;
  const hasIllegal = info.illegal.size > 0;
  const stats = m.stats,
    tokens = m.tokens,
    exec = m.exec,
    trace = m.trace,
    tracing = trace.enabled;
  const startStep = m.startStep,
    startTime = m.startTime,
    started = m.started,
    pushMask = info.pushMask;
  const next = s.next,
    phase = s.phase,
    cur = s.cur,
    pos = s.pos,
    dispatched = s.dispatched,
    availAt = s.availAt;
  const rowsLeft = s.rowsLeft,
    burst = s.burst,
    rowBeats = s.rowBeats,
    write = s.write,
    padRow = s.padRow,
    padBottom = s.padBottom;
  const stallOpen = s.stallOpen,
    stallStart = s.stallStart,
    stallCause = s.stallCause,
    stallQ = s.stallQ,
    stallIdx = s.stallIdx;
  const tIds = tokens.ids,
    tVis = tokens.vis,
    tHead = tokens.head,
    tTail = tokens.tail;
  const tPushed = tokens.pushed,
    tPopped = tokens.popped,
    tMaxHeld = tokens.maxHeld;
  const f = s.f;
  const busBytes = p.busBytes,
    maxBurst = p.maxBurstBeats,
    readLat = p.readLatency,
    writeLat = p.writeLatency;
  const chunk = p.fetchChunkInsns,
    depth = p.cmdQueueDepth,
    dispLat = p.dispatchLatency,
    tokenLat = p.tokenLatency;
  const insnGap = p.insnGap,
    memSetup = p.memSetup,
    memTail = p.memTail,
    padRate = p.padBytesPerCycle;
  const n = m.n;
  // Timing-only without a trace: instructions started from their rows (see the top).
  const fast = !exec.movesData && !tracing;
  const rows = exec.rows,
    counters = exec.counters,
    uopMax = m.mem.uopMax;
  const g = m.geometry,
    uopDepth = g.uopDepth,
    accDepth = g.accDepth,
    inpDepth = g.inpDepth,
    wgtDepth = g.wgtDepth;
  let busFreeAt = s.busFreeAt,
    time = s.time,
    lastIndex = s.lastIndex,
    lastModule = s.lastModule;
  let fPhase = f[0]!,
    fNext = f[1]!,
    fStart = f[2]!,
    fEnd = f[3]!,
    fFirst = f[4]!,
    fDone = f[5]!,
    fBlocked = f[6]!;
  let startedCount = m.startedCount;
  let done = 0;
  // Below maxTime when that is Infinity, so that an agent time of Infinity stops the loop.
  const stopAt = Math.min(maxTime, Number.MAX_VALUE);
  let stuck = false;
  let error: unknown;
  try {
    run: while (done < count) {
      // The earliest agent, ties to the lowest, as in step().
      let a = 0,
        t = next[0]!;
      if (next[1]! < t) {
        a = 1;
        t = next[1]!;
      }
      if (next[2]! < t) {
        a = 2;
        t = next[2]!;
      }
      if (next[3]! < t) {
        a = 3;
        t = next[3]!;
      }
      // One comparison per step for both ends: the cycle limit, and no agent able to act.
      if (t > stopAt) {
        if (!(t > maxTime)) stuck = true;
        break;
      }
      time = t;
      done++;
      if (a === FETCH) {
        // fetchStep
        lastIndex = -1;
        lastModule = FETCH;
        if (fPhase === F_REQ) {
          const k = Math.min(chunk, n - fNext);
          if (k <= 0) {
            fPhase = F_DONE;
            next[FETCH] = Infinity;
            continue;
          }
          const beats = Math.ceil((k * INSN_BYTES) / busBytes);
          const dataStart = Math.max(t + readLat, busFreeAt);
          busFreeAt = dataStart + beats;
          stats[S_BUS_BUSY] += beats;
          stats[S_FETCH_BYTES] += k * INSN_BYTES;
          fStart = fNext;
          fEnd = fNext + k;
          fFirst = dataStart;
          fDone = dataStart + beats;
          fPhase = F_DISPATCH;
        }
        while (fNext < fEnd) {
          const i = fNext;
          const mod = module[i]!;
          if (dispatched[mod]! - pos[mod]! >= depth) {
            fPhase = F_BLOCKED;
            fBlocked = mod;
            next[FETCH] = Infinity;
            continue run;
          }
          const arrival = fFirst + Math.ceil(((i - fStart + 1) * INSN_BYTES) / busBytes);
          const avail = Math.max(arrival, t) + dispLat;
          availAt[i] = avail;
          dispatched[mod]!++;
          fNext = i + 1;
          if (phase[mod] === WAIT_CMD && next[mod] === Infinity) next[mod] = avail;
        }
        if (fNext >= n) {
          fPhase = F_DONE;
          next[FETCH] = Infinity;
        } else {
          fPhase = F_REQ;
          next[FETCH] = Math.max(t, fDone);
        }
        continue;
      }
      const ph = phase[a];
      if (ph === DMA) {
        // dmaStep
        const index = cur[a]!;
        lastIndex = index;
        lastModule = a;
        const rb = rowBeats[a]!,
          b = burst[a]!;
        const beats = Math.min(maxBurst, rb - b * maxBurst);
        let ready: number, dataStart: number, end: number;
        if (write[a]) {
          ready = t;
          dataStart = Math.max(ready, busFreeAt);
          end = dataStart + beats + writeLat;
        } else {
          ready = t + readLat;
          dataStart = Math.max(ready, busFreeAt);
          end = dataStart + beats;
        }
        // Added even when 0 (exact): whether a burst waits for the bus is the least
        // predictable branch of the loop, and without a trace nothing else depends on it.
        stats[S_DRAM_STALL + a * 3] += dataStart - ready;
        if (tracing && dataStart > ready) trace.stall(index, ready, dataStart, C_DRAM, -1);
        busFreeAt = dataStart + beats;
        stats[S_BUS_BUSY] += beats;
        let rowDone = false;
        if ((b + 1) * maxBurst >= rb) {
          burst[a] = 0;
          rowsLeft[a]!--;
          rowDone = true;
        } else burst[a] = b + 1;
        if (rowsLeft[a] === 0) {
          phase[a] = BUSY;
          next[a] = end + padRow[a]! + padBottom[a]! + memTail;
        } else next[a] = end + (rowDone ? padRow[a]! : 0);
      } else if (ph === BUSY) {
        // complete
        const index = cur[a]!;
        cur[a] = -1;
        lastIndex = index;
        lastModule = a;
        const visible = t + tokenLat;
        const mask = pushMask[index]!;
        // TokenQueues.push, written out: with the rest of this loop inlined, TurboFan has
        // no inlining budget left for it, and the call cost about 4% of the benchmark's run.
        for (let q = 0; mask >> q; q++) {
          if (!(mask & (1 << q))) continue;
          if (tTail[q] === tIds[q]!.length) tokens.grow(q);
          const tl = tTail[q]!;
          tIds[q]![tl] = index;
          tVis[q]![tl] = visible;
          tTail[q] = tl + 1;
          tPushed[q]!++;
          const held = tl + 1 - tHead[q]!;
          if (held > tMaxHeld[q]!) tMaxHeld[q] = held;
        }
        stats[S_BUSY + a] += t - startTime[index]!;
        if (tracing) trace.insnDone(index, startTime[index]!, t);
        for (let q = 0; mask >> q; q++) {
          if (!(mask & (1 << q))) continue;
          const c = CONSUMER[q]!;
          if (phase[c] === WAIT_TOKEN && stallQ[c] === q && visible < next[c]!) next[c] = visible;
        }
        if (rows[index * R_STRIDE + R_OPCODE] === FINISH) {
          s.status = 'finished';
          for (let k = 0; k < 3; k++) closeStall(s, m, k, t);
          break;
        }
        phase[a] = IDLE;
        next[a] = t + insnGap;
      } else {
        // tryStart
        const list = modList[a]!;
        const ps = pos[a]!;
        lastModule = a;
        if (ps >= list.length) {
          closeStall(s, m, a, t);
          phase[a] = DONE;
          next[a] = Infinity;
          continue;
        }
        const index = list[ps]!;
        lastIndex = index;
        // The wait that keeps the instruction from starting, if any: cause and queue.
        let cause = -1,
          waitQ = -1;
        if (ps >= dispatched[a]! || availAt[index]! > t) {
          phase[a] = WAIT_CMD;
          next[a] = ps >= dispatched[a]! ? Infinity : availAt[index]!;
          cause = C_FETCH;
        } else {
          if (hasIllegal) m.checkLegal(index);
          if (popMask[index] !== 0) {
            const q = m.popsReady(index, t);
            if (q >= 0) {
              phase[a] = WAIT_TOKEN;
              next[a] = tokens.headVisibleAt(q);
              cause = C_TOKEN;
              waitQ = q;
            }
          }
        }
        // openStall (a wait) and closeStall (a start), written out around one closeStall:
        // each call site inlined spends TurboFan's inlining budget, which this loop has
        // used up, and openStall was left a call at both waits.
        if (cause >= 0 && stallOpen[a] && stallCause[a] === cause && stallQ[a] === waitQ && stallIdx[a] === index)
          continue;
        // closeStall, written out with the loop's locals (the call reached each array and
        // the statistics' slot through s, m and the module context).
        if (stallOpen[a]) {
          stallOpen[a] = 0;
          const start = stallStart[a]!;
          if (t > start) {
            stats[S_STALL + a * 3 + stallCause[a]!] += t - start;
            if (tracing) trace.stall(stallIdx[a]!, start, t, stallCause[a]!, stallQ[a]!);
          }
        }
        if (cause >= 0) {
          stallOpen[a] = 1;
          stallStart[a] = t;
          stallCause[a] = cause;
          stallQ[a] = waitQ;
          stallIdx[a] = index;
          continue;
        }
        pos[a] = ps + 1;
        if (fPhase === F_BLOCKED && fBlocked === a) {
          fPhase = F_DISPATCH;
          next[FETCH] = t;
        }
        cur[a] = index;
        // Machine.start, inlined (as Machine.complete and Machine.stall below): this function
        // spends TurboFan's inlining budget, and the calls cost 8% of the benchmark's run.
        // TokenQueues.pop is written out too (it was left a call).
        const pops = popMask[index]!;
        for (let q = 0; pops >> q; q++) {
          if (pops & (1 << q)) {
            const h = tHead[q]!;
            tHead[q] = h + 1;
            tPopped[q]!++;
            if (tracing && trace.recording) trace.tokenPopped(q, tIds[q]![h]!, index, t);
          }
        }
        startStep[index] = first + done - 1;
        startTime[index] = t;
        started[startedCount++] = index;
        stats[S_EXEC + a]++;
        const rb = index * R_STRIDE;
        const opcode = rows[rb + R_OPCODE]!;
        const transfer = fast && (opcode === LOAD || opcode === STORE) ? rows[rb + R_TRANSFER]! : 0;
        if (transfer === T_NOP) {
          // exec of a LOAD or STORE of x_size 0: nothing but the instruction's time.
          phase[a] = BUSY;
          next[a] = t + p.nopCycles;
          continue;
        }
        if (fast && (opcode === GEMM || opcode === ALU)) {
          // Executor.gemm's and alu's effect in a timing-only run, from the row, when the
          // micro-op bound (SimMemory.uopMax) shows that no micro-op's rows can leave their
          // buffers: exec's row checks then pass, and their hulls are read by nothing but
          // a trace. Otherwise (or for any other check) exec runs, and decides.
          const isAlu = opcode === ALU;
          // reset_reg of a GEMM, use_imm of an ALU: the same slot.
          const flag = rows[rb + R_RESET_REG] !== 0;
          const bgn = rows[rb + R_UOP_BGN]!,
            end = rows[rb + R_UOP_END]!,
            io = rows[rb + R_ITER_OUT]!,
            ii = rows[rb + R_ITER_IN]!;
          let iters = 0;
          let ok = !isAlu || rows[rb + R_ALU_OPCODE]! <= ALU_LAST_OP;
          if (ok && io !== 0 && ii !== 0 && end > bgn) {
            // exec's checks, in its order: the micro-op range, then the rows each field
            // reaches: dst (ACC); src (INP for GEMM, ACC for ALU) and wgt, but a GEMM that
            // resets reads neither and an ALU reads no wgt.
            const o = io - 1,
              i = ii - 1;
            ok = end <= uopDepth && uopMax[0]! + o * rows[rb + R_DST_OUT]! + i * rows[rb + R_DST_IN]! < accDepth;
            if (ok && (isAlu || !flag))
              ok = uopMax[1]! + o * rows[rb + R_SRC_OUT]! + i * rows[rb + R_SRC_IN]! < (isAlu ? accDepth : inpDepth);
            if (ok && !isAlu && !flag)
              ok = uopMax[2]! + o * rows[rb + R_WGT_OUT]! + i * rows[rb + R_WGT_IN]! < wgtDepth;
            iters = io * ii * (end - bgn);
          }
          if (ok) {
            phase[a] = BUSY;
            if (isAlu) {
              counters[C_ALU] += iters;
              stats[S_ALU_ITERS] += iters;
              const issue = iters * (flag ? p.aluImmInterval : p.aluTensorInterval);
              stats[S_ALU_BUSY] += issue;
              next[a] = t + p.aluSetup + issue + p.aluLatency;
            } else {
              if (!flag) counters[C_GEMM] += iters;
              stats[flag ? S_GEMM_RESET_ITERS : S_GEMM_ITERS] += iters;
              const issue = iters * p.gemmInterval;
              stats[S_GEMM_BUSY] += issue;
              next[a] = t + p.gemmSetup + issue + p.gemmLatency;
            }
            continue;
          }
        }
        let dmaRows: number, dmaRowBytes: number, padTopBytes: number, padRowBytes: number, padBottomBytes: number;
        let isStore: boolean;
        let out: ExecOut | undefined;
        if (transfer === T_DMA || transfer === T_UOP) {
          // Executor.load's and store's effect in a timing-only run, from the row (and a UOP
          // load's micro-ops, which GEMM and ALU read).
          const xSize = rows[rb + R_X_SIZE]!,
            ySize = rows[rb + R_Y_SIZE]!,
            sramRowBytes = rows[rb + R_SRAM_ROW_BYTES]!;
          const yPad0 = rows[rb + R_Y_PAD_0]!,
            xPads = rows[rb + R_X_PAD_0]! + rows[rb + R_X_PAD_1]!;
          const X = xPads + xSize;
          counters[COUNTER[rows[rb + R_MEM_TYPE]!]!] += xSize * ySize * sramRowBytes;
          dmaRows = ySize;
          dmaRowBytes = rows[rb + R_ROW_BYTES]!;
          padTopBytes = yPad0 * X * sramRowBytes;
          padBottomBytes = rows[rb + R_Y_PAD_1]! * X * sramRowBytes;
          padRowBytes = xPads * sramRowBytes;
          isStore = opcode === STORE;
          if (transfer === T_UOP) exec.fillUops(index);
          stats[isStore ? S_DRAM_WRITE : S_DRAM_READ] += dmaRows * dmaRowBytes;
        } else {
          out = exec.exec(index);
          m.account(out);
          if (tracing && trace.recording)
            for (let k = 0; k < out.n; k++) trace.access(index, out.buf[k]!, out.kind[k]!, out.lo[k]!, out.hi[k]!);
          if (out.work !== W_LOAD && out.work !== W_STORE) {
            switch (out.work) {
              case W_GEMM: {
                const issue = out.uopIters * p.gemmInterval;
                stats[S_GEMM_BUSY] += issue;
                phase[a] = BUSY;
                next[a] = t + p.gemmSetup + issue + p.gemmLatency;
                break;
              }
              case W_ALU: {
                const issue = out.uopIters * (out.aluImm ? p.aluImmInterval : p.aluTensorInterval);
                stats[S_ALU_BUSY] += issue;
                phase[a] = BUSY;
                next[a] = t + p.aluSetup + issue + p.aluLatency;
                break;
              }
              case W_FINISH:
                phase[a] = BUSY;
                next[a] = t + p.finishCycles;
                break;
              default:
                phase[a] = BUSY;
                next[a] = t + p.nopCycles;
            }
            continue;
          }
          dmaRows = out.dmaRows;
          dmaRowBytes = out.dmaRowBytes;
          padTopBytes = out.padTopBytes;
          padRowBytes = out.padRowBytes;
          padBottomBytes = out.padBottomBytes;
          isStore = out.work === W_STORE;
        }
        rowsLeft[a] = dmaRows;
        burst[a] = 0;
        rowBeats[a] = Math.ceil(dmaRowBytes / busBytes);
        write[a] = isStore ? 1 : 0;
        padRow[a] = Math.ceil(padRowBytes / padRate);
        padBottom[a] = Math.ceil(padBottomBytes / padRate);
        const firstRequest = t + memSetup + Math.ceil(padTopBytes / padRate);
        if (dmaRows === 0) {
          phase[a] = BUSY;
          next[a] = firstRequest + padBottom[a]! + memTail;
        } else {
          phase[a] = DMA;
          next[a] = firstRequest;
        }
      }
    }
  } catch (e) {
    error = e;
  }
  m.startedCount = startedCount;
  s.busFreeAt = busFreeAt;
  s.time = time;
  s.lastIndex = lastIndex;
  s.lastModule = lastModule;
  f[0] = fPhase;
  f[1] = fNext;
  f[2] = fStart;
  f[3] = fEnd;
  f[4] = fFirst;
  f[5] = fDone;
  f[6] = fBlocked;
  if (error !== undefined) s.caught(error);
  else if (stuck) {
    // act(-1): the step that finds no agent able to act ends the run (and counts).
    done++;
    s.stuckEnd();
  }
  return done;
}

/**
 * timing.ts closeStall, with Machine.stall written out: this function is inlined into
 * the loop, but the call inside it was not (no inlining budget left), and it ran at
 * every start that ended a wait (3% of the benchmark's run).
 */
function closeStall(s: TimingCore, m: Machine, mod: number, t: number): void {
  if (!s.stallOpen[mod]) return;
  s.stallOpen[mod] = 0;
  const start = s.stallStart[mod]!;
  if (t <= start) return;
  const cause = s.stallCause[mod]!;
  m.stats[S.STALL + mod * 3 + cause] += t - start;
  if (m.trace.enabled) m.trace.stall(s.stallIdx[mod]!, start, t, cause, s.stallQ[mod]!);
}
