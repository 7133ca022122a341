/**
 * Seeded fuzzing of the debug adapter (`vta debug-adapter` over stdio): sessions on the
 * examples and on an instruction binary, each a random sequence of requests, valid
 * and not (stepping both ways, breakpoints of every kind, variables, expressions,
 * memory, disassembly at any offset and count).
 *
 * Holds: every request is answered within 5 s; no answer is an internal error (a
 * stack trace, a TypeError, a stack overflow: error 1104) and no output event says
 * "internal error"; the adapter lives to the end. Below it, the inputs issue 20 found.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { assembleText } from '../../core/asm';
import { encodeProgram } from '../../core/isa';
import { nodeHost } from '../../server/node-host';
import { FUZZ_SEED, NASTY_INTS, Rng, fuzzFailure, within } from '../support/fuzz-corpus';

const ROOT = resolve(import.meta.dirname, '../..');
const SESSIONS = 6;
const REQUESTS_PER_SESSION = 120;
const INTERNAL =
  /TypeError|RangeError|ReferenceError|Cannot read prop|is not a function|is not iterable|Maximum call stack|internal error|\n\s+at \S/;

async function withClient(f: (dc: DebugClient, outputs: string[]) => Promise<void>): Promise<void> {
  const dc = new DebugClient(
    'node',
    `"${resolve(ROOT, 'bin/vta.cjs')}" debug-adapter`,
    'vta',
    { shell: true, cwd: ROOT },
    false,
  );
  dc.defaultTimeout = 10_000;
  const outputs: string[] = [];
  dc.on('output', (e: DebugProtocol.OutputEvent) => outputs.push(e.body.output));
  await dc.start();
  try {
    await dc.initializeRequest({ adapterID: 'vta', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    await f(dc, outputs);
  } finally {
    // A stuck adapter does not answer the disconnect: it is killed so that the failure is reported.
    const stopped = await Promise.race([
      dc.stop().then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), 3000)),
    ]);
    if (!stopped) (dc as unknown as { _adapterProcess?: { kill(): void } })._adapterProcess?.kill();
  }
}

async function launch(dc: DebugClient, args: Record<string, unknown>): Promise<void> {
  const stopped = dc.waitForEvent('stopped');
  await Promise.all([
    dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()),
    dc.launch({ mode: 'both', stopOnEntry: true, ...args } as DebugProtocol.LaunchRequestArguments),
  ]);
  await stopped;
}

/**
 * Sends one request: its answer (a response, or the message of an error response),
 * failing on a hang or an internal error.
 */
async function send(
  dc: DebugClient,
  command: string,
  args: unknown,
  what: string,
): Promise<DebugProtocol.Response | string> {
  try {
    return await within(dc.send(command, args), 5000, what);
  } catch (e) {
    const m = (e as Error).message;
    if (/no answer in/.test(m)) throw e;
    if (INTERNAL.test(m)) throw fuzzFailure(`${what}: internal error: ${m.slice(0, 800)}`);
    return m;
  }
}

const EXPRESSIONS = [
  'acc[0]',
  'acc[0][1]',
  'inp[3]',
  'wgt[0:4]',
  'uop[0]',
  'dram[0]',
  'cycle',
  'steps',
  'queue("ld->ex")',
  'acc[0][0] + 1 * 2',
  '1 / 0',
  'acc[-1]',
  'acc[99999999]',
  'nosuch',
  '',
  '(',
  '((1)',
  `${'('.repeat(5000)}1${')'.repeat(5000)}`,
  `${'-'.repeat(3000)}1`,
  '!'.repeat(2000) + '0',
  '1+'.repeat(20000) + '1',
  'acc[0:2048][0]',
  '"str"',
  'queue(1)',
];

function randomRequest(rng: Rng, refs: number[], dataIds: string[], file: string): [string, unknown] {
  const anyInt = () => (rng.chance(0.6) ? rng.int(-50, 300) : rng.pick(NASTY_INTS));
  const tid = () => (rng.chance(0.85) ? rng.int(1, 3) : rng.pick(NASTY_INTS));
  switch (rng.int(0, 21)) {
    case 0:
      return ['next', { threadId: tid() }];
    case 1:
      return ['stepIn', { threadId: tid() }];
    case 2:
      return ['stepOut', { threadId: tid() }];
    case 3:
      return ['stepBack', { threadId: tid() }];
    case 4:
      return ['reverseContinue', { threadId: tid() }];
    case 5:
      return [
        'stackTrace',
        { threadId: tid(), startFrame: rng.chance(0.8) ? 0 : anyInt(), levels: rng.chance(0.8) ? 20 : anyInt() },
      ];
    case 6:
      return ['scopes', { frameId: tid() }];
    case 7:
      return [
        'variables',
        {
          variablesReference: refs.length && rng.chance(0.85) ? rng.pick(refs) : anyInt(),
          ...(rng.chance(0.3) ? { start: anyInt(), count: anyInt() } : {}),
        },
      ];
    case 8:
    case 9:
      return [
        'evaluate',
        { expression: rng.pick(EXPRESSIONS), context: rng.pick(['repl', 'watch', 'hover', undefined]) },
      ];
    case 10:
      return [
        'readMemory',
        {
          memoryReference: rng.pick(['dram', 'inp', 'wgt', 'acc', 'uop', 'garbage']),
          offset: rng.chance(0.7) ? rng.int(0, 4096) : anyInt(),
          count: rng.chance(0.7) ? rng.int(1, 512) : rng.pick([0, 65536, 1e8, 2 ** 31, 2 ** 53, ...NASTY_INTS]),
        },
      ];
    case 11:
      return [
        'writeMemory',
        {
          memoryReference: rng.pick(['dram', 'inp', 'acc', 'uop', 'x']),
          offset: rng.chance(0.7) ? rng.int(0, 1024) : anyInt(),
          data: rng.pick(['AAAA', 'AQIDBA==', '', '!!!', Buffer.alloc(rng.int(1, 200), 7).toString('base64')]),
        },
      ];
    case 12:
    case 13:
      return [
        'disassemble',
        {
          memoryReference: rng.pick(['0x0', '0x10', 'insns', 'garbage', '-0x10', '0xFFFFFFFFFFFF', '1e400']),
          offset: rng.chance(0.7) ? 0 : anyInt(),
          instructionOffset: rng.chance(0.6)
            ? rng.int(-50, 50)
            : rng.pick([2 ** 53, -(2 ** 53), 2 ** 31, ...NASTY_INTS]),
          instructionCount: rng.chance(0.8)
            ? rng.int(1, 200)
            : rng.pick([0, 1000, 100_000, 1e7, 2 ** 53, ...NASTY_INTS]),
          resolveSymbols: rng.chance(0.7),
        },
      ];
    case 14:
      return [
        'setBreakpoints',
        {
          source: rng.chance(0.9)
            ? { path: file }
            : rng.pick([{ path: '/nonexistent.vta' }, { sourceReference: 1 }, {}]),
          breakpoints: Array.from({ length: rng.int(0, 5) }, () => ({
            line: rng.chance(0.8) ? rng.int(1, 60) : rng.pick(NASTY_INTS),
            ...(rng.chance(0.3) ? { condition: rng.pick(EXPRESSIONS) } : {}),
            ...(rng.chance(0.2) ? { hitCondition: rng.pick(['3', '>2', '%2', 'x', '']) } : {}),
            ...(rng.chance(0.1) ? { logMessage: `at {${rng.pick(EXPRESSIONS)}} {` } : {}),
          })),
        },
      ];
    case 15:
      return [
        'dataBreakpointInfo',
        { name: rng.pick(['acc[0]', 'wgt[0:16]', 'ld->ex', 'dram[0]', 'nosuch', '', 'acc[0:99999999]']) },
      ];
    case 16:
      return [
        'setDataBreakpoints',
        {
          breakpoints: Array.from({ length: rng.int(0, 3) }, () => ({
            dataId:
              dataIds.length && rng.chance(0.5)
                ? rng.pick(dataIds)
                : rng.pick(['acc:0:1', 'garbage', '', 'queue:ld->ex', 'acc:0:99999999', 'inp:5:3']),
            accessType: rng.pick(['read', 'write', 'readWrite', undefined, 'bogus']),
          })),
        },
      ];
    case 17:
      return [
        'setInstructionBreakpoints',
        {
          breakpoints: Array.from({ length: rng.int(0, 3) }, () => ({
            instructionReference: rng.pick(['0x0', '0x30', 'insns', 'garbage', '0xFFFFFFFFFFFF', '1e400']),
            offset: rng.chance(0.5) ? anyInt() : undefined,
          })),
        },
      ];
    case 18:
      return [
        'breakpointLocations',
        { source: { path: file }, line: anyInt(), endLine: rng.chance(0.5) ? anyInt() : undefined },
      ];
    case 19:
      return ['exceptionInfo', { threadId: tid() }];
    case 20:
      return [
        rng.pick(['threads', 'simState', 'stepCycle', 'source']),
        rng.pick([{}, { sourceReference: anyInt() }, { threadId: tid() }]),
      ];
    default:
      return [
        rng.pick(['setVariable', 'goto', 'nonsense', 'completions']),
        {
          variablesReference: refs.length ? rng.pick(refs) : 1,
          name: rng.pick(['0', 'x', '']),
          value: rng.pick(['1', '-129', 'abc', '99999999999999999999']),
        },
      ];
  }
}

describe(`dap fuzz (seed ${FUZZ_SEED})`, () => {
  it(`${SESSIONS} sessions of ${REQUESTS_PER_SESSION} random requests each: answered, never an internal error`, async () => {
    const rng = new Rng(FUZZ_SEED);
    const dir = mkdtempSync(join(tmpdir(), 'vta-dap-fuzz-'));
    try {
      // An instruction binary with its DRAM image, beside the sources.
      const src = resolve(ROOT, 'examples/gemm-block.vta');
      const program = assembleText(readFileSync(src, 'utf8'), { file: src, host: nodeHost }).program!;
      writeFileSync(
        join(dir, 'g.insn.bin'),
        encodeProgram(
          program.target,
          program.insns.map((p) => p.insn),
        ),
      );
      writeFileSync(join(dir, 'g.dram.bin'), program.dram);
      const launches: Array<{ args: Record<string, unknown>; file: string }> = [
        ...['gemm-block.vta', 'elementwise.vta', 'conv3x3.vta', 'gemv-two-threads.vta'].map((f) => ({
          args: { program: resolve(ROOT, 'examples', f) },
          file: resolve(ROOT, 'examples', f),
        })),
        {
          args: { insn: join(dir, 'g.insn.bin'), dram: join(dir, 'g.dram.bin') },
          file: join(dir, 'g.insn.bin.disasm'),
        },
      ];
      let answered = 0;
      for (let s = 0; s < SESSIONS; s++) {
        const l = rng.pick(launches);
        const mode = rng.pick(['both', 'functional', 'timing']);
        await withClient(async (dc, outputs) => {
          await launch(dc, { ...l.args, mode });
          const refs: number[] = [];
          const dataIds: string[] = [];
          for (let n = 0; n < REQUESTS_PER_SESSION; n++) {
            const [command, args] = randomRequest(rng, refs, dataIds, l.file);
            const what = `${command} ${JSON.stringify(args).slice(0, 300)} (session ${s}: ${JSON.stringify(l.args)} ${mode}, request ${n})`;
            const r = await send(dc, command, args, what);
            answered++;
            if (typeof r === 'string') continue;
            const body = r.body as Record<string, unknown> | undefined;
            for (const key of ['variablesReference'])
              if (typeof body?.[key] === 'number' && body[key]) refs.push(body[key] as number);
            for (const sc of (body?.scopes as Array<{ variablesReference: number }> | undefined) ?? [])
              refs.push(sc.variablesReference);
            for (const v of (body?.variables as Array<{ variablesReference: number }> | undefined) ?? [])
              if (v.variablesReference) refs.push(v.variablesReference);
            if (typeof body?.dataId === 'string') dataIds.push(body.dataId);
            if (refs.length > 100) refs.splice(0, 50);
          }
          const internal = outputs.filter((o) => /internal error/.test(o));
          assert.deepEqual(internal, [], fuzzFailure(`session ${s}: output says internal error`).message);
        });
      }
      assert.equal(answered, SESSIONS * REQUESTS_PER_SESSION);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('debug adapter: the inputs issue 20 found', () => {
  it('disassemble at instruction offset 2^53 answers (every instruction invalid); 10,000,000 instructions is a clear error', () =>
    withClient(async (dc) => {
      await launch(dc, { program: resolve(ROOT, 'examples/gemm-block.vta') });
      const far = (await dc.send('disassemble', {
        memoryReference: 'insns',
        offset: 0,
        instructionOffset: 2 ** 53,
        instructionCount: 134,
      })) as DebugProtocol.DisassembleResponse;
      assert.equal(far.body!.instructions.length, 134);
      assert.ok(far.body!.instructions.every((i) => i.presentationHint === 'invalid'));
      await assert.rejects(
        dc.send('disassemble', { memoryReference: '0x0', instructionOffset: 0, instructionCount: 10_000_000 }),
        /instructionCount 10000000 is outside 0\.\.10000/,
      );
      await assert.rejects(
        dc.send('disassemble', { memoryReference: '0x0', instructionOffset: 1.5, instructionCount: 4 }),
        /instructionOffset must be an integer/,
      );
      const near = (await dc.send('disassemble', {
        memoryReference: '0x0',
        instructionOffset: -2,
        instructionCount: 4,
      })) as DebugProtocol.DisassembleResponse;
      assert.deepEqual(
        near.body!.instructions.map((i) => i.presentationHint === 'invalid'),
        [true, true, false, false],
      );
    }));

  it('readMemory answers at most 1 MiB at a time; a bad count is a clear error', () =>
    withClient(async (dc) => {
      await launch(dc, { program: resolve(ROOT, 'examples/gemm-block.vta') });
      const r = (await dc.send('readMemory', {
        memoryReference: 'acc',
        offset: 0,
        count: 2 ** 31,
      })) as DebugProtocol.ReadMemoryResponse;
      // ACC of the default target is 2048 rows of 64 bytes: all of it, and the rest unreadable.
      assert.equal(Buffer.from(r.body!.data!, 'base64').length, 2048 * 64);
      assert.equal(r.body!.unreadableBytes, 2 ** 31 - 2048 * 64);
      await assert.rejects(
        dc.send('readMemory', { memoryReference: 'acc', offset: 0, count: -1 }),
        /count -1 is outside/,
      );
    }));

  it('a debug-console expression nested 5,000 levels deep is an error, not a stack overflow', () =>
    withClient(async (dc) => {
      await launch(dc, { program: resolve(ROOT, 'examples/gemm-block.vta') });
      await assert.rejects(
        dc.evaluateRequest({ expression: `${'('.repeat(5000)}1${')'.repeat(5000)}`, context: 'repl' }),
        /nesting deeper than \d+ levels/,
      );
      assert.equal(
        (await dc.evaluateRequest({ expression: `${'('.repeat(50)}1${')'.repeat(50)}`, context: 'repl' })).body.result,
        '1',
      );
    }));
});

describe('debug adapter: a text file launched as an instruction binary', () => {
  it('data breakpoints over its garbage instructions (sizes up to 65535 x 65535) are answered', () =>
    withClient(async (dc) => {
      await launch(dc, { program: resolve(ROOT, 'examples/gemm-block.vta'), format: 'binary' });
      const r = (await within(
        dc.send('setDataBreakpoints', {
          breakpoints: [{ dataId: 'acc:0:1', accessType: 'write' }, { dataId: 'uop:0:8' }],
        }),
        5000,
        'setDataBreakpoints',
      )) as DebugProtocol.SetDataBreakpointsResponse;
      assert.equal(r.body.breakpoints.length, 2);
      assert.ok(r.body.breakpoints.every((b) => b.verified));
    }));
});
