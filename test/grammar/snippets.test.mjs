// Snippets: well-formed entries whose text, with every placeholder at its default, highlights
// without invalid tokens and, for the program snippets, keeps the token queues balanced.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { loadGrammar, problems, root } from './textmate.mjs';

const load = (lang) => JSON.parse(readFileSync(path.join(root, 'snippets', `${lang}.json`), 'utf8'));

/** The text VS Code inserts when every placeholder keeps its default (first choice). */
export function expand(body) {
  const text = Array.isArray(body) ? body.join('\n') : body;
  const defaults = {};
  for (const m of text.matchAll(/\$\{(\d+):([^}]*)\}/g)) defaults[m[1]] ??= m[2];
  for (const m of text.matchAll(/\$\{(\d+)\|([^|]*)\|\}/g)) defaults[m[1]] ??= m[2].split(',')[0];
  return text
    .replace(/\$\{(\d+):([^}]*)\}/g, (_, n) => defaults[n])
    .replace(/\$\{(\d+)\|([^|]*)\|\}/g, (_, n) => defaults[n])
    .replace(/\$\{(\d+)\}|\$(\d+)/g, (_, a, b) => defaults[a ?? b] ?? '');
}

/**
 * Unrolls top-level `for VAR in A..B {` and `if COND {` (with `} else {`) blocks of a
 * program with integer constants, and returns the push/pop lines in dispatch order.
 */
function tokenLines(text) {
  const env = {};
  const value = (expr) => {
    const js = expr.replace(/[A-Za-z_]\w*/g, (n) => {
      if (!(n in env)) throw new Error(`unknown name ${n} in ${expr}`);
      return `(${env[n]})`;
    });
    return Number(Function(`"use strict"; return (${js});`)());
  };
  const lines = text
    .split('\n')
    .map((l) => l.replace(/;.*$/, '').trim())
    .filter(Boolean);
  const out = [];
  const blockEnd = (from) => {
    let depth = 0;
    for (let i = from; i < lines.length; i++) {
      if (lines[i].startsWith('}')) depth--;
      if (/\{$/.test(lines[i])) depth++;
      if (depth === 0) return i;
    }
    throw new Error(`unclosed block at: ${lines[from]}`);
  };
  const run = (from, to) => {
    for (let i = from; i < to; i++) {
      const l = lines[i];
      let m;
      if ((m = l.match(/^const (\w+) = (.+)$/))) env[m[1]] = value(m[2]);
      else if ((m = l.match(/^for (\w+) in (.+)\.\.(.+) \{$/))) {
        const end = blockEnd(i);
        for (let v = value(m[2]), stop = value(m[3]); v < stop; v++) {
          env[m[1]] = v;
          run(i + 1, end);
        }
        delete env[m[1]];
        i = end;
      } else if ((m = l.match(/^if (.+) \{$/))) {
        const thenEnd = blockEnd(i);
        const hasElse = lines[thenEnd] === '} else {';
        const elseEnd = hasElse ? blockEnd(thenEnd) : thenEnd;
        if (value(m[1])) run(i + 1, thenEnd);
        else if (hasElse) run(thenEnd + 1, elseEnd);
        i = elseEnd;
      } else if (/^(push|pop)\b/.test(l)) out.push(l.replace(/\s+/g, ' '));
    }
  };
  run(0, lines.length);
  return out;
}

/**
 * Per queue: pushes minus pops at the end (`net`, zero entries left out), and the first pop
 * that comes before any push it could take in text order (`underflow`). A pop may legally
 * precede its push in dispatch order, but none of these snippets needs to, so one that does
 * points at a misplaced token.
 */
function balance(tokens) {
  const net = {};
  let underflow = null;
  for (const t of tokens) {
    const [op, q] = t.split(' ');
    net[q] = (net[q] ?? 0) + (op === 'push' ? 1 : -1);
    if (net[q] < 0 && underflow === null) underflow = t;
  }
  return { net: Object.fromEntries(Object.entries(net).filter(([, v]) => v !== 0)), underflow };
}

for (const lang of ['vta', 'vtasched']) {
  test(`${lang}: every snippet has a prefix, a description and a body that highlights cleanly`, async () => {
    const snippets = load(lang);
    const grammar = await loadGrammar(lang);
    assert.ok(Object.keys(snippets).length >= (lang === 'vta' ? 4 : 2));
    for (const [name, s] of Object.entries(snippets)) {
      const prefixes = [s.prefix].flat();
      assert.ok(
        prefixes.length > 0 && prefixes.every((p) => typeof p === 'string' && /^[a-z][\w-]*$/.test(p)),
        `${name}: prefix`,
      );
      assert.equal(typeof s.description, 'string', `${name}: description`);
      assert.ok(Array.isArray(s.body) && s.body.every((l) => typeof l === 'string'), `${name}: body`);
      assert.ok((s.body.join('\n').match(/\$0/g) ?? []).length <= 1, `${name}: at most one final tab stop`);
      // A schedule snippet that is not a whole layer (epilogue) goes inside one.
      const text = expand(s.body);
      const inLayer = lang === 'vtasched' && !/^(conv2d|dense|conv2d_transpose|group_conv2d|target)\b/.test(text);
      const found = problems(grammar, inLayer ? `conv2d host {\n${text}\n}` : text, lang);
      assert.deepEqual(found, [], `${name}:\n${found.join('\n')}`);
    }
  });
}

test('the expansion helper and the checks can fail', async () => {
  assert.equal(expand(['a ${1:x} ${2|p,q|} $1 $0']), 'a x p x ');
  assert.deepEqual(balance(tokenLines('for i in 0..3 {\n  push ld->ex\n}\npop ld->ex')).net, { 'ld->ex': 2 });
  assert.equal(
    balance(tokenLines('const N = 2\nif N > 1 {\n  pop ex->ld\n} else {\n  push ex->ld\n}')).underflow,
    'pop ex->ld',
  );
  const grammar = await loadGrammar('vta');
  assert.notDeepEqual(problems(grammar, expand(['push ${1:ld->st}']), 'vta'), []);
});

const vta = () => load('vta');
const named = (prefix) => {
  const entry = Object.values(vta()).find((s) => [s.prefix].flat().includes(prefix));
  assert.ok(entry, `no snippet with prefix ${prefix}`);
  return expand(entry.body);
};
const code = (text) =>
  text
    .split('\n')
    .map((l) => l.replace(/;.*$/, '').trim())
    .filter(Boolean);

test('vta: the program skeleton is complete and ends with the st->ex / finish sequence', () => {
  const text = named('program');
  const lines = code(text);
  assert.match(text, /^target default$/m);
  for (const kind of ['inp', 'wgt', 'out']) assert.match(text, new RegExp(`^data \\w+ : ${kind}\\[`, 'm'));
  assert.match(text, /^kernel \w+ \{ uop /m);
  for (const insn of ['load inp', 'load wgt', 'load uop', 'gemm', 'store out']) {
    assert.ok(
      lines.some((l) => l.startsWith(insn)),
      insn,
    );
  }
  assert.deepEqual(lines.slice(-3), ['push st->ex', 'pop  st->ex', 'finish']);
  const { net, underflow } = balance(tokenLines(text));
  assert.deepEqual(net, {});
  assert.equal(underflow, null);
});

test('vta: the tiled loop carries load / push / pop / gemm / push / store and balances with the ending', () => {
  const loop = named('tiled');
  const lines = code(loop);
  assert.match(lines[1], /^for \w+ in 0\.\.\w+ \{$/);
  const order = ['load inp', 'push ld->ex', 'pop  ld->ex', 'gemm', 'push ex->st', 'pop  ex->st', 'store out'];
  let at = 0;
  for (const step of order) {
    const i = lines.findIndex((l, k) => k >= at && l.startsWith(step));
    assert.ok(i >= 0, `"${step}" missing or out of order`);
    at = i + 1;
  }
  const { net, underflow } = balance(tokenLines(`${loop}\n${named('finish')}`));
  assert.deepEqual(net, {}, 'every queue balanced once the program ends with push/pop st->ex and finish');
  assert.equal(underflow, null);
});

test('vta: the double-buffered pair alternates buffer halves and hands them back over ex->ld', () => {
  const text = named('double');
  assert.match(text, /load wgt sram=\((\w+) % 2\) \* \w+/);
  assert.match(text, /gemm \w+\((\w+), \(\1 % 2\) \* \w+\)/);
  const tokens = tokenLines(`${text}\n${named('finish')}`);
  assert.ok(tokens.filter((t) => t === 'pop ex->ld').length >= 1);
  assert.equal(tokens.filter((t) => t === 'push ex->ld').length, tokens.filter((t) => t === 'pop ex->ld').length);
  assert.deepEqual(balance(tokens), { net: {}, underflow: null });
});

test('vtasched: conv2d and dense snippets', () => {
  const s = load('vtasched');
  const by = (p) => expand(Object.values(s).find((x) => [x.prefix].flat().includes(p)).body);
  const conv = by('conv2d');
  for (const key of ['input', 'filter', 'pad', 'stride', 'tile', 'threads', 'epilogue'])
    assert.match(conv, new RegExp(`^\\s+${key}\\b`, 'm'));
  assert.match(conv, /input {2}= 1x64x56x56/);
  assert.match(conv, /filter = 64x64x3x3/);
  const dense = by('dense');
  for (const key of ['input', 'weight', 'tile', 'threads']) assert.match(dense, new RegExp(`^\\s+${key}\\b`, 'm'));
  assert.match(dense, /weight = 1008x512/);
});
