/**
 * The reference docs cannot drift from the code: docs/reference/isa.md is exactly what
 * scripts/gen-docs.ts renders from the core's tables, every diagnostic code the core can
 * report is documented in docs/reference/language.md (and nothing else is), the
 * documented random generator is the one the assembler runs, and the complete programs
 * in the language reference assemble.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';
import { assembleText } from '../../core/asm';
import { SeededRandom } from '../../core/asm/prng';
import { formatDiagnostic } from '../../core/lang/diagnostic';
import { ISA_DOC_PATH, renderIsaReference } from '../../scripts/gen-docs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const referenceDir = path.join(root, 'docs/reference');
const languageDoc = readFileSync(path.join(referenceDir, 'language.md'), 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|mts|js|mjs)$/.test(e.name) ? [p] : [];
  });
}

interface CoreCodes {
  /** Every quoted `vta.…` code, with one file that reports it. */
  codes: Map<string, string>;
  /**
   * Prefixes of codes built at run time, such as `vta.bounds.` from
   * `` `vta.bounds.${buf}` ``, with one file that builds them.
   */
  templates: Map<string, string>;
}

/** The diagnostic codes of one family (`vta` for programs, `vtasched` for schedules) in core/. */
function codesInCore(family: 'vta' | 'vtasched' = 'vta'): CoreCodes {
  const found = new Map<string, string>();
  const templates = new Map<string, string>();
  const quoted = new RegExp(`['"\`](${family}(?:\\.[a-z0-9_-]+)+)['"\`]`, 'g');
  const built = new RegExp(`\`(${family}(?:\\.[a-z0-9_-]+)*\\.)\\$\\{`, 'g');
  for (const file of sourceFiles(path.join(root, 'core'))) {
    const text = readFileSync(file, 'utf8');
    const rel = path.relative(root, file);
    for (const m of text.matchAll(quoted)) if (!found.has(m[1]!)) found.set(m[1]!, rel);
    for (const m of text.matchAll(built)) if (!templates.has(m[1]!)) templates.set(m[1]!, rel);
  }
  // The simulator's error codes are bare names in core/sim/errors.ts; front ends print
  // them as `vta.sim.CODE`.
  const simErrors = family === 'vta' ? readFileSync(path.join(root, 'core/sim/errors.ts'), 'utf8') : '';
  const union = /export type SimErrorCode =([\s\S]*?);/.exec(simErrors)?.[1] ?? '';
  for (const m of union.matchAll(/\|\s*'([a-z-]+)'/g)) found.set(`vta.sim.${m[1]}`, 'core/sim/errors.ts');
  // A string that only prefixes other codes ('vta.name' in `code.startsWith('vta.name')`)
  // names a family, not a code.
  const codes = new Map([...found].filter(([c]) => ![...found.keys()].some((o) => o.startsWith(`${c}.`))));
  return { codes, templates };
}

/** Codes written as `code` spans in the language reference. */
function codesInDoc(): Set<string> {
  return new Set([...languageDoc.matchAll(/`(vta(?:\.[a-z0-9-]+)+)`/g)].map((m) => m[1]!));
}

const scheduleDoc = readFileSync(path.join(referenceDir, 'schedules.md'), 'utf8');

test('the schedule reference documents exactly the schedule codes core/ reports', () => {
  const { codes, templates } = codesInCore('vtasched');
  assert.ok(codes.size >= 10, `found only ${codes.size} schedule codes in core/`);
  assert.ok(templates.has('vtasched.bounds.') && templates.has('vtasched.range.'), [...templates.keys()].join());
  const documented = new Set([...scheduleDoc.matchAll(/`(vtasched(?:\.[a-z0-9_-]+)+)`/g)].map((m) => m[1]!));
  const missing = [...codes.keys()].filter((c) => !documented.has(c));
  for (const prefix of templates.keys())
    if (![...documented].some((c) => c.startsWith(prefix))) missing.push(`${prefix}*`);
  assert.deepEqual(missing, [], 'schedule codes not in docs/reference/schedules.md');
  const stale = [...documented].filter((c) => !codes.has(c) && ![...templates.keys()].some((p) => c.startsWith(p)));
  assert.deepEqual(stale, [], 'codes in docs/reference/schedules.md that core/ does not report');
});

test('docs/reference/isa.md is what scripts/gen-docs.ts generates from the core tables', () => {
  const committed = readFileSync(path.join(root, ISA_DOC_PATH), 'utf8');
  assert.ok(
    committed === renderIsaReference(),
    `${ISA_DOC_PATH} differs from the tables in core/: run node --import tsx scripts/gen-docs.ts and commit the result`,
  );
});

test('the generated ISA reference is built from the tables, not a fixed text', () => {
  const text = renderIsaReference();
  // Spot checks against facts of the default target (vta-isa.md §2.5, §2.7, §2.9).
  assert.match(text, /\| 26–57 \| 32 \| `dram_base` \|/);
  assert.match(text, /\| 112–127 \| 16 \| `imm` \|/);
  assert.match(text, /\| 22–31 \| 10 \| `wgt_idx` \| 0xFFC00000 \|/);
  assert.match(text, /`alu_opcode`: bits 108–109 \(2 bits\) instead of 108–110/);
});

test('every diagnostic code in core/ is documented in the language reference', () => {
  const { codes, templates } = codesInCore();
  assert.ok(codes.size >= 20, `found only ${codes.size} codes in core/: is the pattern still right?`);
  const documented = codesInDoc();
  const missing = [...codes].filter(([c]) => !documented.has(c)).map(([c, f]) => `${c} (${f})`);
  for (const [prefix, f] of templates) {
    if (![...documented].some((c) => c.startsWith(prefix))) missing.push(`${prefix}* (built in ${f})`);
  }
  assert.deepEqual(
    missing,
    [],
    `codes reported by core/ but not documented in docs/reference/language.md:\n${missing.join('\n')}`,
  );
});

test('the language reference documents no diagnostic code that core/ cannot report', () => {
  const { codes, templates } = codesInCore();
  const prefixes = [...templates.keys()];
  const stale = [...codesInDoc()].filter((c) => !codes.has(c) && !prefixes.some((p) => c.startsWith(p)));
  assert.deepEqual(
    stale,
    [],
    `codes documented in docs/reference/language.md that no file in core/ reports:\n${stale.join('\n')}`,
  );
});

test('the documented random(seed=N) test vectors are what the generator draws', () => {
  for (const seed of [0, 1]) {
    const rng = new SeededRandom(seed);
    const draws = [0, 1, 2, 3].map(() => `0x${rng.nextU32().toString(16).toUpperCase().padStart(8, '0')}`).join(' ');
    assert.ok(
      languageDoc.includes(`\`${draws}\``),
      `language.md should give the first draws for seed ${seed} as \`${draws}\``,
    );
  }
  const r = assembleText('data a : inp[1] = random(seed=1)\ndata b : acc[1] = random(seed=1)\nfinish\n', {
    file: 'seed.vta',
  });
  const dram = r.program!.dram;
  const bytes = [...dram.slice(0, 4)].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
  assert.ok(languageDoc.includes(`\`${bytes}\``), `language.md should say random(seed=1) inp starts with \`${bytes}\``);
  const lane = new DataView(dram.buffer, dram.byteOffset + 64, 4).getInt32(0, true);
  assert.ok(languageDoc.includes(`(${lane})`), `language.md should give the first acc lane for seed 1 as ${lane}`);
});

test('every complete program (```vta block) in the language reference assembles without errors', () => {
  const blocks = [...languageDoc.matchAll(/^```vta\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  assert.ok(blocks.length >= 2, 'expected complete ```vta examples in language.md');
  blocks.forEach((text, i) => {
    const r = assembleText(text, { file: `language.md#example-${i + 1}` });
    const errors = r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    assert.deepEqual(errors, [], `example ${i + 1} of language.md does not assemble:\n${errors.join('\n')}`);
    assert.ok(r.program && r.program.insns.length > 0, `example ${i + 1} yields no instructions`);
  });
});

test('relative links between the reference pages resolve', () => {
  for (const name of readdirSync(referenceDir).filter((f) => f.endsWith('.md'))) {
    const text = readFileSync(path.join(referenceDir, name), 'utf8');
    for (const m of text.matchAll(/\]\(([^)#\s]+\.md)(#[^)\s]*)?\)/g)) {
      const target = path.join(referenceDir, m[1]!);
      assert.ok(existsSync(target), `${name} links to ${m[1]}, which does not exist`);
      if (m[2]) {
        const anchors = headingAnchors(readFileSync(target, 'utf8'));
        assert.ok(anchors.has(m[2].slice(1)), `${name} links to ${m[1]}${m[2]}, which has no such heading`);
      }
    }
    const own = headingAnchors(text);
    for (const m of text.matchAll(/\]\(#([^)\s]+)\)/g)) {
      assert.ok(own.has(m[1]!), `${name} links to #${m[1]}, which has no such heading`);
    }
  }
});

/** GitHub-style anchors of a markdown text's headings. */
function headingAnchors(md: string): Set<string> {
  const out = new Set<string>();
  let inFence = false;
  for (const line of md.split('\n')) {
    if (line.startsWith('```')) inFence = !inFence;
    const m = !inFence && /^#{1,6}\s+(.*)$/.exec(line);
    if (!m) continue;
    out.add(
      m[1]!
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  return out;
}
