import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, sep } from 'node:path';
import { test } from 'node:test';

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

test('core/ imports neither vscode nor any Node built-in (it runs in a web worker too)', () => {
  const files = sources('core');
  assert.ok(files.length > 10, 'core sources found');
  const offenders: string[] = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(
      /(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g,
    )) {
      const spec = m[1] ?? m[2] ?? m[3]!;
      if (spec === 'vscode' || spec.startsWith('vscode-') || BUILTINS.has(spec) || spec.startsWith('node:'))
        offenders.push(`${f}: ${spec}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('the import check itself catches a Node built-in', () => {
  const sample = "import { readFileSync } from 'node:fs';";
  const spec = /from\s+['"]([^'"]+)['"]/.exec(sample)![1]!;
  assert.ok(BUILTINS.has(spec));
});

// The folder order of core/ (docs/ARCHITECTURE.md): a folder imports only from folders
// below it, so that nothing in the .vta stack reaches up into schedule/.
test('core/ folders import only from the layers below them', async () => {
  const { coreImports, layerViolations } = await import('../../scripts/import-graph.mjs');
  const edges = coreImports();
  assert.ok(
    edges.some((e: { from: string }) => e.from.startsWith(join('core', 'schedule'))),
    'schedule imports found',
  );
  assert.deepEqual(layerViolations(edges), []);
});

test('the layer check catches an import running up a layer', async () => {
  const { layerViolations } = await import('../../scripts/import-graph.mjs');
  const up = [{ from: join('core', 'asm', 'assemble.ts'), to: join('core', 'schedule', 'lint.ts') }];
  assert.equal(layerViolations(up).length, 1);
});

test('core/ has no import circle between files', async () => {
  const { coreImports, importCircles } = await import('../../scripts/import-graph.mjs');
  assert.deepEqual(importCircles(coreImports()), []);
  const circle = [
    { from: 'a.ts', to: 'b.ts' },
    { from: 'b.ts', to: 'a.ts' },
  ];
  assert.deepEqual(importCircles(circle), [['a.ts', 'b.ts']]);
});

// The parser's fast path (core/lang/fast/README.md) stays behind the parser: a reader
// meets the grammar first, and the shortcuts have two doors, both held by tests
// against the plain tokens. Only the files below may import it from outside it.
const FAST_PATH_DOORS = [join('core', 'lang', 'parser.ts'), join('core', 'asm', 'assemble.ts')];

test('only the parser and the assembler import core/lang/fast/', async () => {
  const { coreImports } = await import('../../scripts/import-graph.mjs');
  const fast = join('core', 'lang', 'fast') + sep;
  const edges: Array<{ from: string; to: string }> = coreImports();
  const into = edges.filter((e) => e.to.startsWith(fast) && !e.from.startsWith(fast));
  assert.deepEqual([...new Set(into.map((e) => e.from))].sort(), [...FAST_PATH_DOORS].sort());
});

// The front ends' own rules (docs/ARCHITECTURE.md): the extension is the only code that
// runs inside VS Code, and the webviews run in a browser.
test('only client/ imports vscode, and webviews/ import no Node built-in', () => {
  const specs = (dir: string) =>
    sources(dir).flatMap((f) =>
      [
        ...readFileSync(f, 'utf8').matchAll(
          /(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
        ),
      ].map((m) => ({ f, spec: m[1] ?? m[2]! })),
    );
  const vscode = ['server', 'webviews', 'core'].flatMap(specs).filter((x) => x.spec === 'vscode');
  assert.deepEqual(
    vscode.map((x) => x.f),
    [],
  );
  assert.ok(
    specs('client').some((x) => x.spec === 'vscode'),
    'client imports vscode',
  );
  const node = specs('webviews').filter((x) => BUILTINS.has(x.spec) || x.spec.startsWith('node:'));
  assert.deepEqual(
    node.map((x) => `${x.f}: ${x.spec}`),
    [],
  );
});

// Test and benchmark code stays out of what ships (docs/ARCHITECTURE.md): builders,
// random programs and the reference interpreter live in test/support/, benchmarks in bench/.
const intoTestOrBench = (file: string, spec: string): boolean => {
  const target = join(file, '..', spec);
  return target.startsWith(`test${sep}`) || target.startsWith(`bench${sep}`);
};

test('nothing that ships imports test/ or bench/', () => {
  const shipped = ['core', 'server', 'client', 'webviews'].flatMap((dir) => sources(dir));
  const offenders: string[] = [];
  for (const f of shipped) {
    for (const m of readFileSync(f, 'utf8').matchAll(
      /(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g,
    )) {
      if (intoTestOrBench(f, m[1] ?? m[2]!)) offenders.push(`${f}: ${m[1] ?? m[2]}`);
    }
  }
  assert.deepEqual(offenders, []);
  // The check itself: what the debug adapter's old benchmark import would be now.
  assert.ok(intoTestOrBench(join('server', 'dap', 'engine.ts'), '../../test/support/random-built-program'));
  assert.ok(!intoTestOrBench(join('server', 'dap', 'engine.ts'), '../../core/sim'));
});
