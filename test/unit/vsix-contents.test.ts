/**
 * What the .vsix holds, as the pinned vsce lists it (`vsce ls`, the same file list
 * `npm run package` zips): everything the manifest names is there, no source, test, build
 * script or source map is, and the package's README (MARKETPLACE.md) has no link that
 * VS Code's extension page cannot open. Also: the README sections the scripts point users
 * to exist.
 * Needs `npm run build` first (the bundles are part of the list).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { projectRoot, vsceScript } from '../../scripts/package.mjs';

interface Manifest {
  main: string;
  icon: string;
  license: string;
  repository?: { url?: string };
  vsce?: { readmePath?: string; dependencies?: boolean };
  contributes: {
    languages: Array<{ configuration: string }>;
    grammars: Array<{ path: string }>;
    snippets: Array<{ path: string }>;
    debuggers: Array<{ program: string }>;
    walkthroughs: Array<{ steps: Array<{ media: { markdown?: string; image?: string } }> }>;
  };
}

const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as Manifest;
let files: string[] = [];

before(() => {
  assert.ok(existsSync(join(projectRoot, manifest.main)), `run \`npm run build\` first: ${manifest.main} is missing`);
  const r = spawnSync(process.execPath, [vsceScript(), 'ls'], { cwd: projectRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, `vsce ls failed:\n${r.stdout}${r.stderr}`);
  files = r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
});

/** Relative link targets (no scheme, no pure anchor) of a markdown text, without their anchors. */
function relativeLinks(md: string): string[] {
  return [...md.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((href) => !/^[a-z][a-z0-9+.-]*:/i.test(href) && !href.startsWith('#'))
    .map((href) => href.replace(/#.*$/, ''));
}

test('every file the manifest names is in the package', () => {
  const c = manifest.contributes;
  const named = [
    manifest.main,
    manifest.icon,
    ...c.languages.map((l) => l.configuration),
    ...c.grammars.map((g) => g.path),
    ...c.snippets.map((s) => s.path),
    ...c.debuggers.map((d) => d.program),
    ...c.walkthroughs
      .flatMap((w) => w.steps.flatMap((s) => [s.media.markdown, s.media.image]))
      .filter((p): p is string => !!p),
  ].map((p) => p.replace(/^\.\//, ''));
  for (const p of named) assert.ok(files.includes(p), `${p} is named in package.json but not packaged`);
  // The client, the servers and the views load every bundle of theirs by path; of the CLI,
  // the extension runs the dispatcher with `vta check` (the vta task) and the sweep's worker.
  const built = (dir: string) =>
    readdirSync(join(projectRoot, 'dist', dir))
      .filter((f) => f.endsWith('.js'))
      .map((f) => `dist/${dir}/${f}`);
  const needed = [
    ...built('client'),
    ...built('server'),
    ...built('webviews'),
    'dist/package.json',
    'dist/cli/vta.js',
    'dist/cli/vta-command.js',
    'dist/cli/vta-check.js',
    'dist/cli/explore-worker.js',
  ];
  assert.ok(needed.includes('dist/server/lsp.js') && needed.includes('dist/webviews/simulator.js'), needed.join('\n'));
  for (const p of needed) assert.ok(files.includes(p), `${p} is not packaged`);
  assert.deepEqual(
    files.filter((f) => f.startsWith('dist/cli/')).sort(),
    needed.filter((f) => f.startsWith('dist/cli/')).sort(),
  );
  for (const css of readdirSync(join(projectRoot, 'media')).filter((f) => f.endsWith('.css'))) {
    assert.ok(files.includes(`media/${css}`), `media/${css} is not packaged`);
  }
  for (const e of readdirSync(join(projectRoot, 'examples'), { withFileTypes: true })) {
    if (e.isFile()) assert.ok(files.includes(`examples/${e.name}`), `examples/${e.name} is not packaged`);
  }
});

test('the package holds the license, the changelog, a PNG icon and a repository, and no dependency tree', () => {
  for (const p of ['LICENSE', 'CHANGELOG.md', 'README.md', 'package.json'])
    assert.ok(files.includes(p), `${p} is not packaged`);
  assert.match(
    readFileSync(join(projectRoot, 'LICENSE'), 'utf8'),
    /Apache License\s+Version 2\.0, January 2004[^]*END OF TERMS AND CONDITIONS/,
  );
  assert.equal(manifest.license, 'Apache-2.0');
  assert.match(manifest.icon, /\.png$/);
  assert.deepEqual([...readFileSync(join(projectRoot, manifest.icon)).subarray(1, 4)], [...Buffer.from('PNG')]);
  assert.ok(manifest.repository?.url, 'package.json has a repository');
  assert.equal(manifest.vsce?.dependencies, false, 'the bundles are self-contained: vsce looks up no dependencies');
  assert.ok(!files.some((f) => f.startsWith('node_modules/')), 'no node_modules in the package');
});

test('no source, test, build script, source map or developer file is packaged', () => {
  const allowed =
    /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/.+\.(js|json)|syntaxes\/[^/]+\.json|snippets\/[^/]+\.json|language-configuration\/[^/]+\.json|media\/([^/]+\.css|icon\.png|walkthrough\/[^/]+\.md)|examples\/.+\.(vta|vtasched|json)|docs\/(reference|how-to)\/[^/]+\.md|docs\/media\/[^/]+\.png|docs\/(SIMULATOR|timing-vs-boards|resnet18)\.md)$/;
  const unexpected = files.filter((f) => !allowed.test(f));
  assert.deepEqual(unexpected, [], `files outside what the extension loads or documents:\n${unexpected.join('\n')}`);
  assert.deepEqual(
    files.filter((f) => /\.(ts|mts|mjs|map)$/.test(f) || /^(test|core|server|client|webviews|scripts|bench)\//.test(f)),
    [],
  );
});

test("the package's README has no link VS Code cannot open, and the pages it names are packaged with their links", () => {
  // VS Code's extension page opens http(s) and mailto links only: a relative link there does nothing.
  const readme = manifest.vsce?.readmePath ?? 'README.md';
  const text = readFileSync(join(projectRoot, readme), 'utf8');
  assert.deepEqual(relativeLinks(text), [], `${readme} has relative links`);
  const pages = [...text.matchAll(/`(docs\/[^`]+\.md)`/g)].map((m) => m[1]!);
  assert.ok(pages.length > 0, `${readme} names the packaged reference`);
  for (const page of pages) assert.ok(files.includes(page), `${readme} names ${page}, which is not in the package`);
  // In the Markdown preview the links between the pages work: the pages they reach are packaged too.
  const seen = new Set(pages);
  for (const page of seen) {
    const dir = page.slice(0, page.lastIndexOf('/') + 1);
    for (const l of relativeLinks(readFileSync(join(projectRoot, page), 'utf8'))) {
      const target = join(dir, l);
      assert.ok(files.includes(target), `${page} links to ${l}, which is not in the package`);
      if (target.endsWith('.md')) seen.add(target);
    }
  }
});

test('the README sections that scripts point users to exist, and the README links resolve', () => {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  const headings = new Set([...readme.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => m[1]!.trim()));
  let pointers = 0;
  for (const dir of ['scripts', 'test/browser', 'test/e2e']) {
    for (const name of readdirSync(join(projectRoot, dir))) {
      if (!/\.(mjs|ts)$/.test(name)) continue;
      for (const m of readFileSync(join(projectRoot, dir, name), 'utf8').matchAll(/README\.md, "([^"]+)"/g)) {
        pointers++;
        assert.ok(headings.has(m[1]!), `${dir}/${name} points to README.md, "${m[1]}", which is not a heading there`);
      }
    }
  }
  assert.ok(pointers >= 2, 'the set-up scripts point to README sections');
  for (const l of relativeLinks(readme))
    assert.ok(existsSync(join(projectRoot, l)), `README.md links to ${l}, which does not exist`);
});
