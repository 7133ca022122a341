/**
 * Whole-process benchmarks of the `vta` command, as users run it (issue 18):
 *
 * - cold starts: a bare `node -e 0`, `vta --help`, `vta check` on a small example, and
 *   `vta lsp --stdio` answering `initialize` (then `shutdown` and `exit`);
 * - `vta sim --mode functional` on issue 18's program (bench/gemm-programs.ts), a
 *   whole process from start to exit.
 *
 * CPU time (user + system) of the child processes is the figure: other work on the
 * machine inflates wall time but barely CPU time. Children are timed by bash's `times`
 * over a loop of runs (millisecond resolution, summed), so the mean is exact to well
 * under a millisecond; the `initialize` latency is wall time, taken in-process.
 *
 *   npm run build && node --import tsx bench/cold-start.ts
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { issueGemmProgram, writeBinaries } from './gemm-programs';

const ROOT = resolve(import.meta.dirname, '..');
const VTA = join(ROOT, 'bin/vta.cjs');
const SMALL_EXAMPLE = join(ROOT, 'examples/gemm-block.vta');

export interface ColdStartFigures {
  /** Mean CPU ms (user + system) per process, and the excess over `node -e 0`. */
  processes: { command: string; runs: number; cpuMs: number; overNodeMs: number }[];
  /** `vta lsp --stdio`: wall ms from spawn to the `initialize` answer (best and median). */
  lspInitialize: { runs: number; bestMs: number; medianMs: number };
  /** Issue 18's program: `vta sim --mode functional`, whole process. */
  issueSim: { runs: number; cpuSeconds: number[]; bestCpuSeconds: number; uopIterations: number };
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Mean CPU ms of `runs` sequential runs of `argv` (stdout and stderr discarded). */
function childCpuMs(argv: string[], runs: number, stdin = '/dev/null'): number {
  const cmd = argv.map(quote).join(' ');
  const script = `for i in $(seq ${runs}); do ${cmd} < ${quote(stdin)} > /dev/null 2>&1; done; times`;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
  // `times` prints the shell's user/sys, then its children's: "0m1.234s 0m0.056s".
  const line = r.stdout.trim().split('\n')[1] ?? '';
  const secs = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (secs.length !== 2) throw new Error(`unexpected output of times: ${r.stdout} ${r.stderr}`);
  return ((secs[0]! + secs[1]!) * 1000) / runs;
}

function lspMessage(body: object): string {
  const json = JSON.stringify(body);
  return `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`;
}

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { processId: null, rootUri: null, capabilities: {} },
};
const SESSION =
  lspMessage(INITIALIZE) +
  lspMessage({ jsonrpc: '2.0', method: 'initialized', params: {} }) +
  lspMessage({ jsonrpc: '2.0', id: 2, method: 'shutdown' }) +
  lspMessage({ jsonrpc: '2.0', method: 'exit' });

/** Wall ms from spawning `vta lsp --stdio` to the first bytes of its answer to initialize. */
function lspInitializeMs(): Promise<number> {
  return new Promise((done, fail) => {
    const t = performance.now();
    const child = spawn(process.execPath, [VTA, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
    let answered = false;
    child.stdout.on('data', () => {
      if (answered) return;
      answered = true;
      done(performance.now() - t);
      child.stdin.end(SESSION.slice(SESSION.indexOf('Content-Length', 10)));
    });
    child.on('error', fail);
    child.on('exit', () => {
      if (!answered) fail(new Error('vta lsp exited without answering initialize'));
    });
    child.stdin.write(lspMessage(INITIALIZE));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, digits = 3) => Number(x.toPrecision(digits));

export async function runColdStartBench(opts: { runs?: number; simRuns?: number } = {}): Promise<ColdStartFigures> {
  const runs = opts.runs ?? 20;
  const dir = mkdtempSync(join(tmpdir(), 'vta-cold-'));
  try {
    const session = join(dir, 'lsp-session.bin');
    spawnSync('bash', ['-c', `printf '%s' ${quote(SESSION)} > ${quote(session)}`]);
    // One run first, so that each command's code cache exists (as after any first use).
    const commands: Array<[string, string[], string?]> = [
      ['node -e 0', [process.execPath, '-e', '0']],
      ['vta --help', [process.execPath, VTA, '--help']],
      ['vta check examples/gemm-block.vta', [process.execPath, VTA, 'check', SMALL_EXAMPLE]],
      ['vta lsp --stdio (initialize, shutdown, exit)', [process.execPath, VTA, 'lsp', '--stdio'], session],
    ];
    for (const [, argv, stdin] of commands) childCpuMs(argv, 1, stdin);
    const processes: ColdStartFigures['processes'] = [];
    let nodeMs = 0;
    for (const [command, argv, stdin] of commands) {
      const cpuMs = childCpuMs(argv, runs, stdin);
      if (command === 'node -e 0') nodeMs = cpuMs;
      processes.push({ command, runs, cpuMs: round(cpuMs), overNodeMs: round(cpuMs - nodeMs) });
    }
    const lsp: number[] = [];
    for (let k = 0; k < 9; k++) lsp.push(await lspInitializeMs());

    const bin = writeBinaries(issueGemmProgram(), dir, 'issue18');
    const simArgv = [
      process.execPath,
      VTA,
      'sim',
      '--insn',
      bin.insn,
      '--dram',
      bin.dram,
      '--mode',
      'functional',
      '--quiet',
    ];
    const simRuns = opts.simRuns ?? 5;
    const cpuSeconds = Array.from({ length: simRuns }, () => round(childCpuMs(simArgv, 1) / 1000));
    return {
      processes,
      lspInitialize: { runs: lsp.length, bestMs: round(Math.min(...lsp)), medianMs: round(median(lsp)) },
      issueSim: { runs: simRuns, cpuSeconds, bestCpuSeconds: Math.min(...cpuSeconds), uopIterations: 2000 * 1024 * 16 },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runColdStartBench().then((f) => console.log(JSON.stringify(f, null, 2)));
}
