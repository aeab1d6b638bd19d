/**
 * `tsconfig.json` / `jsconfig.json` as import resolution needs them: `compilerOptions.baseUrl` and
 * `paths` after following `extends` as TypeScript does (tsc's `parseConfig` / `getExtendsConfigPath`):
 * a relative path with or without `.json`, or a package under `node_modules` folders up the tree
 * (`pkg/file.json`, the package.json `tsconfig` field, the package's `tsconfig.json`); an array of
 * bases applies in order, later ones overriding earlier, the config's own options last. Each option
 * comes from the nearest config that sets it; `paths` substitutions are relative to the effective
 * `baseUrl`, else to the folder of the config that set `paths`. Bases are read through the injected
 * WorkspaceFs; a missing, unreadable or circular base is left out with one log line.
 */
import type { Log } from '../base/errors';
import type { WorkspaceFs } from '../workspace/fs';
import { dirname, joinPath } from './resolve';
import type { TsConfigRecord } from './types';

/** Bases followed below one config, and configs read for it in all: bounds a pathological chain. */
const maxExtendsDepth = 16;
const maxConfigsRead = 64;

/** Strips comments and trailing commas from JSONC (tsconfig.json) and parses it; undefined when it is not valid. */
export function parseJsonc(text: string): unknown {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2);
      if (i < 0) break;
      i++;
    } else out += c;
  }
  try {
    return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
  } catch {
    return undefined;
  }
}

type ConfigJson = { extends?: unknown; compilerOptions?: { baseUrl?: unknown; paths?: unknown } };

/** The resolution options one config contributes, or the merge of a chain (later keys override). */
interface ResolutionOptions {
  baseUrl?: string;
  paths?: Record<string, string[]>;
  /** Travels with `paths`: the folder of the config that set them. */
  pathsBase?: string;
}

function isConfigJson(value: unknown): value is ConfigJson {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

function ownOptions(configUri: string, json: ConfigJson): ResolutionOptions {
  const dir = dirname(configUri);
  const options = isConfigJson(json.compilerOptions) ? json.compilerOptions : {};
  const own: ResolutionOptions = {};
  if (typeof options.baseUrl === 'string') own.baseUrl = joinPath(dir, options.baseUrl);
  if (options.paths && typeof options.paths === 'object') {
    const paths: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(options.paths as Record<string, unknown>)) if (Array.isArray(v)) paths[k] = v.filter((t): t is string => typeof t === 'string');
    own.paths = paths;
    own.pathsBase = dir;
  }
  return own;
}

async function readText(fs: WorkspaceFs, uri: string): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await fs.readFile(uri)).replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}

/** A found base config, or the URIs looked at in vain (relative specs only: a later create of one re-reads the config). */
type Lookup = { uri: string; text: string } | { missing: string[] };

async function firstReadable(fs: WorkspaceFs, candidates: string[]): Promise<{ uri: string; text: string } | undefined> {
  for (const uri of candidates) {
    const text = await readText(fs, uri);
    if (text !== undefined) return { uri, text };
  }
  return undefined;
}

const withJson = (uri: string) => (uri.endsWith('.json') ? [uri] : [uri, `${uri}.json`]);

/** Where `extends: spec` in a config of folder `dir` points, as tsc resolves it. */
async function lookUpBase(fs: WorkspaceFs, dir: string, spec: string): Promise<Lookup> {
  if (spec.startsWith('./') || spec.startsWith('../') || spec.startsWith('/')) {
    const candidates = withJson(spec.startsWith('/') ? joinPath(/^[a-zA-Z][\w+.-]*:\/\/[^/]*/.exec(dir)?.[0] ?? '', spec) : joinPath(dir, spec));
    return (await firstReadable(fs, candidates)) ?? { missing: candidates };
  }
  if (!spec) return { missing: [] };
  // A package: node_modules folders from the config's folder up to the root.
  for (let d = dir; ; ) {
    const packageDir = joinPath(`${d}/node_modules`, spec);
    const asFile = await firstReadable(fs, withJson(packageDir));
    if (asFile) return asFile;
    const manifest = await readText(fs, `${packageDir}/package.json`);
    if (manifest !== undefined) {
      const field = (parseJsonc(manifest) as { tsconfig?: unknown } | undefined)?.tsconfig;
      const fromField = typeof field === 'string' ? await firstReadable(fs, withJson(joinPath(packageDir, field))) : undefined;
      if (fromField) return fromField;
    }
    const rootConfig = await firstReadable(fs, [`${packageDir}/tsconfig.json`]);
    if (rootConfig) return rootConfig;
    const up = dirname(d);
    if (up === d || !up || /^[a-zA-Z][\w+.-]*:\/\/[^/]*$/.test(d)) break;
    d = up;
  }
  return { missing: [] };
}

interface ChainState {
  fs: WorkspaceFs;
  log: Log | undefined;
  /** Every base read or looked for in vain (relative ones), for incremental updates. */
  bases: Set<string>;
  read: number;
}

async function chainOptions(state: ChainState, configUri: string, json: ConfigJson, stack: string[]): Promise<ResolutionOptions> {
  const merged: ResolutionOptions = {};
  const specs = typeof json.extends === 'string' ? [json.extends] : Array.isArray(json.extends) ? json.extends.filter((s): s is string => typeof s === 'string') : [];
  for (const spec of specs) {
    const ignored = (why: string) => state.log?.('warn', `API index: ${configUri} extends "${spec}": ${why}; ignored`);
    if (stack.length > maxExtendsDepth || state.read >= maxConfigsRead) {
      ignored(`more than ${maxExtendsDepth} levels or ${maxConfigsRead} configs`);
      continue;
    }
    const found = await lookUpBase(state.fs, dirname(configUri), spec);
    if ('missing' in found) {
      for (const uri of found.missing) state.bases.add(uri);
      ignored('not found');
      continue;
    }
    state.bases.add(found.uri);
    if (stack.includes(found.uri)) {
      ignored(`circular (${[...stack, found.uri].join(' → ')})`);
      continue;
    }
    state.read++;
    const baseJson = parseJsonc(found.text);
    if (!isConfigJson(baseJson)) {
      ignored('not valid JSON');
      continue;
    }
    Object.assign(merged, await chainOptions(state, found.uri, baseJson, [...stack, found.uri]));
  }
  return Object.assign(merged, ownOptions(configUri, json));
}

/** A config's resolution settings with its `extends` chain applied; undefined when the config itself is not valid JSONC. */
export async function loadTsConfig(fs: WorkspaceFs, configUri: string, text: string, log?: Log): Promise<TsConfigRecord | undefined> {
  const json = parseJsonc(text);
  if (!isConfigJson(json)) return undefined;
  const state: ChainState = { fs, log, bases: new Set(), read: 0 };
  const options = await chainOptions(state, configUri, json, [configUri]);
  const record: TsConfigRecord = { uri: configUri, dir: dirname(configUri) };
  if (options.baseUrl) record.baseUrl = options.baseUrl;
  if (options.paths) {
    record.paths = options.paths;
    record.pathsBase = options.baseUrl ?? options.pathsBase!;
  }
  state.bases.delete(configUri);
  if (state.bases.size) record.extends = [...state.bases].sort();
  return record;
}
