/**
 * The debug adapter as a first-time user meets it, over stdio: a step over always moves
 * the frame; modules with nothing left still point into the source; FINISH stops with a
 * summary on the compute module and continuing ends the session; a failed expression is
 * answered where it was typed, not as a notification too.
 * Needs `npm run build` first (npm test does it).
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { motion, ROOT, THREAD, withClient } from './dap-harness';

const ex = (name: string) => resolve(ROOT, 'examples', name);

async function launch(
  dc: DebugClient,
  args: Record<string, unknown>,
  lines: number[] = [],
): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await Promise.all([
    dc.waitForEvent('initialized').then(async () => {
      if (lines.length)
        await dc.setBreakpointsRequest({
          source: { path: args.program as string },
          breakpoints: lines.map((line) => ({ line })),
        });
      await dc.configurationDoneRequest();
    }),
    dc.launch(args as DebugProtocol.LaunchRequestArguments),
  ]);
  return stopped;
}

const frame = async (dc: DebugClient, threadId: number) =>
  (await dc.stackTraceRequest({ threadId })).body.stackFrames[0]!;

describe('vta debug-adapter: what a user sees', () => {
  for (const mode of ['both', 'functional'] as const) {
    it(`a step over from a breakpoint on a GEMM moves the compute frame (${mode})`, () =>
      withClient(async (dc) => {
        const program = ex('gemm-block.vta');
        const hit = await launch(dc, { program, mode }, [20]);
        assert.equal(hit.body.reason, 'breakpoint');
        const before = await frame(dc, THREAD.ex);
        assert.equal(before.line, 20);
        for (let k = 0; k < 3; k++) {
          const at = await frame(dc, THREAD.ex);
          const s = await motion(dc, () => dc.nextRequest({ threadId: THREAD.ex }));
          assert.equal(s.body.reason, 'step');
          assert.equal(s.body.threadId, THREAD.ex);
          const after = await frame(dc, THREAD.ex);
          assert.notEqual(
            after.instructionPointerReference,
            at.instructionPointerReference,
            `step ${k}: ${at.name} -> ${after.name}`,
          );
          assert.ok(after.line > at.line, `step ${k} moves down the source: ${at.line} -> ${after.line}`);
        }
      }));
  }

  it('FINISH stops on the compute module with a summary; every frame has a source; continue ends the session', () =>
    withClient(async (dc) => {
      const program = ex('gemm-block.vta');
      await launch(dc, { program, mode: 'both' }, [20]);
      const output: string[] = [];
      dc.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
      const end = await motion(dc, () => dc.continueRequest({ threadId: THREAD.ex }));
      assert.equal(end.body.reason, 'finished');
      assert.equal(end.body.threadId, THREAD.ex);
      await new Promise((r) => setTimeout(r, 100));
      const text = output.join('');
      assert.match(text, /gemm-block\.vta: finished in [\d,]+ cycles/);
      assert.match(text, /\d+ of \d+ instructions ran \(load \d+, compute \d+, store \d+\)/);
      assert.match(text, /Continue or step to end the session/);
      for (const t of [THREAD.ld, THREAD.ex, THREAD.st]) {
        const f = await frame(dc, t);
        assert.equal(f.source?.path, program, `thread ${t}: ${f.name}`);
        assert.ok(f.line > 0);
        assert.match(f.name, /: done, \d+ instructions? ran/);
      }
      // The Variables view of the focused frame is not empty.
      const scopes = (await dc.scopesRequest({ frameId: THREAD.ex })).body.scopes;
      const mod = await dc.variablesRequest({ variablesReference: scopes[0]!.variablesReference });
      assert.ok(mod.body.variables.some((v) => v.name === 'state' && v.value === 'done'));
      await Promise.all([dc.waitForEvent('terminated'), dc.continueRequest({ threadId: THREAD.ex })]);
    }));

  it('a failed expression is an error response not meant for a notification', () =>
    withClient(async (dc) => {
      const program = ex('gemm-block.vta');
      await launch(dc, { program, stopOnEntry: true });
      for (const context of ['repl', 'watch', 'hover']) {
        const r = await dc.evaluateRequest({ expression: 'nosuch[1]', context }).then(
          () => undefined,
          (e: Error) => e,
        );
        assert.ok(r instanceof Error, context);
        assert.match(r.message, /nosuch/);
      }
      // The raw response: an error whose body does not ask the editor to show it to the user
      // (the Debug Console shows the message where the expression was typed).
      const raw = (dc: DebugClient, command: string, args: unknown) =>
        new Promise<DebugProtocol.Response>((res) =>
          (dc as unknown as { doSend(c: string, a: unknown, f: (r: DebugProtocol.Response) => void): void }).doSend(
            command,
            args,
            res,
          ),
        );
      for (const context of ['repl', 'watch', 'hover']) {
        const r = (await raw(dc, 'evaluate', { expression: 'nosuch[1]', context })) as DebugProtocol.ErrorResponse;
        assert.equal(r.success, false);
        assert.match(r.message ?? '', /nosuch/);
        assert.notEqual(r.body.error?.showUser, true, context);
      }
    }));
});
