import { parentPort } from 'node:worker_threads';

// The inference worker owns every ONNX session so the extension host's thread never runs a model.
parentPort?.on('message', (message: { type: string; id: number }) => {
  if (message.type === 'ping') parentPort?.postMessage({ type: 'pong', id: message.id });
});
