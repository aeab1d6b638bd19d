// Webview script for Tokenwise panels. It talks to the extension only through postMessage and
// renders plain data; document text is always inserted as text, never as HTML.
declare function acquireVsCodeApi(): { postMessage(message: unknown): void; getState(): unknown; setState(state: unknown): void };

const vscodeApi = acquireVsCodeApi();
window.addEventListener('message', (event: MessageEvent) => {
  const message = event.data as { type?: unknown };
  if (typeof message !== 'object' || message === null || typeof message.type !== 'string') return;
  vscodeApi.setState(message);
});
vscodeApi.postMessage({ type: 'ready' });
