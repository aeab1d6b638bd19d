import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentSecurityPolicy, createNonce, escapeHtml, panelHtml } from '../../../../src/editor/panels/html';

const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';

test('the CSP allows nothing by default, scripts only with the nonce, styles and images from the webview source', () => {
  const nonce = createNonce();
  const csp = contentSecurityPolicy(cspSource, nonce);
  const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
  assert.deepEqual(directives['default-src'], ["'none'"]);
  assert.deepEqual(directives['script-src'], [`'nonce-${nonce}'`]);
  assert.deepEqual(directives['style-src'], [cspSource]);
  assert.deepEqual(directives['img-src'], [cspSource]);
  assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval') && !csp.includes('*'));
});

test('nonces are fresh, long and base64; a bad nonce or source is refused', () => {
  const a = createNonce();
  const b = createNonce();
  assert.notEqual(a, b);
  assert.match(a, /^[A-Za-z0-9+/]{22}==$/);
  assert.throws(() => contentSecurityPolicy(cspSource, 'abc'), /nonce/);
  assert.throws(() => contentSecurityPolicy(`${cspSource}; script-src *`, a), /CSP source/);
  assert.throws(() => contentSecurityPolicy(`'unsafe-inline'`, a), /CSP source/);
  // code-server's webviews give two sources.
  assert.match(contentSecurityPolicy(`'self' https://*.vscode-cdn.net`, a), /style-src 'self' https:\/\/\*\.vscode-cdn\.net;/);
});

test('the page carries the CSP, the nonce on its only script, and escapes what it interpolates', () => {
  const nonce = createNonce();
  const html = panelHtml({ title: 'Metrics <b>&</b>', cspSource, nonce, scriptUri: `${cspSource}/dist/webview/main.js`, styleUris: [`${cspSource}/media/panel.css?"x"`] });
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;nonce-/);
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  assert.equal(scripts.length, 1);
  assert.ok(scripts[0]!.includes(`nonce="${nonce}"`));
  assert.ok(html.includes('<title>Metrics &lt;b&gt;&amp;&lt;/b&gt;</title>'));
  assert.ok(html.includes('panel.css?&quot;x&quot;'));
  assert.ok(!/\son\w+=/.test(html), 'no inline event handlers');
  assert.equal(escapeHtml(`<img src=x onerror='a'>&"`), '&lt;img src=x onerror=&#39;a&#39;&gt;&amp;&quot;');
});
