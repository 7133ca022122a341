/**
 * The debug adapter over stdio: variables and memory against a functional run of the
 * same program, stepping back to exactly the earlier state, reverse continue, binary
 * and TVM-dump inputs with their disassembly, the timing mode's stepCycle, writeMemory.
 * Needs `npm run build` first (npm test does it).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { motion, ROOT, THREAD, withClient } from './dap-harness';
import { assembleText } from '../../core/asm';
import { encodeProgram } from '../../core/isa';
import type { Program } from '../../core/program/program';
import { Simulator, simulate } from '../../core/sim';
import { nodeHost } from '../../server/node-host';

const ex = (name: string) => resolve(ROOT, 'examples', name);

function assemble(path: string): Program {
  const r = assembleText(readFileSync(path, 'utf8'), { file: path, host: nodeHost });
  assert.ok(r.program);
  return r.program;
}

async function launch(
  dc: DebugClient,
  args: Record<string, unknown>,
  bps?: { source: DebugProtocol.Source; lines: number[] },
): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await Promise.all([
    dc.waitForEvent('initialized').then(async () => {
      if (bps) await dc.setBreakpointsRequest({ source: bps.source, breakpoints: bps.lines.map((line) => ({ line })) });
      await dc.configurationDoneRequest();
    }),
    dc.launch({ mode: 'functional', ...args } as DebugProtocol.LaunchRequestArguments),
  ]);
  return stopped;
}

async function vars(dc: DebugClient, ref: number): Promise<Record<string, DebugProtocol.Variable>> {
  const r = await dc.variablesRequest({ variablesReference: ref });
  return Object.fromEntries(r.body.variables.map((v) => [v.name, v]));
}

async function scope(dc: DebugClient, frameId: number, name: string): Promise<Record<string, DebugProtocol.Variable>> {
  const s = await dc.scopesRequest({ frameId });
  const sc = s.body.scopes.find((x) => x.name.startsWith(name));
  assert.ok(sc, `scope ${name}`);
  return vars(dc, sc.variablesReference);
}

async function readAll(dc: DebugClient, ref: string, count: number): Promise<Buffer> {
  const r = await readMemory(dc, { memoryReference: ref, offset: 0, count });
  return Buffer.from(r.body?.data ?? '', 'base64');
}

// DebugClient 1.68 has no helpers for these two requests.
const readMemory = (dc: DebugClient, args: DebugProtocol.ReadMemoryArguments) =>
  dc.customRequest('readMemory', args) as Promise<DebugProtocol.ReadMemoryResponse>;
const writeMemory = (dc: DebugClient, args: DebugProtocol.WriteMemoryArguments) =>
  dc.customRequest('writeMemory', args) as Promise<DebugProtocol.WriteMemoryResponse>;

/** Everything a user can see: frames, module/queue/counter variables, every memory. */
async function fullState(dc: DebugClient): Promise<string> {
  const parts: unknown[] = [];
  for (const t of [1, 2, 3]) {
    const st = await dc.stackTraceRequest({ threadId: t });
    const f = st.body.stackFrames[0]!;
    parts.push([f.name, f.line]);
    for (const name of ['Module', 'Queues', 'Counters']) {
      const v = await scope(dc, t, name);
      parts.push(Object.values(v).map((x) => `${x.name}=${x.value}`));
    }
  }
  for (const [ref, n] of [
    ['dram', 1 << 20],
    ['inp', 2048 * 16],
    ['wgt', 1024 * 256],
    ['acc', 2048 * 64],
    ['uop', 8192 * 4],
  ] as const) {
    parts.push(`${ref}:${(await readAll(dc, ref, n)).toString('base64')}`);
  }
  return JSON.stringify(parts);
}

describe('vta debug-adapter: values against a functional run', () => {
  it('ACC lanes at a breakpoint and DRAM tensors, counters and memory at the end match core/sim', () =>
    withClient(async (dc) => {
      const path = ex('gemm-block.vta');
      const program = assemble(path);
      // The reference: the simulator in-process, stopped before the ALU max (instruction at line 24).
      const aluIndex = program.insns.findIndex((pi) => pi.source?.start.line === 23);
      const ref = new Simulator(program, { mode: 'functional' });
      assert.equal(ref.run(new Set([aluIndex])), 'breakpoint');
      const accRow0 = Array.from(ref.readAcc(0));
      assert.ok(
        accRow0.some((x) => x !== 0),
        'the reference row is not trivially zero',
      );

      const ev = await launch(dc, { program: path }, { source: { path }, lines: [24] });
      assert.equal(ev.body.reason, 'breakpoint');
      const buffers = await scope(dc, THREAD.ex, 'Buffers');
      const accRows = await vars(dc, buffers['ACC']!.variablesReference); // [0:64], [64:128], …
      const first = await vars(dc, accRows['[0:64]']!.variablesReference);
      const lanes = await vars(dc, first['0']!.variablesReference);
      assert.deepEqual(
        Object.values(lanes).map((v) => Number(v.value)),
        accRow0,
      );
      const hover = await dc.evaluateRequest({ expression: 'acc[0][0:4]', context: 'hover' });
      assert.equal(hover.body.result, `[${accRow0.slice(0, 4).join(', ')}]`);
      const module = await scope(dc, THREAD.ex, 'Module');
      assert.match(module['instruction']!.value, /^ALU max imm=0/);
      assert.equal(module['line']!.value, '24');
      // Every frame also shows all three modules at once.
      const all = await scope(dc, THREAD.ld, 'Modules');
      assert.deepEqual(Object.keys(all), ['load', 'compute', 'store']);
      assert.match(all['compute']!.value, /ALU max imm=0/);
      assert.ok(all['store']!.variablesReference > 0);

      const end = await motion(dc, () => dc.continueRequest({ threadId: 1 }));
      assert.equal(end.body.reason, 'finished');
      const full = simulate(program, { mode: 'functional' });
      assert.equal(full.status, 'finished');
      const dram = await readAll(dc, 'dram', program.dram.length + 64);
      assert.deepEqual(new Uint8Array(dram), full.dram, 'readMemory(dram) is the final image');
      const tensors = await scope(dc, THREAD.ex, 'DRAM tensors');
      const y = program.layout.tensors.find((t) => t.name === 'y')!;
      const yRow = await vars(dc, (await vars(dc, tensors['y']!.variablesReference))['0']!.variablesReference);
      assert.deepEqual(
        Object.values(yRow).map((v) => Number(v.value)),
        Array.from(new Int8Array(full.dram.buffer, y.byteOffset, y.elemBytes)),
      );
      const counters = await scope(dc, THREAD.ex, 'Counters');
      for (const [k, v] of Object.entries(full.counters)) assert.equal(counters[k]!.value, String(v), k);
      const yEval = await dc.evaluateRequest({ expression: 'y[0][0]', context: 'repl' });
      assert.equal(yEval.body.result, String(new Int8Array(full.dram.buffer, y.byteOffset, 1)[0]));
    }));
});

describe('vta debug-adapter: reverse execution', () => {
  it('stepBack after four steps restores exactly the earlier state; reverseContinue returns to the breakpoint', () =>
    withClient(async (dc) => {
      const path = ex('gemm-block.vta');
      await launch(dc, { program: path }, { source: { path }, lines: [20] });
      const s0 = await fullState(dc);
      for (let k = 0; k < 4; k++)
        assert.equal((await motion(dc, () => dc.nextRequest({ threadId: THREAD.ex }))).body.reason, 'step');
      const s1 = await fullState(dc);
      assert.notEqual(s1, s0, 'the steps changed the state');
      assert.equal((await dc.evaluateRequest({ expression: 'steps', context: 'repl' })).body.result, '8');
      for (let k = 0; k < 4; k++) await motion(dc, () => dc.stepBackRequest({ threadId: THREAD.ex }));
      assert.equal(await fullState(dc), s0, 'four steps back: the same state');
      for (let k = 0; k < 4; k++) await motion(dc, () => dc.nextRequest({ threadId: THREAD.ex }));
      assert.equal(await fullState(dc), s1, 'and forward again: the same state');

      assert.equal((await motion(dc, () => dc.continueRequest({ threadId: 1 }))).body.reason, 'finished');
      const back = await motion(dc, () => dc.reverseContinueRequest({ threadId: 1 }));
      assert.equal(back.body.reason, 'breakpoint');
      assert.equal(await fullState(dc), s0, 'reverse continue: the state at the breakpoint');
      const start = await motion(dc, () => dc.reverseContinueRequest({ threadId: 1 }));
      assert.equal(start.body.reason, 'entry');
      assert.equal((await dc.evaluateRequest({ expression: 'steps', context: 'repl' })).body.result, '0');
    }));

  it('stepIn follows one module; stepCycle advances the clock by one cycle in timing mode (both)', () =>
    withClient(async (dc) => {
      const path = ex('gemm-block.vta');
      const ev = await launch(dc, { program: path, mode: 'both', stopOnEntry: true });
      assert.equal(ev.body.reason, 'entry');
      const t0 = Number((await dc.evaluateRequest({ expression: 'cycle', context: 'repl' })).body.result);
      // Each stop also tells the simulator view which cycle to show.
      const cycleEvent = dc.waitForEvent('vtaCycle') as Promise<DebugProtocol.Event>;
      await motion(dc, () => dc.customRequest('stepCycle', { threadId: 1 }));
      const t1 = Number((await dc.evaluateRequest({ expression: 'cycle', context: 'repl' })).body.result);
      assert.equal(t1, t0 + 1);
      assert.equal((await cycleEvent).body.cycle, t1);
      // stepIn on the store thread: its first event is a wait on ex->st.
      const s = await motion(dc, () => dc.stepInRequest({ threadId: THREAD.st }));
      assert.equal(s.body.threadId, THREAD.st);
      const module = await scope(dc, THREAD.st, 'Module');
      assert.equal(module['state']!.value, 'blocked on ex->st');
      await motion(dc, () => dc.stepBackRequest({ threadId: THREAD.st }));
    }));
});

describe('vta debug-adapter: binaries, dumps, memory', () => {
  it('an instruction binary + DRAM image runs with a disassembly listing, breakpoints in it and the disassemble request', () =>
    withClient(async (dc) => {
      const program = assemble(ex('gemm-block.vta'));
      const dir = mkdtempSync(join(tmpdir(), 'vta-dap-'));
      try {
        writeFileSync(
          join(dir, 'x.insn.bin'),
          encodeProgram(
            program.target,
            program.insns.map((p) => p.insn),
          ),
        );
        writeFileSync(join(dir, 'x.dram.bin'), program.dram);
        const gemm = program.insns.findIndex((p) => p.insn.opcode === 2);
        const ev = await launch(dc, {
          insn: join(dir, 'x.insn.bin'),
          dram: join(dir, 'x.dram.bin'),
          stopOnEntry: true,
        });
        assert.equal(ev.body.reason, 'entry');
        const frame = (await dc.stackTraceRequest({ threadId: THREAD.ex })).body.stackFrames[0]!;
        assert.ok(frame.source?.sourceReference, 'the listing is served by the adapter');
        const listing = await dc.sourceRequest({
          sourceReference: frame.source.sourceReference!,
          source: frame.source,
        });
        assert.match(listing.body.content.split('\n')[gemm]!, /GEMM reset/);
        const bp = await dc.setBreakpointsRequest({ source: frame.source, breakpoints: [{ line: gemm + 2 }] });
        assert.equal(bp.body.breakpoints[0]!.verified, true);
        const hit = await motion(dc, () => dc.continueRequest({ threadId: 1 }));
        assert.equal(hit.body.reason, 'breakpoint');
        const f2 = (await dc.stackTraceRequest({ threadId: THREAD.ex })).body.stackFrames[0]!;
        assert.equal(f2.line, gemm + 2);
        assert.equal(f2.instructionPointerReference, `0x${((gemm + 1) * 16).toString(16)}`);
        const dis = await dc.disassembleRequest({
          memoryReference: f2.instructionPointerReference!,
          instructionOffset: -1,
          instructionCount: 3,
        });
        assert.deepEqual(
          dis.body!.instructions.map((i) => i.instruction.split(' ')[0]),
          ['GEMM', 'GEMM', 'ALU'],
        );
        assert.match(dis.body!.instructions[0]!.instruction, /^GEMM reset/);
        const end = await motion(dc, () => dc.continueRequest({ threadId: 1 }));
        assert.equal(end.body.reason, 'finished');
        assert.deepEqual(new Uint8Array(await readAll(dc, 'dram', program.dram.length)), simulate(program).dram);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }));

  it('a TVM dump runs with frames on the dump lines', () =>
    withClient(async (dc) => {
      const path = resolve(ROOT, 'test/fixtures/dumps/testlib-gemm.log');
      const ev = await launch(dc, { dump: path, stopOnEntry: true, mode: 'timing' });
      assert.equal(ev.body.reason, 'entry');
      const text = readFileSync(path, 'utf8').split('\n');
      const f = (await dc.stackTraceRequest({ threadId: THREAD.ld })).body.stackFrames[0]!;
      assert.equal(f.source?.path, path);
      assert.match(text[f.line - 1]!, /INSTRUCTION/);
      const s = await motion(dc, () => dc.nextRequest({ threadId: THREAD.ld }));
      assert.ok(['step', 'finished', 'exception'].includes(s.body.reason));
    }));

  it('writeMemory changes ACC and DRAM as readMemory and variables show them', () =>
    withClient(async (dc) => {
      const path = ex('gemm-block.vta');
      await launch(dc, { program: path, stopOnEntry: true });
      const lanes = new Int32Array([5, -1, 7, 9]);
      const w = await writeMemory(dc, {
        memoryReference: 'acc',
        offset: 3 * 64,
        data: Buffer.from(lanes.buffer).toString('base64'),
      });
      assert.equal(w.body?.bytesWritten, 16);
      assert.equal(
        (await dc.evaluateRequest({ expression: 'acc[3][0:4]', context: 'repl' })).body.result,
        '[5, -1, 7, 9]',
      );
      assert.equal((await dc.evaluateRequest({ expression: 'acc[3][0] == 5', context: 'repl' })).body.result, '1');
      await writeMemory(dc, { memoryReference: 'dram', offset: 2, data: Buffer.from([0x7f]).toString('base64') });
      const r = await readMemory(dc, { memoryReference: 'dram', offset: 0, count: 4 });
      assert.equal(Buffer.from(r.body!.data!, 'base64')[2], 0x7f);
      assert.equal((await dc.evaluateRequest({ expression: 'act[0][2]', context: 'repl' })).body.result, '127');
    }));

  it('an instruction breakpoint from the disassembly view; setVariable on an ACC lane; a data breakpoint from the Variables view', () =>
    withClient(async (dc) => {
      const path = ex('gemm-block.vta');
      const program = assemble(path);
      await launch(dc, { program: path, stopOnEntry: true });
      const alu = program.insns.findIndex((p) => p.insn.opcode === 4);
      const r = (await dc.customRequest('setInstructionBreakpoints', {
        breakpoints: [{ instructionReference: '0x0', offset: alu }],
      })) as DebugProtocol.SetInstructionBreakpointsResponse;
      assert.equal(r.body.breakpoints[0]!.verified, true);
      const hit = await motion(dc, () => dc.continueRequest({ threadId: 1 }));
      assert.equal(hit.body.reason, 'breakpoint');
      assert.equal(
        (await dc.stackTraceRequest({ threadId: THREAD.ex })).body.stackFrames[0]!.instructionPointerReference,
        `0x${(alu * 16).toString(16)}`,
      );

      const buffers = await scope(dc, THREAD.ex, 'Buffers');
      const chunkRef = (await vars(dc, buffers['ACC']!.variablesReference))['[0:64]']!.variablesReference;
      const chunk = await vars(dc, chunkRef);
      const info = await dc.dataBreakpointInfoRequest({ name: '2', variablesReference: chunkRef });
      assert.equal(info.body.dataId, 'acc:2:3');
      const row0 = chunk['0']!;
      const set = await dc.setVariableRequest({ variablesReference: row0.variablesReference, name: '1', value: '-42' });
      assert.equal(set.body.value, '-42');
      assert.equal((await dc.evaluateRequest({ expression: 'acc[0][1]', context: 'repl' })).body.result, '-42');
      const back = await dc.stepBackRequest({ threadId: THREAD.ex }).catch((e: Error) => e);
      assert.ok(back instanceof Error && /memory was written/.test(back.message), 'no stepping back across a write');
    }));
});
