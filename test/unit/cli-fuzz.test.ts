/**
 * Seeded fuzzing of the `vta` command line, as a user feeding it damaged files would:
 * mutated examples (`.vta`, the `.vtasched` schedule), mutated instruction streams and
 * DRAM images, and mutated TVM dumps, through the real processes of `vta check`, `asm`,
 * `disasm`, `sim` and `import-dump`.
 *
 * Holds for every run: it ends within 10 s, with exit status 0, 1 or 2 (never a signal
 * or 3, the internal-error status); stderr holds no stack trace or internal error; the
 * findings of `--format json` have well-formed integer ranges. Sources are checked many
 * to a process (`vta check A B C …`), so that a few hundred cases cost a few dozen
 * process starts. Every failure names the seed (FUZZ_SEED=N repeats the run) and keeps
 * its inputs in the printed folder.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { assembleText } from '../../core/asm';
import { encodeProgram } from '../../core/isa';
import { nodeHost } from '../../server/node-host';
import { FUZZ_SEED, Rng, SOURCE_FRAGMENTS, SOURCE_NUMBERS, fuzzFailure } from '../support/fuzz-corpus';

const ROOT = resolve(import.meta.dirname, '../..');
const SOURCES = 200;
const SCHEDULES = 20;
const STREAMS = 36;
const DUMPS = 12;
/** Sources checked by one process. */
const BATCH = 25;
const TIMEOUT_MS = 10_000;
const INTERNAL =
  /\n\s+at \S|TypeError|RangeError|ReferenceError|Maximum call stack|internal error|FATAL|is not a function|Cannot read prop/;

const rng = new Rng(FUZZ_SEED + 2020);
const dir = mkdtempSync(join(tmpdir(), `vta-cli-fuzz-${FUZZ_SEED}-`));

const examples = [
  ...readdirSync(join(ROOT, 'examples'))
    .filter((f) => f.endsWith('.vta'))
    .map((f) => join(ROOT, 'examples', f)),
  ...readdirSync(join(ROOT, 'examples/defects'))
    .filter((f) => f.endsWith('.vta'))
    .map((f) => join(ROOT, 'examples/defects', f)),
].sort();
/** Two small layers (resnet18.vtasched's layers take a second or more each to lower and check). */
const schedule = `target default
conv2d c1 {
  input  = 1x16x14x14
  filter = 32x16x3x3
  pad    = 1
  stride = 1
  tile   b=1 h=7 w=14 ci=16 co=16
  threads oc=2 h=1
  epilogue shr 8, max 0, min 127
}
dense fc {
  input  = 1x64
  weight = 32x64
  epilogue shr 8, min 127
}
`;
const dumps = readdirSync(join(ROOT, 'test/fixtures/dumps'))
  .filter((f) => f.endsWith('.log'))
  .map((f) => readFileSync(join(ROOT, 'test/fixtures/dumps', f), 'utf8'));

/** One random edit of a text. */
function mutateText(text: string, fragments: readonly string[]): string {
  const at = rng.int(0, text.length);
  switch (rng.int(0, 6)) {
    case 0:
      return text.slice(0, at) + rng.pick(fragments) + text.slice(at);
    case 1:
      return text.slice(0, at) + text.slice(Math.min(text.length, at + rng.int(1, 60)));
    case 2: {
      const numbers = [...text.matchAll(/\b\d+\b/g)];
      if (!numbers.length) return text + rng.pick(SOURCE_NUMBERS);
      const m = rng.pick(numbers);
      return text.slice(0, m.index) + rng.pick(SOURCE_NUMBERS) + text.slice(m.index + m[0].length);
    }
    case 3: {
      const lines = text.split('\n');
      const i = rng.int(0, lines.length - 1);
      lines.splice(i, 0, ...Array.from({ length: rng.int(1, 3) }, () => lines[i]!));
      return lines.join('\n');
    }
    case 4: {
      const lines = text.split('\n');
      const i = rng.int(0, lines.length - 1),
        j = rng.int(0, lines.length - 1);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join('\n');
    }
    case 5:
      return rng.chance(0.5) ? text.replace(/\n/g, rng.pick(['\r', '\r\n'])) : text.slice(0, at);
    default: {
      const other = readFileSync(rng.pick(examples), 'utf8');
      const from = rng.int(0, other.length);
      return text.slice(0, at) + other.slice(from, from + rng.int(1, 300)) + text.slice(at);
    }
  }
}

/** One random damage to bytes: bit flips, overwrites with extreme bytes, a truncation, a duplicated or inserted chunk. */
function mutateBytes(bytes: Uint8Array): Uint8Array {
  const b = [...bytes];
  const at = rng.int(0, Math.max(0, b.length - 1));
  switch (rng.int(0, 4)) {
    case 0:
      for (let k = rng.int(1, 8); k > 0; k--) b[rng.int(0, b.length - 1)]! ^= 1 << rng.int(0, 7);
      break;
    case 1:
      for (let k = rng.int(1, 16); k > 0; k--)
        b[rng.int(0, b.length - 1)] = rng.pick([0, 0xff, 0x7f, 0x80, rng.int(0, 255)]);
      break;
    case 2:
      b.length = at;
      break;
    case 3:
      b.splice(at, 0, ...b.slice(at, at + rng.int(1, 64)));
      break;
    default:
      b.splice(at, 0, ...Array.from({ length: rng.int(1, 40) }, () => rng.int(0, 255)));
      break;
  }
  return Uint8Array.from(b);
}

/** Applies `edits` random edits. */
function mutated<T>(x: T, edits: number, f: (x: T) => T): T {
  for (let k = 0; k < edits; k++) x = f(x);
  return x;
}

interface Run {
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  out: string;
  err: string;
}

function vta(args: string[]): Promise<Run> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/vta.cjs'), ...args], { cwd: dir });
    let out = '',
      err = '',
      timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (out.length < 1 << 24) out += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (err.length < 1 << 20) err += d;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      res({ args, code, signal, timedOut, out, err });
    });
  });
}

const isUint = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0;
type Finding = {
  range?: { start?: { line?: unknown; character?: unknown }; end?: { line?: unknown; character?: unknown } };
};

/** Why a run failed, or undefined. */
function failure(r: Run): string | undefined {
  if (r.timedOut) return `no end in ${TIMEOUT_MS / 1000} s`;
  if (r.signal) return `killed by ${r.signal}`;
  if (r.code !== 0 && r.code !== 1 && r.code !== 2) return `exit status ${r.code}`;
  const m = INTERNAL.exec(r.err) ?? INTERNAL.exec(r.out);
  if (m) return `internal error printed: ${(r.err || r.out).slice(Math.max(0, m.index - 200), m.index + 300)}`;
  if (r.args.includes('json') && r.code !== 2) {
    let found: Finding[];
    try {
      found = JSON.parse(r.out) as Finding[];
    } catch {
      return `--format json printed no JSON: ${r.out.slice(0, 300)}`;
    }
    for (const f of found) {
      const s = f.range?.start,
        e = f.range?.end;
      const ok =
        !!s &&
        !!e &&
        isUint(s.line) &&
        isUint(s.character) &&
        isUint(e.line) &&
        isUint(e.character) &&
        ((s.line as number) < (e.line as number) ||
          (s.line === e.line && (s.character as number) <= (e.character as number)));
      if (!ok) return `a finding with a bad range: ${JSON.stringify(f).slice(0, 300)}`;
    }
  }
  return undefined;
}

/** Runs every command, two processes at a time (the CI machine's cores), and fails on the first bad run. */
async function runAll(commands: string[][]): Promise<number> {
  const bad: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < commands.length && !bad.length) {
      const r = await vta(commands[next++]!);
      const why = failure(r);
      if (why) bad.push(`vta ${r.args.join(' ')}\n  ${why}\n  inputs kept in ${dir}`);
    }
  };
  await Promise.all([worker(), worker()]);
  if (bad.length) throw fuzzFailure(bad[0]!);
  return commands.length;
}

test(
  `cli fuzz: ${SOURCES} sources, ${SCHEDULES} schedules, ${STREAMS} streams, ${DUMPS} dumps through vta check/asm/disasm/sim/import-dump (seed ${FUZZ_SEED})`,
  { timeout: 240_000 },
  async () => {
    const commands: string[][] = [];
    // Sources: checked in batches; a few also assembled and simulated (capped).
    mkdirSync(join(dir, 'src'));
    const sources: string[] = [];
    for (let i = 0; i < SOURCES; i++) {
      const file = join(dir, 'src', `m${i}.vta`);
      writeFileSync(
        file,
        mutated(readFileSync(rng.pick(examples), 'utf8'), rng.int(1, 6), (t) => mutateText(t, SOURCE_FRAGMENTS)),
      );
      sources.push(file);
      if (i % 25 === 0) commands.push(['asm', file, '-o', join(dir, 'src')]);
      if (i % 25 === 12) commands.push(['sim', file, '--max-steps', '100000', '--quiet']);
    }
    for (let i = 0; i < sources.length; i += BATCH)
      commands.push(['check', '--format', 'json', ...sources.slice(i, i + BATCH)]);
    const schedWords = [
      'conv2d',
      'dense',
      'tile',
      'threads',
      'epilogue shr 8,',
      'x=0',
      '{',
      '}',
      '=',
      ',',
      '65536',
      '1x64x56x56',
      'target "none.json"',
      '\r',
      '#',
    ];
    const schedules: string[] = [];
    for (let i = 0; i < SCHEDULES; i++) {
      const file = join(dir, 'src', `s${i}.vtasched`);
      writeFileSync(
        file,
        mutated(schedule, rng.int(1, 4), (t) => mutateText(t, schedWords)),
      );
      schedules.push(file);
    }
    for (let i = 0; i < SCHEDULES; i += 5)
      commands.push(
        i % 10 ? ['check', ...schedules.slice(i, i + 5)] : ['check', '--format', 'json', ...schedules.slice(i, i + 5)],
      );

    // Streams: the examples assembled here, then damaged; each through check, and some through disasm or sim.
    mkdirSync(join(dir, 'bin'));
    const images = examples
      .map((f) => assembleText(readFileSync(f, 'utf8'), { file: f, host: nodeHost }).program)
      .filter((p) => !!p);
    for (let i = 0; i < STREAMS; i++) {
      const p = rng.pick(images);
      const insn = join(dir, 'bin', `b${i}.insn.bin`),
        dram = join(dir, 'bin', `b${i}.dram.bin`);
      writeFileSync(
        insn,
        mutated(
          encodeProgram(
            p.target,
            p.insns.map((x) => x.insn),
          ),
          rng.int(1, 3),
          mutateBytes,
        ),
      );
      writeFileSync(dram, rng.chance(0.7) ? p.dram : mutated(p.dram, 1, mutateBytes));
      commands.push(['check', '--format', 'json', '--insn', insn, '--dram', dram]);
      if (i % 3 === 1) commands.push(['disasm', insn, '--dram', dram, '-o', join(dir, 'bin', `b${i}.vta`)]);
      if (i % 3 === 2) commands.push(['sim', '--insn', insn, '--dram', dram, '--max-steps', '100000', '--quiet']);
    }

    // Dumps: the fixtures with damaged lines and numbers.
    const dumpWords = [
      '\n',
      'INSTRUCTION',
      'LOAD',
      'GEMM',
      'UOP',
      '0xffffffff',
      '-1',
      'dep - pop prev: 1',
      'sram_base=',
      'y_size=65535',
      'x_size=0',
      '\t',
    ];
    for (let i = 0; i < DUMPS; i++) {
      const file = join(dir, 'src', `d${i}.log`);
      writeFileSync(
        file,
        mutated(rng.pick(dumps), rng.int(1, 8), (t) => mutateText(t, dumpWords)),
      );
      commands.push(['import-dump', file, '-o', join(dir, 'src', `d${i}.vta`)]);
    }

    const ran = await runAll(commands);
    assert.ok(ran > 0);
  },
);
