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


// ---- workspace trust audit (issue 18 item 3) --------------------------------------------------------
// A repository's .vscode/settings.json must not point Tokenwise at a file or a server of its choosing,
// nor lift a size limit. These rules read package.json itself, so a new setting that names a path, a
// URL or a size fails here until it is declared safely.

const restricted: string[] = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
const describes = (json: JsonProperty & { description?: string; markdownDescription?: string }) => `${json.description ?? ''} ${json.markdownDescription ?? ''}`;
/** Free-text string settings that name no file, folder or server, and why they may come from a workspace. */
const freeTextNotAPath: Record<string, string> = {
  'tokenwise.completion.languages': 'VS Code language ids, matched against the document language; never opened or fetched',
};

test('every free-form string setting (a path, a URL, a name) is user-only, machine-scoped and restricted in untrusted workspaces', () => {
  for (const [key, json] of Object.entries(properties)) {
    const freeForm = (json.type === 'string' && !json.enum) || (json.type === 'array' && json.items?.type === 'string');
    const namesAFile = /\b(path|paths|url|urls|uri|file|files|folder|directory|directories|tokenizer\.json|server)\b/i.test(describes(json)) || /(path|url|uri|dir|file|tokenizers)$/i.test(key);
    if (!freeForm && !(namesAFile && json.type === 'string' && !json.enum)) continue;
    if (freeTextNotAPath[key]) {
      assert.ok(!/(path|url|uri|dir|file|tokenizers)$/i.test(key), `${key} is listed as free text but its name says it is a path or URL`);
      continue;
    }
    const decl = settingsSchema[key.slice('tokenwise.'.length) as keyof typeof settingsSchema];
    assert.equal(json.scope, 'machine', `${key}: a free-form string (path, URL or name) must be machine-scoped`);
    assert.ok(restricted.includes(key), `${key}: a free-form string (path, URL or name) must be in capabilities.untrustedWorkspaces.restrictedConfigurations`);
    assert.equal(decl.userOnly, true, `${key}: a free-form string (path, URL or name) must be read from user settings only (settingsSchema userOnly)`);
  }
});

test('every number setting is bounded on both sides (package.json minimum and maximum)', () => {
  for (const [key, json] of Object.entries(properties)) {
    if (json.type !== 'number' && json.type !== 'integer') continue;
    assert.equal(typeof json.minimum, 'number', `${key}: no minimum`);
    assert.equal(typeof json.maximum, 'number', `${key}: no maximum`);
  }
});

test('size limits: a workspace may lower tokens.maxFileSize, never raise it above the user value (or the default)', () => {
  const sizes = Object.keys(properties).filter((k) => /size|bytes|mb$/i.test(k)).map((k) => k.slice('tokenwise.'.length) as keyof typeof settingsSchema);
  assert.ok(sizes.includes('tokens.maxFileSize'), 'tokens.maxFileSize is a size');
  for (const key of sizes) {
    const decl = settingsSchema[key];
    assert.ok(decl.workspaceMayOnlyLower || decl.scope === 'machine' || decl.userOnly, `tokenwise.${key}: a size a workspace can raise`);
  }
  assert.equal(settingsSchema['tokens.maxFileSize'].schema.maximum, 10_000_000);
  // The workspace says 10 MB, the user nothing: the default (1 MB) holds, with one message.
  const raised = resolveSetting('tokens.maxFileSize', { effective: 10_000_000, globalValue: undefined });
  assert.equal(raised.value, 1_000_000);
  assert.match(raised.problem ?? '', /workspace value 10000000 is above the user value 1000000; a workspace may only lower it/);
  // Above the maximum from anywhere: clamped, then capped by the user's value.
  assert.equal(resolveSetting('tokens.maxFileSize', { effective: 1e12, globalValue: 1e12 }).value, 10_000_000);
  assert.equal(resolveSetting('tokens.maxFileSize', { effective: 1e12, globalValue: 2_000_000 }).value, 2_000_000);
  // The user may raise it (effective = the user's value); a workspace may lower it.
  assert.deepEqual(resolveSetting('tokens.maxFileSize', { effective: 5_000_000, globalValue: 5_000_000 }), { value: 5_000_000 });
  assert.deepEqual(resolveSetting('tokens.maxFileSize', { effective: 200_000, globalValue: 5_000_000 }), { value: 200_000 });
});

test('every enum setting refuses any other value (a path to a tokenizer.json, /dev/zero) and falls back to its default', () => {
  for (const key of settingKeys) {
    const decl = settingsSchema[key];
    if (!decl.schema.enum) continue;
    for (const evil of ['/tmp/evil/tokenizer.json', '/dev/zero', '../tokenizer.json', 42]) {
      const c = resolveSetting(key, { effective: evil, globalValue: evil });
      assert.equal(c.value, decl.default, `tokenwise.${key} = ${String(evil)}`);
      assert.ok(c.problem, `tokenwise.${key} = ${String(evil)}: reported`);
    }
  }
  // The two settings that once took a path from the workspace (issue 18 item 3).
  assert.ok(settingsSchema.tokenizer.schema.enum);
  assert.ok(settingsSchema['metrics.reference'].schema.enum);
});
