/**
 * The only module that imports onnxruntime-node. Everything else in the engine talks to ONNX
 * Runtime through the small surface exported here (sessions, tensors, provider selection).
 */
import * as ort from 'onnxruntime-node';
import { existsSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { delimiter, join } from 'node:path';
import { TokenwiseError, describeError, isOutOfMemory } from '../../base/errors';
import { insideNativeGate } from '../../base/nativeGate';
import type { ExecutionProviderSetting, ProviderName } from '../types';

// ORT's own logger would print provider-load failures to stderr; they are caught and logged here instead.
ort.env.logLevel = 'fatal';

export type OrtTensor = ort.Tensor;
export type OrtSession = ort.InferenceSession;
export type TensorType = 'float32' | 'float16' | 'int64' | 'bool';
export type KvData = Float32Array | Uint16Array;

export interface ValueMetadata {
  name: string;
  isTensor: boolean;
  type?: string;
  shape?: ReadonlyArray<number | string>;
}

export function makeTensor(type: 'float32', data: Float32Array, dims: readonly number[]): OrtTensor;
export function makeTensor(type: 'float16', data: Uint16Array, dims: readonly number[]): OrtTensor;
export function makeTensor(type: 'int64', data: BigInt64Array, dims: readonly number[]): OrtTensor;
export function makeTensor(type: 'bool', data: Uint8Array, dims: readonly number[]): OrtTensor;
export function makeTensor(type: TensorType, data: Float32Array | Uint16Array | BigInt64Array | Uint8Array, dims: readonly number[]): OrtTensor;
export function makeTensor(type: TensorType, data: Float32Array | Uint16Array | BigInt64Array | Uint8Array, dims: readonly number[]): OrtTensor {
  return new ort.Tensor(type, data as never, dims);
}

/** Reads the declared inputs/outputs of a session (names + dtype + symbolic shapes). */
export function sessionMetadata(session: OrtSession): { inputs: ValueMetadata[]; outputs: ValueMetadata[] } {
  const read = (names: readonly string[], meta: readonly unknown[] | undefined): ValueMetadata[] =>
    names.map((name, i) => {
      const m = (meta?.[i] ?? {}) as { isTensor?: boolean; type?: string; shape?: ReadonlyArray<number | string> };
      const out: ValueMetadata = { name, isTensor: m.isTensor ?? true };
      if (m.type !== undefined) out.type = m.type;
      if (m.shape !== undefined) out.shape = m.shape;
      return out;
    });
  return { inputs: read(session.inputNames, session.inputMetadata), outputs: read(session.outputNames, session.outputMetadata) };
}

/**
 * ONNX Runtime's CPU memory options. With its arena on (ORT's default) every distinct tensor
 * shape — prompts and KV states of every length — leaves its blocks in an arena that only grows,
 * and memory patterns are cached per input shape: under a storm of requests of varying lengths
 * RSS climbed from 250 MB to 1.1 GB while the KV cache held 67 MB. Off, tensors go back to the
 * system allocator when a step ends (measured with `tokenwise bench storm`).
 */
export interface OrtMemoryOptions {
  cpuArena: boolean;
  memPattern: boolean;
}

export const defaultOrtMemoryOptions: OrtMemoryOptions = { cpuArena: false, memPattern: false };

/** The memory options in effect: the defaults, or TOKENWISE_ORT_ARENA=1 / TOKENWISE_ORT_MEM_PATTERN=1 (benchmarks). */
export function ortMemoryOptions(): OrtMemoryOptions {
  return {
    cpuArena: process.env.TOKENWISE_ORT_ARENA === '1' ? true : defaultOrtMemoryOptions.cpuArena,
    memPattern: process.env.TOKENWISE_ORT_MEM_PATTERN === '1' ? true : defaultOrtMemoryOptions.memPattern,
  };
}

export interface CreateSessionOptions {
  /** ONNX Runtime memory options (default `ortMemoryOptions()`). */
  memory?: OrtMemoryOptions;
  provider: ExecutionProviderSetting;
  /** Intra-op threads; 0 = half the cores (at least 1). */
  threads: number;
  log?: (message: string) => void;
}

/** Order in which `auto` tries providers. */
export const autoProviderOrder: readonly ProviderName[] = ['cuda', 'webgpu', 'cpu'];

/** Test hook: providers listed here fail as if their libraries were missing (used to exercise fallback on GPU machines). */
const simulatedUnavailable = new Set((process.env.TOKENWISE_DISABLE_PROVIDERS ?? '').split(',').filter(Boolean));

/**
 * Creates a session, trying providers in order for `auto` (CUDA, WebGPU, CPU). Each failure is
 * caught and logged; the provider that worked is returned. ORT's `executionProviders: ['cuda',
 * 'cpu']` would not fall back by itself, so each provider gets its own attempt.
 */
export async function createSession(modelFile: string, options: CreateSessionOptions): Promise<{ session: OrtSession; provider: ProviderName }> {
  const order: readonly ProviderName[] = options.provider === 'auto' ? autoProviderOrder : [options.provider];
  const cores = availableCores();
  // At most one thread per core: more only contend (10,000 threads made the process hang at exit).
  const threads = options.threads > 0 ? Math.min(cores, Math.floor(options.threads)) : Math.max(1, Math.floor(cores / 2));
  const failures: string[] = [];
  const memory = options.memory ?? ortMemoryOptions();
  for (const provider of order) {
    try {
      if (simulatedUnavailable.has(provider)) throw new Error(`${provider} disabled by TOKENWISE_DISABLE_PROVIDERS`);
      // Checked for an explicit provider too: Dawn would print a multi-line warning to stderr before failing.
      const missing = missingLibrary(provider);
      if (missing) throw new Error(`${missing} not found`);
      const session = await insideNativeGate(() => ort.InferenceSession.create(modelFile, {
        executionProviders: [provider],
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        enableCpuMemArena: memory.cpuArena,
        enableMemPattern: memory.memPattern,
        graphOptimizationLevel: 'all',
        logSeverityLevel: 3,
        // Idle threads sleep instead of spinning, so an idle editor does not burn CPU.
        extra: { session: { 'intra_op.allow_spinning': '0', 'inter_op.allow_spinning': '0' } },
      }));
      options.log?.(`execution provider: ${provider} (${threads} thread${threads === 1 ? '' : 's'})`);
      return { session, provider };
    } catch (error) {
      if (error instanceof TokenwiseError && error.kind === 'cancelled') throw error; // the gate: shutting down
      const cause = firstLine(describeError(error));
      failures.push(`${provider}: ${cause}`);
      if (isModelFileError(cause)) throw new TokenwiseError('model', modelFileMessage(modelFile, cause), { cause: error });
      options.log?.(`execution provider ${provider} unavailable: ${cause}`);
    }
  }
  throw new TokenwiseError('model', `No execution provider could load ${modelFile} (${failures.join('; ')}).`);
}

/**
 * On Linux WebGPU needs libvulkan.so.1; when it is not on the library path the attempt fails with
 * one line instead (Dawn would print a multi-line warning to stderr and fail).
 */
function missingLibrary(provider: ProviderName): string | undefined {
  if (provider !== 'webgpu' || process.platform !== 'linux') return undefined;
  const multiarch = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(delimiter).filter(Boolean), `/usr/lib/${multiarch}`, `/lib/${multiarch}`, '/usr/lib64', '/lib64', '/usr/lib', '/usr/local/lib'];
  return dirs.some((d) => existsSync(join(d, 'libvulkan.so.1'))) ? undefined : 'libvulkan.so.1';
}

function availableCores(): number {
  return typeof availableParallelism === 'function' ? availableParallelism() : cpus().length;
}

function firstLine(text: string): string {
  return text.length > 300 ? text.slice(0, 300) + '…' : text;
}

/** Errors that mean the file itself is bad (so trying another provider is pointless). */
function isModelFileError(cause: string): boolean {
  return /protobuf|INVALID_PROTOBUF|Load model from .* failed|NO_SUCHFILE|model_path|ModelProto|external data|ONNX format|Invalid model|invalid wire/i.test(cause) || isOutOfMemory(cause);
}

function modelFileMessage(modelFile: string, cause: string): string {
  if (isOutOfMemory(cause)) return `Out of memory while loading ${modelFile} (${cause}).`;
  if (/external data/i.test(cause)) return `The external data file of ${modelFile} is missing or truncated (${cause}).`;
  return `Cannot load ${modelFile}: the ONNX file is corrupt or truncated (${cause}).`;
}

/** Runs one forward pass. `fetches` may name pre-allocated output tensors. */
export async function runSession(
  session: OrtSession,
  feeds: Record<string, OrtTensor>,
  fetches?: Record<string, OrtTensor | null>,
): Promise<Record<string, OrtTensor>> {
  try {
    // Inside the native gate: the thread hosting the engine is never terminated during a step.
    return (await insideNativeGate(() => (fetches ? session.run(feeds, fetches) : session.run(feeds)))) as Record<string, OrtTensor>;
  } catch (error) {
    if (error instanceof TokenwiseError) throw error; // the gate: shutting down
    const cause = firstLine(describeError(error));
    if (isOutOfMemory(cause)) throw new TokenwiseError('model', `Out of memory while running the model (${cause}).`, { cause: error });
    throw new TokenwiseError('model', `The model failed to run (${cause}).`, { cause: error });
  }
}

export async function releaseSession(session: OrtSession): Promise<void> {
  await insideNativeGate(() => session.release());
}
