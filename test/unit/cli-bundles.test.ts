/**
 * The `vta` command as built (scripts/build-cli.mjs; run after `npm run build`): a small
 * dispatcher that loads only the command it runs, each command's bundle loaded through
 * V8's code cache (server/cli/cached-require.ts).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli');
const EXAMPLE = join(ROOT, 'examples/gemm-block.vta');

function vta(...args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'bin/vta.cjs'), ...args], { encoding: 'utf8' });
}

describe('vta bundles', () => {
  it('the dispatcher holds no command: a bundle per command file, each listed by --help', () => {
    // A command's code pulls in a parser or the simulator: hundreds of kilobytes.
    assert.ok(statSync(join(CLI, 'vta.js')).size < 64 * 1024, 'dist/cli/vta.js is small');
    const help = vta('--help');
    assert.equal(help.status, 0);
    const files = readdirSync(join(ROOT, 'server/cli/commands')).filter((f) => f.endsWith('.ts'));
    for (const f of files) {
      const bundle = join(CLI, `vta-${f.replace(/\.ts$/, '.js')}`);
      assert.ok(statSync(bundle).size > 0, `${bundle} is built`);
      const name = f.replace(/\.ts$/, '');
      assert.match(help.stdout, new RegExp(`^  ${name} `, 'm'), `vta --help lists ${name}`);
    }
    // The help of a command comes from its bundle at build time, without loading it.
    const sim = vta('sim', '--help');
    assert.equal(sim.status, 0);
    assert.match(sim.stdout, /^usage: vta sim FILE\.vta/);
  });

  it('a usage error thrown in a command bundle is one (exit status 2, no stack)', () => {
    const r = vta('check', '--format', 'xml', EXAMPLE);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'vta check: --format must be text or json, not xml\n');
  });

  it('keeps a code cache per bundle, and a damaged cache only costs a compile', () => {
    assert.equal(vta('check', EXAMPLE).status, 0);
    const cacheDir = join(CLI, 'cache');
    const size = statSync(join(CLI, 'vta-check.js')).size;
    const cached = readdirSync(cacheDir).filter((f) => f.startsWith(`vta-check.js.${size}.`) && f.endsWith('.v8'));
    assert.equal(cached.length, 1, 'one cache file, named by the bundle size and time');
    const file = join(cacheDir, cached[0]!);
    writeFileSync(file, Buffer.from('not a code cache'));
    const r = vta('check', EXAMPLE);
    assert.equal(r.status, 0, r.stderr);
    assert.notEqual(readFileSync(file).toString(), 'not a code cache', 'the rejected cache is written again');
  });
});
