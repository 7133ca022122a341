import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseSchedule } from '../../core/schedule';

test('.vtasched: CRLF and lone CR line ends give the same tree and positions as LF', () => {
  const lf = readFileSync(join(import.meta.dirname, '../../examples/resnet18.vtasched'), 'utf8').replace(
    /\r\n?/g,
    '\n',
  );
  const want = JSON.parse(JSON.stringify(parseSchedule(lf)));
  assert.ok(JSON.stringify(want).length > 200);
  for (const eol of ['\r\n', '\r']) {
    assert.deepEqual(JSON.parse(JSON.stringify(parseSchedule(lf.replace(/\n/g, eol)))), want, JSON.stringify(eol));
  }
});
