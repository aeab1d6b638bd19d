/**
 * Every `tokenwise.*` setting, declared once: its area, type, default, bounds or allowed values,
 * scope, and whether it is read from the user's own settings only. Pure (no `vscode`): the
 * settings module (settings.ts) reads through it, and a unit test checks it against package.json
 * `contributes.configuration` one to one.
 */
import type { ExecutionProviderSetting } from '../core/inference/types';
import type { BackendKind } from '../core/inference/factory';
import type { InstructSetting } from '../core/inference/remote/chat';
import type { BoundaryMode } from '../core/completion/boundary';
import type { CompletionUnitSetting } from '../core/completion/unit';
import type { FimFamily, FimOrder } from '../core/completion/prompt/templates';
import { defaultRankThresholds, isRankThresholds, type HeatMetric, type HeatStyle, type RankThresholds } from '../core/entropy/metrics';

export const settingsSection = 'tokenwise';

/** Where a setting is written: the scope whose value is in effect. */
export type SettingTarget = 'workspaceFolder' | 'workspace' | 'user';

/**
 * The scope a picker should write so the new value takes effect (what VS Code's own pickers do):
 * a workspace folder or workspace value overrides the user's, so it is replaced where it is.
 */
export function settingTargetInEffect(inspect: { workspaceFolderValue?: unknown; workspaceValue?: unknown }): SettingTarget {
  if (inspect.workspaceFolderValue !== undefined) return 'workspaceFolder';
  if (inspect.workspaceValue !== undefined) return 'workspace';
  return 'user';
}

/** The areas a surface listens to (settings.ts `onDidChangeSettings`). */
export const settingsAreas = ['tokens', 'engine', 'completion', 'heatmap', 'metrics', 'api'] as const;
export type SettingsArea = (typeof settingsAreas)[number];

export type SettingScope = 'application' | 'machine' | 'machine-overridable' | 'window' | 'resource' | 'language-overridable';

/** The JSON-schema part of a declaration: what package.json must say about the setting. */
export interface SettingJsonSchema {
  readonly type: 'string' | 'boolean' | 'number' | 'integer' | 'array';
  readonly enum?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly items?: { readonly type: 'string' | 'integer'; readonly minimum?: number };
  readonly minItems?: number;
  readonly maxItems?: number;
}

/**
 * Outcome of checking a configured value: valid, corrected (a number clamped into its bounds), or
 * rejected (the default applies). `problem` is the one-line message shown once.
 */
export type Checked<T> = { readonly value: T; readonly problem?: undefined } | { readonly value: T; readonly problem: string };

export interface Setting<T> {
  readonly area: SettingsArea;
  readonly default: T;
  readonly scope: SettingScope;
  /**
   * Read from user settings only (under a remote such as code-server: the Remote/machine
   * settings), never from the workspace: paths to models and tokenizers, server URLs. An untrusted
   * repository must not point Tokenwise at a file of its choosing.
   */
  readonly userOnly: boolean;
  /**
   * A limit a workspace may lower but never raise above the user's value (or the default): an
   * untrusted repository must not make Tokenwise read and tokenize more than the user allows.
   */
  readonly workspaceMayOnlyLower: boolean;
  readonly schema: SettingJsonSchema;
  check(key: string, value: unknown): Checked<T>;
}

interface Common {
  readonly scope: SettingScope;
  readonly userOnly?: boolean;
  readonly workspaceMayOnlyLower?: boolean;
}

const show = (value: unknown) => JSON.stringify(value) ?? String(value);
const rejected = <T>(key: string, value: unknown, fallback: T, why = ''): Checked<T> => ({
  value: fallback,
  problem: `Setting ${settingsSection}.${key} has an invalid value ${show(value)}${why}; using ${show(fallback)}.`,
});

function declare<T>(area: SettingsArea, def: T, common: Common, schema: SettingJsonSchema, check: Setting<T>['check']): Setting<T> {
  return { area, default: def, scope: common.scope, userOnly: common.userOnly ?? false, workspaceMayOnlyLower: common.workspaceMayOnlyLower ?? false, schema, check };
}

function stringSetting(area: SettingsArea, def: string, common: Common): Setting<string> {
  return declare(area, def, common, { type: 'string' }, (key, v) => (typeof v === 'string' ? { value: v } : rejected(key, v, def)));
}

/**
 * `members` lists every value of the union `T` once, in package.json order: a `Record<T, true>`, so
 * the compiler rejects a missing or an unknown member when the core type changes.
 */
function enumSetting<T extends string>(area: SettingsArea, members: Record<T, true>, def: NoInfer<T>, common: Common): Setting<T> {
  const values = Object.keys(members) as T[];
  return declare(area, def, common, { type: 'string', enum: values }, (key, v) =>
    typeof v === 'string' && (values as readonly string[]).includes(v) ? { value: v as T } : rejected(key, v, def, ` (allowed: ${values.join(', ')})`),
  );
}

function booleanSetting(area: SettingsArea, def: boolean, common: Common): Setting<boolean> {
  return declare(area, def, common, { type: 'boolean' }, (key, v) => (typeof v === 'boolean' ? { value: v } : rejected(key, v, def)));
}

/** Numbers outside their bounds are clamped into them (and reported once); non-numbers fall back. */
function numberSetting(area: SettingsArea, def: number, common: Common & { integer?: boolean; minimum?: number; maximum?: number }): Setting<number> {
  const schema: SettingJsonSchema = {
    type: common.integer ? 'integer' : 'number',
    ...(common.minimum !== undefined ? { minimum: common.minimum } : {}),
    ...(common.maximum !== undefined ? { maximum: common.maximum } : {}),
  };
  const min = common.minimum ?? -Infinity;
  const max = common.maximum ?? Infinity;
  return declare(area, def, common, schema, (key, v) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return rejected(key, v, def);
    if (common.integer && !Number.isInteger(v)) return rejected(key, v, def, ' (not an integer)');
    if (v < min || v > max) {
      const value = Math.min(max, Math.max(min, v));
      const range = `${Number.isFinite(min) ? min : '−∞'}..${Number.isFinite(max) ? max : '∞'}`;
      return { value, problem: `Setting ${settingsSection}.${key} is ${v}, outside ${range}; using ${value}.` };
    }
    return { value: v };
  });
}

function stringListSetting(area: SettingsArea, def: readonly string[], common: Common): Setting<readonly string[]> {
  return declare(area, def, common, { type: 'array', items: { type: 'string' } }, (key, v) =>
    Array.isArray(v) && v.every((s) => typeof s === 'string') ? { value: v as string[] } : rejected(key, v, def),
  );
}

/** The token view's tokenizer choices (package.json enum); 'custom' uses tokenwise.customTokenizerPath. */
export type TokenizerChoice = 'o200k_base' | 'cl100k_base' | 'p50k_base' | 'r50k_base' | 'model' | 'custom';

const tokenizers: Record<TokenizerChoice, true> = { o200k_base: true, cl100k_base: true, p50k_base: true, r50k_base: true, model: true, custom: true };
const providers: Record<ExecutionProviderSetting, true> = { auto: true, cuda: true, webgpu: true, cpu: true };
const backends: Record<BackendKind, true> = { embedded: true, openai: true, vllm: true, llamacpp: true, ollama: true };
const instructs: Record<InstructSetting, true> = { auto: true, on: true, off: true };
const boundaries: Record<BoundaryMode, true> = { exact: true, heal: true, naive: true };
const orders: Record<FimOrder, true> = { psm: true, spm: true };
const units: Record<CompletionUnitSetting, true> = { statement: true, line: true };
const families: Record<FimFamily | 'auto', true> = { auto: true, tokenwise: true, qwen: true, starcoder: true, codellama: true, deepseek: true, codegen2: true };
const metrics: Record<HeatMetric, true> = { surprisal: true, entropy: true, rank: true };
const styles: Record<HeatStyle, true> = { background: true, underline: true };
/** The compression metrics' reference: a built-in encoding or the model's tokenizer (never a path from the workspace). */
export type MetricsReference = 'o200k_base' | 'cl100k_base' | 'p50k_base' | 'r50k_base' | 'model';
const references: Record<MetricsReference, true> = { o200k_base: true, cl100k_base: true, p50k_base: true, r50k_base: true, model: true };

/** Every `tokenwise.*` setting, keyed without the `tokenwise.` prefix. */
export const settingsSchema = {
  // ---- tokens (token view, status bar token count) ----
  tokenizer: enumSetting<TokenizerChoice>('tokens', tokenizers, 'o200k_base', { scope: 'resource' }),
  customTokenizerPath: stringSetting('tokens', '', { scope: 'machine', userOnly: true }),
  'tokens.showWhitespace': booleanSetting('tokens', false, { scope: 'resource' }),
  'tokens.maxFileSize': numberSetting('tokens', 1_000_000, { scope: 'resource', minimum: 10_000, maximum: 10_000_000, workspaceMayOnlyLower: true }),
  // ---- engine (the inference worker and its model) ----
  modelPath: stringSetting('engine', '', { scope: 'machine', userOnly: true }),
  executionProvider: enumSetting<ExecutionProviderSetting>('engine', providers, 'auto', { scope: 'machine' }),
  'engine.threads': numberSetting('engine', 0, { scope: 'machine', minimum: 0, maximum: 256 }),
  'engine.kvCacheMB': numberSetting('engine', 256, { scope: 'machine', minimum: 0, maximum: 65_536 }),
  backend: enumSetting<BackendKind>('engine', backends, 'embedded', { scope: 'machine', userOnly: true }),
  'remote.url': stringSetting('engine', '', { scope: 'machine', userOnly: true }),
  'remote.model': stringSetting('engine', '', { scope: 'machine', userOnly: true }),
  'remote.tokenizerPath': stringSetting('engine', '', { scope: 'machine', userOnly: true }),
  'remote.instruct': enumSetting<InstructSetting>('engine', instructs, 'auto', { scope: 'machine' }),
  // ---- completion (inline ghost text) ----
  'completion.enabled': booleanSetting('completion', true, { scope: 'resource' }),
  'completion.languages': stringListSetting('completion', ['*'], { scope: 'resource' }),
  'completion.boundary': enumSetting<BoundaryMode>('completion', boundaries, 'exact', { scope: 'resource' }),
  'completion.order': enumSetting<FimOrder>('completion', orders, 'psm', { scope: 'resource' }),
  'completion.family': enumSetting<FimFamily | 'auto'>('completion', families, 'auto', { scope: 'machine' }),
  'completion.maxTokens': numberSetting('completion', 64, { scope: 'resource', minimum: 1, maximum: 512 }),
  'completion.timeoutMs': numberSetting('completion', 500, { scope: 'resource', minimum: 50, maximum: 60_000 }),
  'completion.minConfidence': numberSetting('completion', 0.3, { scope: 'resource', minimum: 0, maximum: 1 }),
  'completion.unit': enumSetting<CompletionUnitSetting>('completion', units, 'statement', { scope: 'resource' }),
  'completion.beamWidth': numberSetting('completion', 4, { scope: 'resource', integer: true, minimum: 1, maximum: 8 }),
  'completion.identifiers.enabled': booleanSetting('completion', true, { scope: 'resource' }),
  // ---- heatmap (entropy heat map) ----
  'heatmap.metric': enumSetting<HeatMetric>('heatmap', metrics, 'surprisal', { scope: 'resource' }),
  'heatmap.rankThresholds': declare<RankThresholds>(
    'heatmap',
    defaultRankThresholds,
    { scope: 'resource' },
    { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 3, maxItems: 3 },
    (key, v) => (isRankThresholds(v) ? { value: v } : rejected(key, v, defaultRankThresholds, ' (three increasing positive integers)')),
  ),
  'heatmap.style': enumSetting<HeatStyle>('heatmap', styles, 'background', { scope: 'resource' }),
  'heatmap.contextTokens': numberSetting('heatmap', 256, { scope: 'resource', integer: true, minimum: 16, maximum: 8192 }),
  // ---- metrics (compression metrics panel) ----
  'metrics.reference': enumSetting<MetricsReference>('metrics', references, 'o200k_base', { scope: 'resource' }),
  'metrics.extraTokenizers': stringListSetting('metrics', [], { scope: 'machine', userOnly: true }),
  'metrics.bitsPerByte': booleanSetting('metrics', true, { scope: 'resource' }),
  // ---- api (project API index: member completion, Find API…, signatures in the prompt) ----
  'api.enabled': booleanSetting('api', true, { scope: 'window' }),
  'api.maxFiles': numberSetting('api', 20_000, { scope: 'window', integer: true, minimum: 100, maximum: 200_000 }),
  'api.contextTokens': numberSetting('api', 128, { scope: 'window', integer: true, minimum: 0, maximum: 2048 }),
  'api.modelRanking': booleanSetting('api', false, { scope: 'window' }),
} as const satisfies Record<string, Setting<unknown>>;

export type SettingKey = keyof typeof settingsSchema;
export type SettingValue<K extends SettingKey> = (typeof settingsSchema)[K] extends Setting<infer T> ? T : never;
export const settingKeys = Object.keys(settingsSchema) as SettingKey[];

/** Keys of one area. */
export function keysOf(area: SettingsArea): SettingKey[] {
  return settingKeys.filter((k) => settingsSchema[k].area === area);
}

/** What VS Code's `inspect` returns, reduced to the scopes the reader looks at. */
export interface InspectedValue {
  /** The effective value (`getConfiguration().get(key)`): workspace over user over default. */
  effective: unknown;
  /** User settings, which under a remote include the Remote (machine) settings. */
  globalValue?: unknown;
}

/**
 * Resolves one setting from what VS Code reports: user-only settings ignore workspace values;
 * limits a workspace may only lower are capped at the user's value (or the default); invalid
 * values give the default (numbers: the nearest bound) and a problem to report once.
 */
export function resolveSetting<K extends SettingKey>(key: K, inspected: InspectedValue): Checked<SettingValue<K>> {
  const decl = settingsSchema[key] as Setting<SettingValue<K>>;
  const raw = decl.userOnly ? inspected.globalValue : inspected.effective;
  if (raw === undefined || raw === null) return { value: decl.default };
  const checked = decl.check(key, raw);
  if (!decl.workspaceMayOnlyLower) return checked;
  const user = inspected.globalValue === undefined || inspected.globalValue === null ? { value: decl.default } : decl.check(key, inspected.globalValue);
  if ((checked.value as number) <= (user.value as number)) return checked;
  return { value: user.value, problem: `Setting ${settingsSection}.${key}: the workspace value ${show(raw)} is above the user value ${show(user.value)}; a workspace may only lower it, using ${show(user.value)}.` };
}
