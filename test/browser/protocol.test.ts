/** The simulator view's message validators and page CSP (no browser needed). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simulatorHtml } from '../../webviews/simulator/html';
import { MAX_PROGRAM_CHARS, parseHostMessage, parseViewMessage } from '../../webviews/simulator/protocol';

describe('simulator view protocol', () => {
  it('accepts well-formed host messages and refuses the rest with a reason', () => {
    assert.deepEqual(parseHostMessage({ type: 'program', text: 'finish', file: 'a.vta', extra: 1 }), {
      ok: true,
      msg: { type: 'program', text: 'finish', file: 'a.vta' },
    });
    assert.deepEqual(parseHostMessage({ type: 'program', text: '', file: 'a.vta', target: 'pynq' }), {
      ok: true,
      msg: { type: 'program', text: '', file: 'a.vta', target: 'pynq' },
    });
    assert.deepEqual(parseHostMessage({ type: 'cursor', line: 3 }), { ok: true, msg: { type: 'cursor', line: 3 } });
    for (const bad of [
      null,
      'program',
      [],
      { type: 'program', file: 'a' },
      { type: 'program', text: 1, file: 'a' },
      { type: 'program', text: '', file: '' },
      { type: 'program', text: '', file: 'a', target: 7 },
      { type: 'cursor', line: -1 },
      { type: 'cursor', line: 1.5 },
      { type: 'cursor', line: '2' },
      { type: 'eval', code: 'x' },
    ]) {
      const r = parseHostMessage(bad);
      assert.equal(r.ok, false, JSON.stringify(bad));
      if (!r.ok) assert.ok(r.reason.length > 5);
    }
    const huge = parseHostMessage({ type: 'program', text: 'x'.repeat(MAX_PROGRAM_CHARS + 1), file: 'a.vta' });
    assert.equal(huge.ok, false);
    if (!huge.ok) assert.match(huge.reason, /too large/);
  });

  it('accepts well-formed view messages only', () => {
    assert.deepEqual(parseViewMessage({ type: 'reveal', line: 4, file: '/a.vta' }), {
      type: 'reveal',
      line: 4,
      file: '/a.vta',
    });
    assert.deepEqual(parseViewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseViewMessage({ type: 'export-png', dataUrl: 'data:image/png;base64,AAAA' }), {
      type: 'export-png',
      dataUrl: 'data:image/png;base64,AAAA',
    });
    for (const bad of [
      { type: 'reveal', line: -2, file: 'a' },
      { type: 'reveal', line: 1 },
      { type: 'export-png', dataUrl: 'javascript:alert(1)' },
      { type: 'export-trace', json: 5, file: 'a' },
      { type: 'run-command', id: 'x' },
      42,
      null,
    ]) {
      assert.equal(parseViewMessage(bad), undefined, JSON.stringify(bad));
    }
  });

  it('the page allows nothing remote and scripts only with the nonce', () => {
    const html = simulatorHtml({
      cspSource: 'https://res.example',
      nonce: 'abcdefghijklmnop1234',
      scriptUri: 'https://res.example/s.js',
      workerUri: 'https://res.example/w.js',
      styleUri: 'https://res.example/m.css',
    });
    const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abcdefghijklmnop1234'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:\/\/(?!res\.example)/);
    assert.match(html, /<script nonce="abcdefghijklmnop1234" src="https:\/\/res.example\/s.js">/);
    assert.throws(() => simulatorHtml({ cspSource: 'x', nonce: 'short', scriptUri: '', workerUri: '', styleUri: '' }));
  });
});
