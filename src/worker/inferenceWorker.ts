/**
 * The inference worker (bundled as dist/worker.js): owns every ONNX session so the extension
 * host's thread never runs a model. Speaks the protocol in src/core/engine/protocol.ts.
 */
import { parentPort } from 'node:worker_threads';
import { createWorkerHandler } from '../core/engine/workerHandler';
import type { HostToWorker, WorkerToHost } from '../core/engine/protocol';

const port = parentPort;
if (port) {
  const handler = createWorkerHandler((message: WorkerToHost) => port.postMessage(message));
  port.on('message', (message: HostToWorker) => handler.onMessage(message));
  port.postMessage({ type: 'ready' } satisfies WorkerToHost);
}
