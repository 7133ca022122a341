// The import graph of core/: which folder imports which (and through which files), and
// the import circles between files. `node scripts/import-graph.mjs` prints it; the
// layering test (test/unit/core-imports.test.ts) reads the same graph.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Folders of core/ in layer order, and what each may import besides itself. */
export const CORE_LAYERS = {
  isa: [],
  program: ['isa'],
  lang: ['isa', 'program'],
  asm: ['isa', 'program', 'lang'],
  analysis: ['isa', 'program', 'lang', 'asm'],
  sim: ['isa', 'program'],
  'lsp-support': ['isa', 'program', 'lang', 'asm'],
  schedule: ['isa', 'program', 'lang', 'asm', 'analysis', 'sim'],
};

/** Every .ts file under dir (the tests of core/ and of the front ends read the same list). */
export function sources(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** The folder of core/ a path is in (a file directly in core/ is its own folder). */
export function coreFolder(path) {
  const parts = relative('core', path).split(sep);
  return parts.length > 1 ? parts[0] : parts[0].replace(/\.ts$/, '');
}

/** Every relative import between files of core/: [{from, to}] with .ts paths. */
export function coreImports(root = 'core') {
  const files = new Set(sources(root));
  const edges = [];
  for (const from of files) {
    const text = readFileSync(from, 'utf8');
    for (const m of text.matchAll(
      /(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g,
    )) {
      const base = normalize(join(dirname(from), m[1] ?? m[2]));
      const to = [`${base}.ts`, join(base, 'index.ts'), base].find((p) => files.has(p));
      if (to) edges.push({ from, to });
    }
  }
  return edges;
}

/** Imports that run against CORE_LAYERS: "from -> to" for each. */
export function layerViolations(edges = coreImports()) {
  const out = [];
  for (const { from, to } of edges) {
    const a = coreFolder(from);
    const b = coreFolder(to);
    if (a === b) continue;
    const allowed = CORE_LAYERS[a];
    if (!allowed || !allowed.includes(b)) out.push(`${from} -> ${to} (${a} may not import ${b})`);
  }
  return out;
}

/** Import circles between files (each as the list of files around it), by Tarjan's SCCs. */
export function importCircles(edges = coreImports()) {
  const next = new Map();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  const index = new Map(),
    low = new Map(),
    stack = [],
    on = new Set(),
    out = [];
  let n = 0;
  const visit = (v) => {
    index.set(v, n);
    low.set(v, n);
    n++;
    stack.push(v);
    on.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const edges = coreImports();
  const folders = new Map();
  for (const { from, to } of edges) {
    const a = coreFolder(from),
      b = coreFolder(to);
    if (a !== b) folders.set(`${a} -> ${b}`, (folders.get(`${a} -> ${b}`) ?? 0) + 1);
  }
  console.log('folder imports (count of import lines):');
  for (const [k, v] of [...folders].sort()) console.log(`  ${k}  ${v}`);
  const bad = layerViolations(edges);
  console.log(
    bad.length ? `imports against the layer order:\n  ${bad.join('\n  ')}` : 'no import runs against the layer order',
  );
  const circles = importCircles(edges);
  console.log(
    circles.length ? `import circles:\n  ${circles.map((c) => c.join(' <-> ')).join('\n  ')}` : 'no import circle',
  );
  process.exitCode = bad.length || circles.length ? 1 : 0;
}
