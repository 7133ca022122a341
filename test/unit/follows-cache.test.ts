// The parsers' follow-set cache (core/lang/follows-cache.ts) must answer exactly what
// Chevrotain's own walk answers: a path differing in any of its four parts is a
// different question, and broken texts parse the same with the cache warm or cold.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createToken, type EmbeddedActionsParser, type TokenType } from 'chevrotain';
import { cacheFollowSets } from '../../core/lang/follows-cache';
import { parseVta } from '../../core/lang/parser';
import { parseSchedule } from '../../core/schedule/parser';

const A = createToken({ name: 'A', pattern: /a/ });
const B = createToken({ name: 'B', pattern: /b/ });

test('each part of the grammar path is part of the key; the same path walks once', () => {
  const walked: string[] = [];
  const fake = {
    getNextPossibleTokenTypes(path: {
      ruleStack: string[];
      occurrenceStack: number[];
      lastTok: TokenType;
      lastTokOccurrence: number;
    }) {
      walked.push(JSON.stringify([path.ruleStack, path.occurrenceStack, path.lastTok.name, path.lastTokOccurrence]));
      return [path.lastTok];
    },
  };
  cacheFollowSets(fake as unknown as EmbeddedActionsParser);
  const base = { ruleStack: ['file', 'stmt'], occurrenceStack: [0, 1], lastTok: A, lastTokOccurrence: 1 };
  const variants = [
    base,
    { ...base, ruleStack: ['file', 'expr'] },
    { ...base, occurrenceStack: [0, 2] },
    { ...base, occurrenceStack: [1] },
    { ...base, lastTok: B },
    { ...base, lastTokOccurrence: 2 },
  ];
  for (const v of variants) fake.getNextPossibleTokenTypes(v);
  assert.equal(walked.length, variants.length, 'every variant is a new question');
  assert.equal(fake.getNextPossibleTokenTypes({ ...base }), fake.getNextPossibleTokenTypes({ ...base }));
  assert.equal(walked.length, variants.length, 'a repeated path is answered from the cache');
});

test('broken texts give the same trees and errors parsed twice (cache cold, then warm)', () => {
  const broken = [
    'target default\nload inp sram= dram=0 x=\n  gemm ( uop=0..\nfor i in 0..{ nop ld\n}}\n',
    'data x = [1, 2,, 3\nstore out sram=0 dram=x[ x=4\nalu add acc[0] acc[ imm=\n',
    'target default\nconv2d l {\n  input = 1x16x\n  tile b=1 h= w=2\n  epilogue shr 8,\n}\nnetwork n { l repeat= \n',
  ];
  for (const text of broken) {
    const first = JSON.stringify([parseVta(text), parseSchedule(text)]);
    const again = JSON.stringify([parseVta(text), parseSchedule(text)]);
    assert.equal(again, first);
    assert.ok(parseVta(text).errors.length > 0 && parseSchedule(text).errors.length > 0, 'the texts are broken');
  }
});
