// `npm run package`: the extension as vta-studio-VERSION.vsix, the file a user installs
// (VS Code: Extensions view, "Install from VSIX…", or `code --install-extension FILE`).
//
//   node scripts/package.mjs [-o FILE.vsix]
//
// A release build (minified, no source maps), then the pinned @vscode/vsce, offline:
// the bundles are self-contained, so no dependency is looked up (package.json "vsce"),
// the package's README is MARKETPLACE.md (the extension's page in VS Code), and
// .vscodeignore lets in only what the extension loads and the user reference. `npm run studio` and the E2E tests
// install what this writes.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The budget the .vsix must stay under. */
export const VSIX_BUDGET_BYTES = 2 * 1024 * 1024;

export function packageVersion() {
  return JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).version;
}

/** Where `npm run package` writes: vta-studio-VERSION.vsix in the project folder. */
export function defaultVsixPath() {
  return join(projectRoot, `vta-studio-${packageVersion()}.vsix`);
}

function runOrThrow(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: projectRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed (status ${r.status}):\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  return r;
}

/** The pinned vsce's command-line script. */
export function vsceScript() {
  const require = createRequire(join(projectRoot, 'package.json'));
  return join(dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
}

/**
 * Builds the release bundles and packages them. Returns the .vsix path, its size and
 * how long each step took.
 * @param {{ out?: string }} [opts]
 */
export function packageExtension(opts = {}) {
  const out = resolve(opts.out ?? defaultVsixPath());
  let t0 = Date.now();
  runOrThrow(process.execPath, [join(projectRoot, 'scripts', 'build.mjs'), '--release']);
  const build = (Date.now() - t0) / 1000;
  t0 = Date.now();
  runOrThrow(process.execPath, [vsceScript(), 'package', '-o', out]);
  const pack = (Date.now() - t0) / 1000;
  const bytes = statSync(out).size;
  if (bytes > VSIX_BUDGET_BYTES) throw new Error(`${out} is ${bytes} bytes, over the ${VSIX_BUDGET_BYTES}-byte budget`);
  return { vsix: out, bytes, seconds: { build, package: pack } };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { values } = parseArgs({ options: { out: { type: 'string', short: 'o' } } });
    const r = packageExtension({ out: values.out });
    console.log(
      `wrote ${r.vsix} (${(r.bytes / 1024).toFixed(0)} KiB; build ${r.seconds.build.toFixed(1)} s, package ${r.seconds.package.toFixed(1)} s)`,
    );
  } catch (e) {
    console.error(`vta-studio: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}
