// The shared webview entry (dist/webview/main.js): sets up typed messaging and tells the host it
// listens. Panels (the metrics panel is the first) render plain data sent as messages; document
// text is always inserted as text, never as HTML.
import { createMessaging } from './shared/messaging';
import type { WebviewProtocol } from '../src/core/protocol/webview';

interface NoMessages extends WebviewProtocol {
  toWebview: Record<never, never>;
  toHost: Record<never, never>;
}

const messaging = createMessaging<NoMessages, never>();
messaging.ready();
