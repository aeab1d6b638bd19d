/**
 * Choosing and loading tokenizers: `o200k_base` and the other tiktoken encodings, `model` (the
 * tokenizer.json of a model directory the caller names) or a path to any tokenizer.json. Loaded
 * tokenizers are kept (loading o200k takes about a second) until `disposeTokenizers()`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { TokenwiseError } from '../base/errors';
import type { SpanTokenizer } from './engine';
import { HuggingFaceTokenizer } from './huggingface';
import { TiktokenTokenizer } from './tiktoken';
import { tiktokenEncodingNames, type TiktokenEncodingName, type TokenizerSpec } from './types';

function isTiktokenName(name: string): name is TiktokenEncodingName {
  return (tiktokenEncodingNames as readonly string[]).includes(name);
}

/**
 * Parses a tokenizer choice: an encoding name, `model`, or a path to a tokenizer.json
 * (relative paths resolve against `cwd`). `model` needs `modelDir`: its tokenizer.json is read as
 * the model tokenizer reads it (added tokens' text stays ordinary text), so the token view, the
 * heat map and completion agree.
 */
export function parseTokenizerSpec(choice: string, options: { cwd?: string; modelDir?: string | undefined } = {}): TokenizerSpec {
  const value = choice.trim();
  if (isTiktokenName(value)) return { kind: 'tiktoken', encoding: value };
  if (value === 'model') {
    const dir = options.modelDir;
    if (!dir) throw new TokenwiseError('input', 'No model tokenizer: no model directory is configured and the shipped model was not found next to Tokenwise.');
    // A model path may name its ONNX file (a quantised variant); the tokenizer sits in the model folder.
    const folder = /\.onnx$/i.test(dir) ? (/[\\/]onnx$/.test(dirname(dir)) && !existsSync(join(dirname(dir), 'config.json')) ? dirname(dirname(dir)) : dirname(dir)) : dir;
    return { kind: 'tokenizer.json', path: join(folder, 'tokenizer.json'), label: `model (${folder.split(/[\\/]/).pop()})`, addedTokens: 'ordinary' };
  }
  const looksLikePath = /[\\/]/.test(value) || value.endsWith('.json') || value === '.' || value === '..';
  if (!looksLikePath || value === '')
    throw new TokenwiseError('usage', `Unknown tokenizer '${value}': use ${tiktokenEncodingNames.join(', ')}, model, or a path to a tokenizer.json.`);
  let path = isAbsolute(value) ? value : resolve(options.cwd ?? process.cwd(), value);
  if (!existsSync(path)) throw new TokenwiseError('input', `Tokenizer file not found: ${value}`);
  // A model directory stands for its tokenizer.json.
  if (statSync(path).isDirectory()) {
    if (!existsSync(join(path, 'tokenizer.json'))) throw new TokenwiseError('input', `${value} is a directory without a tokenizer.json.`);
    path = join(path, 'tokenizer.json');
  }
  return { kind: 'tokenizer.json', path, label: tokenizerModelName(path) };
}

/** Folder names that say nothing about which model a tokenizer.json belongs to. */
const genericFolders = new Set(['models', 'model', 'tokenizer', 'tokenizers', 'onnx', 'hf', 'files', 'snapshots', 'main', '']);

/**
 * The model name of a tokenizer.json for labels (status bar, hover): `name_or_path` from the
 * tokenizer_config.json / config.json next to it, else its folder's name (skipping generic ones
 * such as `models/`), else the file name.
 */
export function tokenizerModelName(path: string): string {
  const dir = dirname(path);
  for (const file of ['tokenizer_config.json', 'config.json']) {
    try {
      const json = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
      for (const key of ['name_or_path', '_name_or_path', 'model_name']) {
        const v = json[key];
        if (typeof v === 'string' && v.trim() && !/^[./]/.test(v)) return v.trim().split(/[\\/]/).pop()!;
      }
    } catch {
      // absent or not JSON
    }
  }
  let folder = dir;
  for (let i = 0; i < 3 && genericFolders.has(basename(folder).toLowerCase()); i++) folder = dirname(folder);
  const name = basename(folder);
  return name && !genericFolders.has(name.toLowerCase()) ? name.replace(/^tokenizer-/, '') : basename(path);
}

export function specKey(spec: TokenizerSpec): string {
  return spec.kind === 'tiktoken' ? spec.encoding : `json:${spec.addedTokens ?? 'non-special'}:${spec.path}`;
}

const loaded = new Map<string, SpanTokenizer>();

/** Loads (or returns the already loaded) tokenizer for a spec. */
export function loadTokenizer(spec: TokenizerSpec): SpanTokenizer {
  const key = specKey(spec);
  let tok = loaded.get(key);
  if (!tok) {
    tok = spec.kind === 'tiktoken' ? new TiktokenTokenizer(spec.encoding) : HuggingFaceTokenizer.fromFile(spec.path, spec.label, spec.addedTokens);
    loaded.set(key, tok);
  }
  return tok;
}

/** Frees every loaded tokenizer (piece caches). */
export function disposeTokenizers(): void {
  for (const t of loaded.values()) t.dispose();
  loaded.clear();
}
