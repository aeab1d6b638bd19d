/**
 * A gate around native calls that must never be interrupted by ending their thread. Terminating a
 * worker thread while ONNX Runtime runs a step aborts the whole process (the binding throws a C++
 * exception into a terminating isolate: SIGABRT), so the thread that hosts the engine installs a
 * gate backed by shared memory, and whoever wants to end the thread first closes it:
 *
 *   slot 0: native calls in progress on the thread; slot 1: 1 once the thread is about to end.
 *
 * `enterNative` raises the count and then checks the flag; the ender sets the flag and then waits
 * for the count to reach 0 (both sequentially consistent), so after the ender has seen 0 no native
 * call can start: a call that loses the race fails with "shutting down" before entering native code.
 */
import { TokenwiseError } from './errors';

export const gateSlots = { active: 0, closing: 1 } as const;

let gate: Int32Array | undefined;

/** `Atomics.waitAsync` (ES2024; in Node since 16), not in the ES2022 lib. */
interface AtomicsWithWaitAsync {
  waitAsync(array: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
}

/** Installs the gate for this thread (the inference worker, from the buffer its host sent). */
export function installNativeGate(buffer: SharedArrayBuffer): void {
  gate = new Int32Array(buffer);
}

/** A fresh gate buffer (host side, one per thread). */
export function createNativeGateBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
}

function enterNative(): void {
  if (!gate) return;
  Atomics.add(gate, gateSlots.active, 1);
  Atomics.notify(gate, gateSlots.active);
  if (Atomics.load(gate, gateSlots.closing) !== 0) {
    leaveNative();
    throw new TokenwiseError('cancelled', 'The inference engine is shutting down.');
  }
}

function leaveNative(): void {
  if (!gate) return;
  Atomics.sub(gate, gateSlots.active, 1);
  Atomics.notify(gate, gateSlots.active);
}

/** Runs `fn` (which makes native calls) inside the gate; the gate stays held until its promise settles. */
export async function insideNativeGate<T>(fn: () => T | Promise<T>): Promise<T> {
  enterNative();
  try {
    return await fn();
  } finally {
    leaveNative();
  }
}

/**
 * Closes the gate of a thread and resolves once no native call runs on it (or `gone` settles:
 * the thread ended by itself). After this the thread can be terminated safely.
 */
export async function closeNativeGate(buffer: SharedArrayBuffer, gone: Promise<unknown>, onWait?: () => void): Promise<void> {
  const g = new Int32Array(buffer);
  Atomics.store(g, gateSlots.closing, 1);
  let ended = false;
  void gone.then(() => (ended = true), () => (ended = true));
  let told = false;
  for (;;) {
    const active = Atomics.load(g, gateSlots.active);
    if (active === 0 || ended) return;
    if (!told) {
      told = true;
      onWait?.();
    }
    const wait = (Atomics as unknown as AtomicsWithWaitAsync).waitAsync(g, gateSlots.active, active);
    if (wait.async) await Promise.race([wait.value, gone.catch(() => undefined)]);
  }
}
