import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultPoolSize } from '../../server/lsp/check-pool';

test("the checks pool takes the cores the server's thread leaves, one at least and two at most", () => {
  assert.deepEqual(
    [1, 2, 3, 4, 16].map((cores) => defaultPoolSize(cores)),
    [1, 1, 2, 2, 2],
  );
});
