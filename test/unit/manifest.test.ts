/**
 * package.json's contributions that users meet first: the target setting's choices,
 * walkthrough steps that complete on events VS Code knows, activation on the events the
 * extension needs, module colours that default themes tell apart.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SHIPPED_TARGET_NAMES } from '../../core/isa';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const contributes = pkg.contributes;

test('vta.target offers every shipped target, each with a description, or a vta_config.json file', () => {
  const t = contributes.configuration.properties['vta.target'];
  const [names, file] = t.anyOf;
  assert.deepEqual(names.enum, [...SHIPPED_TARGET_NAMES]);
  assert.equal(names.enumDescriptions.length, names.enum.length);
  for (const d of names.enumDescriptions) assert.ok(d.length > 10, d);
  assert.ok(new RegExp(file.pattern).test('configs/vta_config.json'));
  assert.ok(!new RegExp(file.pattern).test('pynqq'));
  assert.ok(names.enum.includes(t.default));
});

test('walkthrough steps complete on events VS Code recognises, through commands the extension has', () => {
  const commands = new Set(contributes.commands.map((c: { command: string }) => c.command));
  const kinds = /^(onCommand|onContext|onSettingChanged|onView|onLink|extensionInstalled):(.+)$|^onStepSelected$/;
  for (const step of contributes.walkthroughs[0].steps) {
    assert.ok(step.completionEvents.length, step.id);
    for (const ev of step.completionEvents) {
      const m = kinds.exec(ev);
      assert.ok(m, `${step.id}: ${ev} is not a completion event`);
      if (m[1] === 'onCommand') assert.ok(commands.has(m[2]), `${step.id}: no command ${m[2]}`);
    }
  }
  const byId = Object.fromEntries(
    contributes.walkthroughs[0].steps.map((s: { id: string; completionEvents: string[] }) => [
      s.id,
      s.completionEvents,
    ]),
  );
  // Opening any .vta file completes "open an example"; any debug session completes "debug".
  assert.ok(byId.openExample.includes('onContext:editorLangId == vta'));
  assert.ok(byId.debug.includes('onContext:inDebugMode'));
});

test('activation only on the events the extension needs', () => {
  assert.deepEqual([...pkg.activationEvents].sort(), [
    'onDebugDynamicConfigurations:vta',
    'onDebugResolve:vta',
    'onLanguage:vta',
    'onLanguage:vtasched',
  ]);
});

test('the three modules map to scopes that default themes colour apart', () => {
  const scopes = contributes.semanticTokenScopes[0].scopes as Record<string, string[]>;
  const roots = ['keyword.ld', 'keyword.ex', 'keyword.st'].map((k) => scopes[k]![0]!.split('.').slice(0, 2).join('.'));
  // Dark+/Light+ colour these three differently (functions, control keywords, types); keyword.other is plain keyword blue.
  assert.deepEqual(roots, ['support.function', 'keyword.control', 'support.type']);
  assert.equal(contributes.configurationDefaults['[vta]']['editor.semanticHighlighting.enabled'], true);
});
