/**
 * The language server's threads collect garbage on demand (server/lsp/heap.ts): the
 * collection is available without a command-line flag, and it frees what is no longer
 * reachable at once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectGarbage, heapMb } from '../../server/lsp/heap';

test('collectGarbage frees unreachable objects at once, without --expose-gc on the command line', () => {
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined');
  let garbage: Array<{ i: number; s: string }> | undefined = [];
  for (let i = 0; i < 400_000; i++) garbage.push({ i, s: `row ${i}` });
  const held = heapMb();
  garbage = undefined;
  assert.equal(collectGarbage(), true);
  const after = heapMb();
  assert.ok(after < held - 20, `heap ${held.toFixed(0)} MB before, ${after.toFixed(0)} MB after`);
  assert.equal(garbage, undefined);
});
