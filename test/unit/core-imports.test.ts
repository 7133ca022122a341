import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
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
    for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const spec = m[1] ?? m[2] ?? m[3]!;
      if (spec === 'vscode' || spec.startsWith('vscode-') || BUILTINS.has(spec) || spec.startsWith('node:')) offenders.push(`${f}: ${spec}`);
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
  assert.ok(edges.some((e: { from: string }) => e.from.startsWith(join('core', 'schedule'))), 'schedule imports found');
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
  const circle = [{ from: 'a.ts', to: 'b.ts' }, { from: 'b.ts', to: 'a.ts' }];
  assert.deepEqual(importCircles(circle), [['a.ts', 'b.ts']]);
});
