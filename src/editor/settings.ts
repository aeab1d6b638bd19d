/**
 * The one place the editor reads `tokenwise.*` settings. Declarations (types, defaults, bounds,
 * allowed values, scopes) live in settingsSchema.ts; this module reads them from VS Code,
 * validates them (invalid values fall back to the default, numbers out of bounds are clamped, each
 * problem reported once), and hands out one typed snapshot per area plus a change event per area.
 *
 * User-only settings (model and tokenizer paths) are read from the user's settings only; under a
 * remote such as code-server that means the Remote (machine) settings, never the workspace.
 */
import * as vscode from 'vscode';
import type { ExecutionProviderSetting } from '../core/inference/types';
import type { BackendKind } from '../core/inference/factory';
import type { InstructSetting } from '../core/inference/remote/chat';
import type { BoundaryMode } from '../core/completion/boundary';
import type { CompletionUnitSetting } from '../core/completion/unit';
import type { FimFamily, FimOrder } from '../core/completion/prompt/templates';
import type { HeatMetric, HeatStyle, RankThresholds } from '../core/entropy/metrics';
import { keysOf, resolveSetting, settingTargetInEffect, settingsSchema, settingsSection, type SettingKey, type SettingTarget, type SettingValue, type SettingsArea, type TokenizerChoice } from './settingsSchema';

export { settingsSchema, type SettingKey, type SettingValue, type SettingsArea, type TokenizerChoice } from './settingsSchema';

// ---- reporting ------------------------------------------------------------------------------------

let reporter: ((message: string) => void) | undefined;
const reported = new Set<string>();

/**
 * Where invalid values are reported (the extension passes `services.notifyErrorOnce`). Each distinct
 * problem is reported once per session.
 */
export function setSettingsReporter(report: (message: string) => void): vscode.Disposable {
  reporter = report;
  return new vscode.Disposable(() => {
    if (reporter === report) reporter = undefined;
    reported.clear();
  });
}

function report(problem: string): void {
  if (reported.has(problem)) return;
  reported.add(problem);
  (reporter ?? ((m: string) => console.warn(`Tokenwise: ${m}`)))(problem);
}

// ---- reading --------------------------------------------------------------------------------------

/** Reads one setting, validated; `scope` is the resource for resource-scoped settings (default: none). */
export function readSetting<K extends SettingKey>(key: K, scope?: vscode.ConfigurationScope): SettingValue<K> {
  const config = vscode.workspace.getConfiguration(settingsSection, scope);
  const decl = settingsSchema[key];
  const checked = decl.userOnly
    ? resolveSetting(key, { effective: undefined, globalValue: config.inspect(key)?.globalValue })
    : decl.workspaceMayOnlyLower
      ? resolveSetting(key, { effective: config.get<unknown>(key), globalValue: config.inspect(key)?.globalValue })
      : resolveSetting(key, { effective: config.get<unknown>(key) });
  if (checked.problem !== undefined) report(checked.problem);
  return checked.value;
}

export interface TokensSettings {
  tokenizer: TokenizerChoice;
  /** User settings only. */
  customTokenizerPath: string;
  showWhitespace: boolean;
  maxFileSize: number;
}

/** The fields src/editor/engine/index.ts loads a model with (the protocol's settings minus `backend`). */
export interface EngineSettings {
  /** Model directory; '' = the shipped model. User settings only. */
  modelPath: string;
  executionProvider: ExecutionProviderSetting;
  threads: number;
  kvCacheMB: number;
  /** Where the model runs (user settings only) and, for a server, where and which (the key comes from SecretStorage). */
  backend: BackendKind;
  remoteUrl: string;
  remoteModel: string;
  remoteTokenizerPath: string;
  /** Whether the served model is instruction-tuned (chat for Find API…'s call answers). */
  remoteInstruct: InstructSetting;
}

/** The fields src/editor/completion/inlineCompletion.ts reads. */
export interface CompletionSettings {
  enabled: boolean;
  languages: string[];
  mode: BoundaryMode;
  order: FimOrder;
  family: FimFamily | 'auto';
  /** An integer (floored). */
  maxTokens: number;
  timeoutMs: number;
  /** Gate: least geometric-mean token probability of a suggestion (0–1). */
  minConfidence: number;
  /** Statement completion (the syntax decides the unit) or the line policy. */
  unit: CompletionUnitSetting;
  /** Beam width (1 = greedy). */
  beamWidth: number;
  /** The ranked identifier list (CompletionItemProvider). */
  identifiers: boolean;
}

export interface HeatmapSettings {
  metric: HeatMetric;
  thresholds: RankThresholds;
  style: HeatStyle;
  contextTokens: number;
}

export function readTokensSettings(scope?: vscode.ConfigurationScope): TokensSettings {
  return {
    tokenizer: readSetting('tokenizer', scope),
    customTokenizerPath: readSetting('customTokenizerPath', scope),
    showWhitespace: readSetting('tokens.showWhitespace', scope),
    maxFileSize: readSetting('tokens.maxFileSize', scope),
  };
}

/** The settings the inference worker loads a model with (`modelPath` from user settings only). */
export function readEngineSettings(): EngineSettings {
  return {
    modelPath: readSetting('modelPath'),
    executionProvider: readSetting('executionProvider'),
    threads: readSetting('engine.threads'),
    kvCacheMB: readSetting('engine.kvCacheMB'),
    backend: readSetting('backend'),
    remoteUrl: readSetting('remote.url'),
    remoteModel: readSetting('remote.model'),
    remoteTokenizerPath: readSetting('remote.tokenizerPath'),
    remoteInstruct: readSetting('remote.instruct'),
  };
}

export function readCompletionSettings(scope?: vscode.ConfigurationScope): CompletionSettings {
  return {
    enabled: readSetting('completion.enabled', scope),
    languages: [...readSetting('completion.languages', scope)],
    mode: readSetting('completion.boundary', scope),
    order: readSetting('completion.order', scope),
    family: readSetting('completion.family', scope),
    maxTokens: Math.floor(readSetting('completion.maxTokens', scope)),
    timeoutMs: readSetting('completion.timeoutMs', scope),
    minConfidence: readSetting('completion.minConfidence', scope),
    unit: readSetting('completion.unit', scope),
    beamWidth: readSetting('completion.beamWidth', scope),
    identifiers: readSetting('completion.identifiers.enabled', scope),
  };
}

export function readHeatmapSettings(scope?: vscode.ConfigurationScope): HeatmapSettings {
  return {
    metric: readSetting('heatmap.metric', scope),
    thresholds: readSetting('heatmap.rankThresholds', scope),
    style: readSetting('heatmap.style', scope),
    contextTokens: readSetting('heatmap.contextTokens', scope),
  };
}

// ---- changes --------------------------------------------------------------------------------------

export interface SettingsChange {
  /** Whether this change touches `key` (any scope). */
  affects(key: SettingKey): boolean;
}

/**
 * Fires when a setting of one of `areas` changed. `change.affects(key)` tells which, for surfaces
 * that react differently per setting (the engine reloads the model, or only resizes its cache).
 */
export function onDidChangeSettings(areas: SettingsArea | readonly SettingsArea[], listener: (change: SettingsChange) => void): vscode.Disposable {
  const keys = (typeof areas === 'string' ? [areas] : areas).flatMap((a) => keysOf(a));
  return vscode.workspace.onDidChangeConfiguration((event) => {
    const affects = (key: SettingKey) => event.affectsConfiguration(`${settingsSection}.${key}`);
    if (keys.some(affects)) listener({ affects });
  });
}

/** Writes a setting to the user's settings. */
export function updateUserSetting<K extends SettingKey>(key: K, value: SettingValue<K>): Thenable<void> {
  return vscode.workspace.getConfiguration(settingsSection).update(key, value, vscode.ConfigurationTarget.Global);
}

/**
 * Writes a setting where it takes effect, as VS Code's own pickers do: to the workspace folder or
 * the workspace when one of them sets it (it would override a user value), else to the user's
 * settings. Returns the scope written, for the message.
 */
export async function updateSettingInEffect<K extends SettingKey>(key: K, value: SettingValue<K>, resource?: vscode.Uri): Promise<SettingTarget> {
  const config = vscode.workspace.getConfiguration(settingsSection, resource);
  const target = settingTargetInEffect(config.inspect(key) ?? {});
  const vsTarget = target === 'workspaceFolder' ? vscode.ConfigurationTarget.WorkspaceFolder : target === 'workspace' ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update(key, value, vsTarget);
  return target;
}

/** True where user (machine-scoped) settings live in Remote settings: code-server, remote windows. */
export function userSettingsAreRemote(): boolean {
  return vscode.env.remoteName !== undefined || vscode.env.uiKind === vscode.UIKind.Web;
}

/** How to name the settings where `machine`-scoped settings (model and tokenizer paths) go. */
export function userSettingsLabel(): string {
  return userSettingsAreRemote() ? 'Remote settings ("Preferences: Open Remote Settings (JSON)")' : 'user settings';
}

/** Opens the Settings editor at one setting; user-only settings in the scope they are read from (Remote settings under code-server). */
export async function openSetting(key: SettingKey): Promise<unknown> {
  if (settingsSchema[key].userOnly && userSettingsAreRemote()) {
    try {
      // Unlike openSettings, openRemoteSettings reads only an options object: a query string is dropped.
      return await vscode.commands.executeCommand('workbench.action.openRemoteSettings', { query: `${settingsSection}.${key}` });
    } catch {
      return vscode.commands.executeCommand('workbench.action.openRemoteSettingsFile');
    }
  }
  return vscode.commands.executeCommand('workbench.action.openSettings', `${settingsSection}.${key}`);
}
