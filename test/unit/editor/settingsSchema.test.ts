// The settings declared in package.json and in src/editor/settingsSchema.ts match one to one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths';
import { keysOf, resolveSetting, settingKeys, settingsAreas, settingsSchema } from '../../../src/editor/settingsSchema';

interface JsonProperty {
  type: string;
  default: unknown;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  items?: { type: string; minimum?: number };
  minItems?: number;
  maxItems?: number;
  scope?: string;
}

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const properties: Record<string, JsonProperty> = manifest.contributes.configuration.properties;

test('every setting of package.json is declared in settingsSchema.ts, and no other', () => {
  const declared = settingKeys.map((k) => `tokenwise.${k}`).sort();
  assert.deepEqual(Object.keys(properties).sort(), declared);
});

test('type, default, enum values, bounds and scope agree with package.json', () => {
  for (const key of settingKeys) {
    const decl = settingsSchema[key];
    const json = properties[`tokenwise.${key}`]!;
    const where = `tokenwise.${key}`;
    assert.equal(json.type, decl.schema.type, `${where}: type`);
    assert.deepEqual(json.default, decl.default, `${where}: default`);
    assert.deepEqual(json.enum, decl.schema.enum, `${where}: enum values`);
    assert.equal(json.minimum, decl.schema.minimum, `${where}: minimum`);
    assert.equal(json.maximum, decl.schema.maximum, `${where}: maximum`);
    assert.deepEqual(json.items, decl.schema.items, `${where}: items`);
    assert.equal(json.minItems, decl.schema.minItems, `${where}: minItems`);
    assert.equal(json.maxItems, decl.schema.maxItems, `${where}: maxItems`);
    assert.equal(json.scope, decl.scope, `${where}: scope`);
    if (json.enum) assert.ok(json.enum.includes(decl.default as string), `${where}: the default is one of the enum values`);
  }
});

test('user-only settings are machine-scoped and restricted in untrusted workspaces', () => {
  const restricted: string[] = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
  const userOnly = settingKeys.filter((k) => settingsSchema[k].userOnly).map((k) => `tokenwise.${k}`);
  assert.deepEqual(userOnly.sort(), ['tokenwise.backend', 'tokenwise.customTokenizerPath', 'tokenwise.metrics.extraTokenizers', 'tokenwise.modelPath', 'tokenwise.remote.model', 'tokenwise.remote.tokenizerPath', 'tokenwise.remote.url']);
  for (const key of userOnly) {
    assert.equal(properties[key]!.scope, 'machine', key);
    assert.ok(restricted.includes(key), `${key} is in capabilities.untrustedWorkspaces.restrictedConfigurations`);
  }
});

test('every area has settings, every key belongs to one area', () => {
  const all = settingsAreas.flatMap((a) => keysOf(a));
  assert.deepEqual([...all].sort(), [...settingKeys].sort());
  for (const area of settingsAreas) assert.ok(keysOf(area).length > 0, area);
});

test('every default passes its own check', () => {
  for (const key of settingKeys) {
    const checked = resolveSetting(key, { effective: settingsSchema[key].default, globalValue: settingsSchema[key].default });
    assert.equal(checked.problem, undefined, key);
    assert.deepEqual(checked.value, settingsSchema[key].default, key);
  }
});

test('enums: an unknown value falls back to the default with one message naming the allowed values', () => {
  const c = resolveSetting('heatmap.metric', { effective: 'loudness' });
  assert.equal(c.value, 'surprisal');
  assert.match(c.problem ?? '', /tokenwise\.heatmap\.metric has an invalid value "loudness".*allowed: surprisal, entropy, rank.*using "surprisal"/);
  assert.equal(resolveSetting('completion.family', { effective: 'qwen' }).value, 'qwen');
  assert.equal(resolveSetting('tokenizer', { effective: '/tmp/evil/tokenizer.json' }).value, 'o200k_base');
});

test('numbers: out of bounds are clamped, wrong types fall back, integers are enforced', () => {
  const high = resolveSetting('completion.maxTokens', { effective: 4096 });
  assert.equal(high.value, 512);
  assert.match(high.problem ?? '', /completion\.maxTokens is 4096, outside 1\.\.512; using 512/);
  assert.equal(resolveSetting('heatmap.contextTokens', { effective: 4 }).value, 16);
  assert.equal(resolveSetting('tokens.maxFileSize', { effective: 10 }).value, 10_000);
  assert.equal(resolveSetting('engine.threads', { effective: -3 }).value, 0);
  const wrong = resolveSetting('engine.kvCacheMB', { effective: 'lots' });
  assert.equal(wrong.value, 256);
  assert.ok(wrong.problem);
  assert.equal(resolveSetting('heatmap.contextTokens', { effective: 100.5 }).value, 256);
  assert.equal(resolveSetting('completion.timeoutMs', { effective: 800 }).problem, undefined);
});

test('user-only settings ignore the workspace value', () => {
  assert.equal(resolveSetting('modelPath', { effective: '/workspace/says', globalValue: undefined }).value, '');
  assert.equal(resolveSetting('modelPath', { effective: '/workspace/says', globalValue: '/home/me/model' }).value, '/home/me/model');
  assert.equal(resolveSetting('customTokenizerPath', { effective: 'x', globalValue: 42 }).value, '');
});

test('lists and rank thresholds are validated', () => {
  assert.deepEqual(resolveSetting('completion.languages', { effective: ['python', 'go'] }).value, ['python', 'go']);
  assert.deepEqual(resolveSetting('completion.languages', { effective: ['python', 3] }).value, ['*']);
  assert.deepEqual(resolveSetting('heatmap.rankThresholds', { effective: [5, 50, 500] }).value, [5, 50, 500]);
  const bad = resolveSetting('heatmap.rankThresholds', { effective: [100, 10, 1000] });
  assert.deepEqual(bad.value, [10, 100, 1000]);
  assert.match(bad.problem ?? '', /three increasing positive integers/);
});

