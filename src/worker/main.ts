/**
 * The inference worker (bundled as dist/worker.js): owns every ONNX session so the extension
 * host's thread never runs a model. Speaks the protocol in src/core/protocol/engine.ts.
 */
import { parentPort } from 'node:worker_threads';
import { createWorkerHandler } from './handler';
import { installNativeGate } from '../core/base/nativeGate';
import type { HostToWorker, WorkerToHost } from '../core/protocol/engine';

const port = parentPort;
if (port) {
  const handler = createWorkerHandler((message: WorkerToHost) => port.postMessage(message));
  port.on('message', (message: HostToWorker) => {
    if (message.type === 'gate') installNativeGate(message.buffer);
    else handler.onMessage(message);
  });
  port.postMessage({ type: 'ready' } satisfies WorkerToHost);
}
