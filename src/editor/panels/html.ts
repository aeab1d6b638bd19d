/**
 * The HTML shell of a webview panel and its Content-Security-Policy: nothing by default, scripts
 * only with a per-load nonce, styles, images and fonts only from the webview's own resource
 * origin (`webview.cspSource`), no inline handlers. Pure (no `vscode`).
 */
import { randomBytes } from 'node:crypto';

/** A fresh nonce for one page load (128 random bits, base64). */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/** The CSP of a panel page. `cspSource` is `webview.cspSource`. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  if (!/^[A-Za-z0-9+/=]{16,}$/.test(nonce)) throw new Error('a CSP nonce must be base64 of at least 12 random bytes');
  // VS Code gives one or more sources separated by spaces (code-server: `'self' https://*.vscode-cdn.net`).
  const sources = cspSource.trim().split(/ +/);
  if (!sources.every((x) => x === "'self'" || /^[a-z][a-z0-9+.-]*:[^;'"\s,]*$/i.test(x))) throw new Error(`unexpected webview CSP source: ${cspSource}`);
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource}`,
    `font-src ${cspSource}`,
  ].join('; ');
}

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => htmlEscapes[c]!);
}

export interface PanelPage {
  title: string;
  cspSource: string;
  nonce: string;
  /** Webview URIs (`webview.asWebviewUri`) as strings. */
  scriptUri: string;
  styleUris?: readonly string[];
}

/**
 * The page: the CSP, the stylesheets, an empty `#root` the script renders into, and the script
 * with the nonce. Nothing of a document is interpolated here; content travels as messages.
 */
export function panelHtml(page: PanelPage): string {
  const csp = contentSecurityPolicy(page.cspSource, page.nonce);
  const styles = (page.styleUris ?? []).map((u) => `    <link rel="stylesheet" href="${escapeHtml(u)}">\n`).join('');
  return (
    '<!DOCTYPE html>\n<html lang="en">\n  <head>\n' +
    '    <meta charset="UTF-8">\n' +
    `    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">\n` +
    '    <meta name="viewport" content="width=device-width, initial-scale=1.0">\n' +
    styles +
    `    <title>${escapeHtml(page.title)}</title>\n  </head>\n  <body>\n    <div id="root"></div>\n` +
    `    <script nonce="${escapeHtml(page.nonce)}" src="${escapeHtml(page.scriptUri)}"></script>\n  </body>\n</html>\n`
  );
}
