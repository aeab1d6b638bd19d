/** Finds and validates the files of a Hugging Face ONNX model directory. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { TokenwiseError } from '../base/errors';
import { assertRegularFile, readRegularFile } from '../base/files';

/** Largest config.json / generation_config.json / tokenizer_config.json read. */
export const maxConfigBytes = 16 * 1024 * 1024;

export const defaultModelName = 'tokenwise-code-small';

export interface ModelConfig {
  model_type?: string;
  vocab_size?: number;
  num_hidden_layers?: number;
  num_attention_heads?: number;
  num_key_value_heads?: number;
  hidden_size?: number;
  head_dim?: number;
  max_position_embeddings?: number;
  bos_token_id?: number | null;
  eos_token_id?: number | number[] | null;
  n_positions?: number;
}

export interface ModelFiles {
  dir: string;
  config: ModelConfig;
  generationConfig: { bos_token_id?: number | null; eos_token_id?: number | number[] | null };
  onnxFile: string;
}

function readJson(path: string, what: string, required: boolean): Record<string, unknown> | undefined {
  if (!existsSync(path)) {
    if (required) throw new TokenwiseError('model', `${what} is missing in ${dirname(path)}.`);
    return undefined;
  }
  // Only a regular file, size checked on the open descriptor (not /dev/zero, not a FIFO).
  const raw = readRegularFile(path, { maxBytes: maxConfigBytes, kind: 'model' }).toString('utf8');
  try {
    const value = JSON.parse(raw) as unknown;
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw new TokenwiseError('model', `${path} is not valid JSON (corrupt or truncated).`);
  }
}

/**
 * Picks the ONNX file: `onnx/model.onnx`, else another `onnx/model*.onnx` (preferring q8/int8 on
 * CPU-friendly names, then the first in name order), else `model.onnx` at the top level.
 */
export function findOnnxFile(dir: string, variant?: string): string {
  const onnxDir = join(dir, 'onnx');
  if (variant) {
    for (const p of [join(onnxDir, `${variant}.onnx`), join(onnxDir, `model_${variant}.onnx`), join(dir, `${variant}.onnx`)])
      if (existsSync(p)) return p;
    throw new TokenwiseError('model', `No ONNX file for variant '${variant}' in ${dir}.`);
  }
  if (existsSync(join(onnxDir, 'model.onnx'))) return join(onnxDir, 'model.onnx');
  if (existsSync(onnxDir) && statSync(onnxDir).isDirectory()) {
    const files = readdirSync(onnxDir).filter((f) => /^(decoder_)?model.*\.onnx$/.test(f)).sort();
    const preferred = ['model_quantized.onnx', 'model_int8.onnx', 'model_uint8.onnx', 'model_q4.onnx', 'model_fp16.onnx'];
    const pick = preferred.find((p) => files.includes(p)) ?? files[0];
    if (pick) return join(onnxDir, pick);
  }
  if (existsSync(join(dir, 'model.onnx'))) return join(dir, 'model.onnx');
  throw new TokenwiseError('model', `No ONNX model in ${dir} (expected onnx/model.onnx or model.onnx).`);
}

const positiveIntegerKeys = ['vocab_size', 'num_hidden_layers', 'num_attention_heads', 'num_key_value_heads', 'hidden_size', 'head_dim', 'max_position_embeddings', 'n_positions'] as const;
const tokenIdKeys = ['bos_token_id', 'eos_token_id'] as const;

/** The numeric fields the engine uses must be what they claim (`"max_position_embeddings": "abc"` is a clear error, not `Invalid array length`). */
function checkConfig(config: Record<string, unknown>, path: string): Record<string, unknown> {
  const bad = (key: string, what: string) => new TokenwiseError('model', `${path}: "${key}" must be ${what}, got ${JSON.stringify(config[key])?.slice(0, 60)}.`);
  const isId = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** 31;
  for (const key of positiveIntegerKeys) {
    const v = config[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0 || v >= 2 ** 31) throw bad(key, 'a positive integer');
  }
  for (const key of tokenIdKeys) {
    const v = config[key];
    if (v === undefined || v === null) continue;
    if (!(isId(v) || (key === 'eos_token_id' && Array.isArray(v) && v.every(isId)))) throw bad(key, key === 'eos_token_id' ? 'a token id or a list of token ids' : 'a token id');
  }
  return config;
}

export function readModelFiles(dirInput: string, onnxFileInput?: string): ModelFiles {
  const dir = resolve(dirInput);
  if (!existsSync(dir)) throw new TokenwiseError('model', `Model directory ${dir} does not exist.`);
  if (!statSync(dir).isDirectory()) throw new TokenwiseError('model', `${dir} is not a model directory.`);
  const config = checkConfig(readJson(join(dir, 'config.json'), 'config.json', true)!, join(dir, 'config.json')) as ModelConfig;
  const generationConfig = checkConfig(readJson(join(dir, 'generation_config.json'), 'generation_config.json', false) ?? {}, join(dir, 'generation_config.json')) as ModelFiles['generationConfig'];
  if (!existsSync(join(dir, 'tokenizer.json'))) throw new TokenwiseError('model', `tokenizer.json is missing in ${dir}.`);
  const onnxFile = onnxFileInput ? resolve(onnxFileInput) : findOnnxFile(dir);
  // ONNX Runtime opens the file by name: it must be a regular file (not a FIFO or a device).
  const size = assertRegularFile(onnxFile, { kind: 'model' }).size;
  if (size < 64) throw new TokenwiseError('model', `${onnxFile} is truncated (${size} bytes).`);
  return { dir, config, generationConfig, onnxFile };
}

/**
 * The model shipped with Tokenwise: `models/tokenwise-code-small` next to the bundle
 * (`dist/models/...`) or in the repository (walking up from `from`). Undefined if absent.
 */
export function findShippedModel(from: string = __dirname): string | undefined {
  let dir = resolve(from);
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'models', defaultModelName);
    if (existsSync(join(candidate, 'config.json')) && existsSync(join(candidate, 'tokenizer.json'))) {
      try {
        findOnnxFile(candidate);
        return candidate;
      } catch {
        // incomplete (e.g. still training): keep looking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/**
 * A model path may name the ONNX file itself (`…/onnx/model_q4f16.onnx`, a quantised variant of a
 * Hugging Face export): the model directory is then the folder with config.json (the file's, or
 * its parent's when the file is in `onnx/`).
 */
export function splitModelPath(path: string): { dir: string; onnxFile?: string } {
  const full = resolve(path);
  if (!/\.onnx$/i.test(full)) return { dir: full };
  const folder = dirname(full);
  const dir = basename(folder) === 'onnx' && !existsSync(join(folder, 'config.json')) ? dirname(folder) : folder;
  return { dir, onnxFile: full };
}

/** The model directory to use: an explicit one (or an ONNX file in one), else the shipped model (clear error if absent). */
export function resolveModelDir(explicit: string | undefined, from?: string): { dir: string; isDefault: boolean; onnxFile?: string } {
  if (explicit && explicit.trim()) {
    const { dir, onnxFile } = splitModelPath(explicit.trim());
    if (onnxFile && !existsSync(onnxFile)) throw new TokenwiseError('model', `ONNX file ${onnxFile} does not exist.`);
    return onnxFile ? { dir, isDefault: false, onnxFile } : { dir, isDefault: false };
  }
  const shipped = findShippedModel(from);
  if (!shipped) throw new TokenwiseError('model', `The default model ${defaultModelName} is not installed (looked for models/${defaultModelName} next to the program); pass --model <dir> or set tokenwise.modelPath.`);
  return { dir: shipped, isDefault: true };
}

export function modelDisplayName(dir: string): string {
  return basename(dir);
}
