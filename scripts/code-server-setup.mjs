// Installs code-server 4.100.3 (VS Code 1.100, the last release that runs on Node 20)
// into a cache folder this script owns, outside the project's dependency tree, from the
// npm registry only (see docs in /README.md "VS Code in the browser"). Idempotent: a
// finished install leaves a marker and later runs return at once.
//
//   node scripts/code-server-setup.mjs          install (if needed) and print the folder
//
// Needs Debian's ripgrep (/usr/bin/rg) and libkrb5-dev (for the kerberos module).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';

/** The folder code-server is installed into (override with VTA_STUDIO_CACHE). */
export function cacheRoot() {
  const base = process.env.VTA_STUDIO_CACHE
    ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'vta-studio');
  return resolve(base);
}

export function codeServerDir() {
  return join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}`);
}

/** The script to run with `node` to start code-server. */
export function codeServerEntry(dir = codeServerDir()) {
  return join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

const MARKER = '.vta-studio-ready';

export function isInstalled(dir = codeServerDir()) {
  const m = join(dir, MARKER);
  return existsSync(m) && readFileSync(m, 'utf8').trim() === CODE_SERVER_VERSION && existsSync(codeServerEntry(dir));
}

function run(cmd, args, cwd, log, extraEnv = {}) {
  log(`  $ (cd ${cwd} && ${cmd} ${args.join(' ')})`);
  const r = spawnSync(cmd, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: {
      ...process.env,
      npm_config_yes: 'true',
      npm_config_unsafe_perm: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      // No binary downloads from anywhere but the npm registry.
      ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
      PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
      ...extraEnv,
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.split('\n').slice(-40).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd} (status ${r.status}):\n${tail}`);
  }
}

function link(target, path) {
  try { lstatSync(path); rmSync(path, { recursive: true, force: true }); } catch { /* absent */ }
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path);
}

/**
 * code-server needs Debian's ripgrep and the Kerberos headers. As root (the machines
 * here) they are installed with apt-get; otherwise we say what to install.
 */
function ensureDebianPackages(log) {
  const missing = [];
  if (!existsSync('/usr/bin/rg')) missing.push('ripgrep');
  if (!existsSync('/usr/include/krb5.h') && !existsSync('/usr/include/krb5/krb5.h')) missing.push('libkrb5-dev');
  if (!missing.length) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root) throw new Error(`code-server needs Debian packages: sudo apt-get install -y ${missing.join(' ')}`);
  log(`vta-studio: apt-get install ${missing.join(' ')}`);
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...missing]]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed; install ${missing.join(' ')} by hand`);
  }
}

/**
 * Installs code-server unless already there. Returns { dir, entry, seconds, fresh }.
 * @param {{ log?: (s: string) => void, force?: boolean }} [opts]
 */
export function setupCodeServer(opts = {}) {
  const log = opts.log ?? ((s) => process.stderr.write(s + '\n'));
  const dir = codeServerDir();
  const t0 = Date.now();
  if (!opts.force && isInstalled(dir)) return { dir, entry: codeServerEntry(dir), seconds: 0, fresh: false };
  ensureDebianPackages(log);
  log(`vta-studio: installing code-server ${CODE_SERVER_VERSION} into ${dir} (first run only, a few minutes)`);
  rmSync(join(dir, MARKER), { force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'vta-studio-code-server', private: true,
    description: 'code-server for VTA Studio (installed by scripts/code-server-setup.mjs)',
    dependencies: { 'code-server': CODE_SERVER_VERSION },
    allowScripts: { 'code-server': true },
  }, null, 2) + '\n');

  // 1. code-server itself, without its install scripts (they would download things).
  if (!existsSync(join(dir, 'node_modules', 'code-server', 'package.json'))) {
    run('npm', ['install', '--ignore-scripts', '--no-package-lock', `code-server@${CODE_SERVER_VERSION}`], dir, log);
  }
  const vscode = join(dir, 'node_modules', 'code-server', 'lib', 'vscode');
  // 2. VS Code's own server dependencies.
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-package-lock'], vscode, log);
  // 3. ripgrep: Debian's binary instead of @vscode/ripgrep's download.
  link('/usr/bin/rg', join(vscode, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'));
  // 4. Native modules, built against this Node.
  run('npm', ['rebuild', '--omit=dev'], vscode, log);
  // The rebuild may have re-run ripgrep's postinstall; make sure the link is there.
  link('/usr/bin/rg', join(vscode, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'));
  // 5. VS Code looks for node_modules.asar.
  link('node_modules', join(vscode, 'node_modules.asar'));
  // 6. The built-in extensions' dependencies.
  run('npm', ['install', '--omit=dev', '--no-package-lock'], join(vscode, 'extensions'), log);
  // 7. argon2 (password hashing; loaded at start-up even with --auth none).
  run('npm', ['rebuild', 'argon2'], dir, log);

  writeFileSync(join(dir, MARKER), CODE_SERVER_VERSION + '\n');
  const seconds = (Date.now() - t0) / 1000;
  log(`vta-studio: code-server ${CODE_SERVER_VERSION} installed in ${seconds.toFixed(1)} s`);
  return { dir, entry: codeServerEntry(dir), seconds, fresh: true };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const r = setupCodeServer({ force: process.argv.includes('--force') });
    console.log(r.dir);
  } catch (e) {
    console.error(`vta-studio: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}
