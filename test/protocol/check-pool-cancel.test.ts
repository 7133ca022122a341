/**
 * The checks pool stops a superseded job at the core's next checkpoint, in the real
 * worker thread (the bundled dist/server/check-worker.js), without terminating it: the
 * grace after which a worker would be terminated is set past the test's own timeout,
 * so only the checkpoint can end the superseded job with no result.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { CheckPool } from '../../server/lsp/check-pool';
import { ROOT, ensureBuilt } from './lsp-harness';

/** About two seconds of expansion on a quiet machine (16.7 M loop iterations that emit nothing), if nothing stops it. */
const SLOW = 'target default\nfor i in 0..16777216 {\n  if i == 0 - 1 { nop ld }\n}\n  finish\n';
const QUICK = 'target default\n  nop ld\n  finish\n';

const job = (version: number, text: string) => ({
  tier: 'first' as const,
  uri: 'file:///cancel.vta',
  version,
  file: '/cancel.vta',
  text,
  files: {},
  settingTarget: undefined,
});

describe('checks pool', () => {
  const name = 'a newer version stops the running check at a checkpoint; the worker is not replaced';
  test(name, { timeout: 120_000 }, async () => {
    ensureBuilt();
    const logs: string[] = [];
    // One worker: the newer version can only run once the older one has stopped.
    const pool = new CheckPool(resolve(ROOT, 'dist/server/check-worker.js'), (m) => logs.push(m), 1, 600_000);
    // The pool's workers never keep a process alive (nor the server's): the test does while it waits for them.
    const alive = setInterval(() => {}, 1000);
    try {
      const slow = pool.check(job(1, SLOW));
      // Let the slow job start (the worker answers a warm-up first), then supersede it.
      await new Promise((r) => setTimeout(r, 300));
      const quick = pool.check(job(2, QUICK));
      assert.equal(await slow, undefined, 'the superseded check gives no result');
      const r = await quick;
      assert.ok(r && 'diagnostics' in r, `the newer version is checked: ${JSON.stringify(r)}`);
      assert.equal(r.instructions, 2);
      assert.deepEqual(logs, [], 'no worker was stopped by termination');
    } finally {
      clearInterval(alive);
    }
  });
});
