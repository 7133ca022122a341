/**
 * The debug adapter as VS Code runs it: `vta debug-adapter` over stdio, driven with
 * DebugClient. Breakpoints (line, push/pop lines, conditional, hit count, logpoints,
 * data), stops on deadlocks. Needs `npm run build` first (npm test does it).
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

const ROOT = resolve(import.meta.dirname, '../..');
const ex = (name: string) => resolve(ROOT, 'examples', name);
const THREAD = { ld: 1, ex: 2, st: 3 } as const;

async function startClient(): Promise<DebugClient> {
  const dc = new DebugClient(
    'node',
    `"${resolve(ROOT, 'bin/vta.cjs')}" debug-adapter`,
    'vta',
    { shell: true, cwd: ROOT },
    false,
  );
  dc.defaultTimeout = 10_000;
  await dc.start();
  await dc.initializeRequest({ adapterID: 'vta', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  return dc;
}

interface LaunchOpts {
  program: string;
  stopOnEntry?: boolean;
  mode?: 'functional' | 'timing' | 'both';
  bps?: Array<DebugProtocol.SourceBreakpoint>;
  dataBps?: string[];
}

/** launch → initialized → breakpoints → configurationDone; returns the first stopped event. */
async function launch(dc: DebugClient, o: LaunchOpts): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await Promise.all([
    dc.waitForEvent('initialized').then(async () => {
      if (o.bps) await dc.setBreakpointsRequest({ source: { path: o.program }, breakpoints: o.bps });
      if (o.dataBps) {
        const ids = [];
        for (const name of o.dataBps) {
          const info = await dc.dataBreakpointInfoRequest({ name });
          assert.ok(info.body.dataId, `data breakpoint info for ${name}: ${info.body.description}`);
          ids.push({ dataId: info.body.dataId });
        }
        await dc.setDataBreakpointsRequest({ breakpoints: ids });
      }
      await dc.configurationDoneRequest();
    }),
    dc.launch({
      program: o.program,
      stopOnEntry: o.stopOnEntry,
      mode: o.mode ?? 'functional',
    } as DebugProtocol.LaunchRequestArguments),
  ]);
  return stopped;
}

async function withClient(f: (dc: DebugClient) => Promise<void>): Promise<void> {
  const dc = await startClient();
  try {
    await f(dc);
  } finally {
    await dc.stop();
  }
}

async function frameOf(dc: DebugClient, threadId: number): Promise<DebugProtocol.StackFrame> {
  const st = await dc.stackTraceRequest({ threadId });
  return st.body.stackFrames[0]!;
}

async function cont(dc: DebugClient): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.continueRequest({ threadId: 1 });
  return stopped;
}

async function counter(dc: DebugClient, name: string): Promise<string> {
  const scopes = await dc.scopesRequest({ frameId: 2 });
  const c = scopes.body.scopes.find((s) => s.name === 'Counters')!;
  const vars = await dc.variablesRequest({ variablesReference: c.variablesReference });
  return vars.body.variables.find((v) => v.name === name)!.value;
}

describe('vta debug-adapter: breakpoints', () => {
  it('stops on a line of each module in turn (gemm-block.vta), with all three frames', () =>
    withClient(async (dc) => {
      const prog = ex('gemm-block.vta');
      // 13: load wgt (load), 20: gemm reset (compute), 30: store (store)
      let ev = await launch(dc, { program: prog, bps: [{ line: 13 }, { line: 20 }, { line: 30 }] });
      assert.equal(ev.body.reason, 'breakpoint');
      assert.equal(ev.body.threadId, THREAD.ld);
      assert.equal((await frameOf(dc, THREAD.ld)).line, 13);
      assert.equal((await frameOf(dc, THREAD.ex)).line, 17, 'compute stands at its first instruction');
      assert.equal((await frameOf(dc, THREAD.st)).line, 30, 'store stands at its first instruction');
      const threads = await dc.threadsRequest();
      assert.deepEqual(
        threads.body.threads.map((t) => t.name),
        ['load', 'compute', 'store'],
      );

      ev = await cont(dc);
      assert.equal(ev.body.reason, 'breakpoint');
      assert.equal(ev.body.threadId, THREAD.ex);
      assert.equal((await frameOf(dc, THREAD.ex)).line, 20);
      assert.match((await frameOf(dc, THREAD.ld)).name, /done/);

      ev = await cont(dc);
      assert.equal(ev.body.threadId, THREAD.st);
      assert.equal((await frameOf(dc, THREAD.st)).line, 30);
      assert.match((await frameOf(dc, THREAD.ex)).name, /ALU|GEMM|NOP|FINISH/);

      ev = await cont(dc);
      assert.equal(ev.body.reason, 'finished');
      const terminated = dc.waitForEvent('terminated');
      await dc.continueRequest({ threadId: 1 });
      await terminated;
    }));
});

describe('vta debug-adapter: breakpoint kinds', () => {
  it('a pop line stops at the instruction carrying the flag; conditions over queues', () =>
    withClient(async (dc) => {
      const prog = ex('gemm-block.vta');
      // Line 19 is `pop ld->ex`, folded into the GEMM reset of line 20. Line 12's condition is false.
      const ev = await launch(dc, {
        program: prog,
        bps: [
          { line: 12, condition: 'queue("ld->ex") > 0' },
          { line: 19, condition: 'queue("ld->ex") == 1 && cycle >= 3' },
        ],
      });
      assert.equal(ev.body.reason, 'breakpoint');
      assert.equal(ev.body.threadId, THREAD.ex);
      assert.equal((await frameOf(dc, THREAD.ex)).line, 20);
      const r = await dc.evaluateRequest({ expression: 'queue("ld->ex")', context: 'repl' });
      assert.equal(r.body.result, '1');
    }));
});

describe('vta debug-adapter: hit counts, conditions on SRAM, logpoints (conv3x3.vta)', () => {
  it('hit count 3 stops at the third run of a loop body line; the logpoint printed each run', () =>
    withClient(async (dc) => {
      const prog = ex('conv3x3.vta');
      const logs: string[] = [];
      dc.on('output', (e: DebugProtocol.OutputEvent) => {
        if (e.body.output.startsWith('taps ')) logs.push(e.body.output.trim());
      });
      const ev = await launch(dc, {
        program: prog,
        bps: [
          { line: 31, hitCondition: '3' },
          { line: 30, logMessage: 'taps gemm_step={steps} acc0={acc[0][0]}' },
        ],
      });
      assert.equal(ev.body.reason, 'breakpoint');
      assert.equal((await frameOf(dc, THREAD.ex)).line, 31);
      // zero_row reset counts nothing; each taps GEMM counts 6 x 3 x 6 = 108.
      assert.equal(await counter(dc, 'gemm_counter'), '216');
      assert.equal(logs.length, 3, logs.join('\n'));
      assert.match(logs[0]!, /acc0=0$/);
    }));

  it('a condition on an ACC lane skips the first run (acc[7] still zero) and stops at the second', () =>
    withClient(async (dc) => {
      const ev = await launch(dc, {
        program: ex('conv3x3.vta'),
        bps: [{ line: 31, condition: 'acc[7][0] != 0 || acc[7][1] != 0' }],
      });
      assert.equal(ev.body.reason, 'breakpoint');
      assert.equal(await counter(dc, 'gemm_counter'), '108');
    }));
  it('the same condition in timing mode (both), where the adapter seeks back to before the instruction', () =>
    withClient(async (dc) => {
      const ev = await launch(dc, {
        program: ex('conv3x3.vta'),
        mode: 'both',
        bps: [
          { line: 31, condition: 'acc[7][0] != 0 || acc[7][1] != 0' },
          { line: 30, logMessage: 'taps {steps}' },
        ],
      });
      assert.equal(ev.body.reason, 'breakpoint');
      assert.equal((await frameOf(dc, THREAD.ex)).line, 31);
      assert.equal(await counter(dc, 'gemm_counter'), '108');
    }));
});

describe('vta debug-adapter: data breakpoints', () => {
  it('a data breakpoint on ACC row 0 stops at the GEMMs and ALUs that write it (gemm-block.vta)', () =>
    withClient(async (dc) => {
      let ev = await launch(dc, { program: ex('gemm-block.vta'), dataBps: ['acc[0]'] });
      assert.equal(ev.body.reason, 'data breakpoint');
      assert.equal(ev.body.threadId, THREAD.ex);
      assert.match(ev.body.description ?? '', /acc\[0\].*GEMM reset/);
      assert.equal((await frameOf(dc, THREAD.ex)).line, 20);
      ev = await cont(dc);
      assert.equal(ev.body.reason, 'data breakpoint');
      assert.equal((await frameOf(dc, THREAD.ex)).line, 21);
      const before = await dc.evaluateRequest({ expression: 'acc[0][0:4]', context: 'watch' });
      assert.equal(before.body.result, '[0, 0, 0, 0]', 'the reset ran; the accumulating GEMM has not yet');
      ev = await cont(dc);
      assert.equal((await frameOf(dc, THREAD.ex)).line, 24, 'then the ALU max');
      const afterGemm = await dc.evaluateRequest({ expression: 'acc[0][0:4]', context: 'watch' });
      assert.notEqual(afterGemm.body.result, '[0, 0, 0, 0]');
      ev = await cont(dc);
      assert.equal((await frameOf(dc, THREAD.ex)).line, 25, 'then the ALU shr');
      ev = await cont(dc);
      assert.equal(ev.body.reason, 'finished');
    }));

  it('a data breakpoint on a token queue stops at its push and its pop', () =>
    withClient(async (dc) => {
      let ev = await launch(dc, { program: ex('gemm-block.vta'), dataBps: ['queue("ld->ex")'] });
      assert.equal(ev.body.reason, 'data breakpoint');
      assert.equal((await frameOf(dc, THREAD.ld)).line, 13, 'the load that pushes');
      ev = await cont(dc);
      assert.equal((await frameOf(dc, THREAD.ex)).line, 20, 'the GEMM that pops');
    }));

  it('rejects DRAM and plain numbers as data breakpoints', () =>
    withClient(async (dc) => {
      await launch(dc, { program: ex('gemm-block.vta'), stopOnEntry: true });
      const info = await dc.dataBreakpointInfoRequest({ name: 'cycle' });
      assert.equal(info.body.dataId, null);
      const rows = await dc.dataBreakpointInfoRequest({ name: 'wgt[0:16]' });
      assert.equal(rows.body.dataId, 'wgt:0:16');
    }));
});

describe('vta debug-adapter: simulator errors', () => {
  it('examples/defects/deadlock.vta stops with an exception carrying the waiting chain', () =>
    withClient(async (dc) => {
      const ev = await launch(dc, { program: ex('defects/deadlock.vta') });
      assert.equal(ev.body.reason, 'exception');
      assert.equal(ev.body.threadId, THREAD.ex);
      assert.match(ev.body.text ?? '', /deadlock/);
      assert.match(
        ev.body.text ?? '',
        /compute waits on ld->ex at instruction \d+ \(line 20\); producer load is done \(1 pushed, 1 popped\)/,
      );
      assert.equal((await frameOf(dc, THREAD.ex)).line, 20, 'the GEMM that carries the second pop');
      const info = await dc.exceptionInfoRequest({ threadId: THREAD.ex });
      assert.equal(info.body.exceptionId, 'deadlock');
      assert.match(info.body.details?.stackTrace ?? '', /waits on ld->ex/);
      const scopes = await dc.scopesRequest({ frameId: THREAD.ex });
      const vars = await dc.variablesRequest({ variablesReference: scopes.body.scopes[0]!.variablesReference });
      assert.equal(vars.body.variables.find((v) => v.name === 'state')!.value, 'blocked on ld->ex');
    }));
});

describe('vta debug-adapter: entry, first instruction, pause', () => {
  it('a breakpoint on the first instruction stops without stopOnEntry, and after the entry stop', () =>
    withClient(async (dc) => {
      const prog = ex('gemm-block.vta');
      const ev = await launch(dc, { program: prog, bps: [{ line: 12 }] });
      assert.equal(ev.body.reason, 'breakpoint');
      assert.equal((await frameOf(dc, THREAD.ld)).line, 12);
      assert.equal((await dc.evaluateRequest({ expression: 'steps', context: 'repl' })).body.result, '0');
    }));

  it('stopOnEntry, then continue stops at the breakpoint on the first instruction, then passes it', () =>
    withClient(async (dc) => {
      const prog = ex('gemm-block.vta');
      let ev = await launch(dc, { program: prog, stopOnEntry: true, bps: [{ line: 12 }, { line: 14 }] });
      assert.equal(ev.body.reason, 'entry');
      ev = await cont(dc);
      assert.equal(ev.body.reason, 'breakpoint');
      assert.equal((await frameOf(dc, THREAD.ld)).line, 12);
      ev = await cont(dc);
      assert.equal(ev.body.reason, 'breakpoint', 'the push line 14 maps to the load on line 13');
      assert.equal((await frameOf(dc, THREAD.ld)).line, 13);
    }));

  it('pause stops a long run; continue then runs it to the end', () =>
    withClient(async (dc) => {
      const { streamProgram } = await import('../support/random-built-program');
      const { encodeProgram } = await import('../../core/isa');
      const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const program = streamProgram(100_000);
      const dir = mkdtempSync(resolve(tmpdir(), 'vta-dap-'));
      try {
        writeFileSync(
          resolve(dir, 's.insn.bin'),
          encodeProgram(
            program.target,
            program.insns.map((p) => p.insn),
          ),
        );
        writeFileSync(resolve(dir, 's.dram.bin'), program.dram);
        const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
        await Promise.all([
          dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()),
          dc.launch({
            program: resolve(dir, 's.insn.bin'),
            dram: resolve(dir, 's.dram.bin'),
            mode: 'functional',
          } as DebugProtocol.LaunchRequestArguments),
        ]);
        await dc.pauseRequest({ threadId: 1 });
        const ev = await stopped;
        assert.equal(ev.body.reason, 'pause');
        const steps = Number((await dc.evaluateRequest({ expression: 'steps', context: 'repl' })).body.result);
        assert.ok(steps < program.insns.length, `paused part-way (${steps} steps)`);
        const end = await cont(dc);
        assert.equal(end.body.reason, 'finished');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }));
});

describe('vta debug-adapter: run without debugging', () => {
  it('noDebug runs to the end, ignores breakpoints and terminates', () =>
    withClient(async (dc) => {
      const prog = ex('gemm-block.vta');
      const terminated = dc.waitForEvent('terminated');
      const output: string[] = [];
      dc.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
      await Promise.all([
        dc.waitForEvent('initialized').then(async () => {
          const r = await dc.setBreakpointsRequest({ source: { path: prog }, breakpoints: [{ line: 20 }] });
          assert.equal(r.body.breakpoints[0]!.verified, false);
          await dc.configurationDoneRequest();
        }),
        dc.launch({ program: prog, noDebug: true } as DebugProtocol.LaunchRequestArguments),
      ]);
      await terminated;
      assert.match(output.join(''), /gemm-block\.vta: finished in [\d,]+ cycles.*\n {2}10 of 10 instructions ran/);
    }));
});
