/**
 * Validation of messages from a webview: a webview runs untrusted content (document text is shown
 * in it), so every message is checked against its panel's map before the host acts on it. Pure:
 * no `vscode`, no DOM.
 */
import type { BaseToHost, MessageMap, MessageOf } from '../../core/protocol/webview';

export type Check<T> = (value: unknown) => value is T;

/** Field checks for message shapes. */
export const is = {
  string: ((v) => typeof v === 'string') as Check<string>,
  boolean: ((v) => typeof v === 'boolean') as Check<boolean>,
  /** A finite number. */
  number: ((v) => typeof v === 'number' && Number.isFinite(v)) as Check<number>,
  integer: ((v) => typeof v === 'number' && Number.isInteger(v)) as Check<number>,
  literal<const T extends string | number | boolean>(...values: T[]): Check<T> {
    return (v): v is T => (values as unknown[]).includes(v);
  },
  array<T>(item: Check<T>, maxLength = 100_000): Check<T[]> {
    return (v): v is T[] => Array.isArray(v) && v.length <= maxLength && v.every(item);
  },
  optional<T>(check: Check<T>): Check<T | undefined> {
    return (v): v is T | undefined => v === undefined || check(v);
  },
  object<T extends object>(shape: Shape<T>): Check<T> {
    return (v): v is T => checkFields(shape as Record<string, Check<unknown>>, v) === undefined;
  },
};

/** One check per field of T. */
export type Shape<T> = { [K in keyof T]-?: Check<T[K]> };

/** The shapes of every message type of a map (the host validates `toHost` with it). */
export type Validators<M extends MessageMap> = { [K in keyof M & string]: Shape<M[K]> };

/** Validators of the messages every panel's webview may send. */
export const baseValidators: Validators<BaseToHost> = { ready: {} };

export type Validated<M extends MessageMap> = { ok: true; message: MessageOf<M> } | { ok: false; reason: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Why `value` does not fit `shape` (unknown fields included), or undefined when it fits. */
function checkFields(shape: Record<string, Check<unknown>>, value: unknown, ignore?: string): string | undefined {
  if (!isRecord(value)) return 'not an object';
  for (const [field, check] of Object.entries(shape)) if (!check(value[field])) return `field "${field}" is missing or malformed`;
  for (const field of Object.keys(value)) if (field !== ignore && !Object.hasOwn(shape, field)) return `unknown field "${field}"`;
  return undefined;
}

/** Checks one message from a webview: a known `type`, every field valid, no unknown fields. */
export function validateMessage<M extends MessageMap>(validators: Validators<M>, value: unknown): Validated<M> {
  if (!isRecord(value)) return { ok: false, reason: `not a message object: ${describe(value)}` };
  const type = value.type;
  if (typeof type !== 'string') return { ok: false, reason: 'no message type' };
  if (!Object.hasOwn(validators, type)) return { ok: false, reason: `unknown message type "${type.slice(0, 80)}"` };
  const problem = checkFields(validators[type as keyof M & string] as Record<string, Check<unknown>>, value, 'type');
  if (problem) return { ok: false, reason: `message "${type}": ${problem}` };
  return { ok: true, message: value as MessageOf<M> };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
