/**
 * The HTTP transport of the remote backends (the one importer of `undici`): Node's fetch with a
 * proxy-capable dispatcher. The editor passes VS Code's `http.proxy`, `http.proxyStrictSSL` and
 * `http.noProxy`; without an explicit proxy the environment's `HTTPS_PROXY` / `HTTP_PROXY` /
 * `NO_PROXY` apply (undici's EnvHttpProxyAgent). Certificates: Node's store (NODE_EXTRA_CA_CERTS).
 */
import { Agent, EnvHttpProxyAgent, ProxyAgent, fetch as undiciFetch, type Dispatcher } from 'undici';
import type { HttpTransport } from '../core/inference/remote/http';
import type { ProxySettings } from '../core/inference/factory';

/** Whether `host` (no port) matches a no-proxy entry: `*`, an exact host, `.suffix` / `suffix` for subdomains, or an IP. */
export function bypassesProxy(url: URL, noProxy: readonly string[]): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return noProxy.some((raw) => {
    const entry = raw.trim().toLowerCase();
    if (!entry) return false;
    if (entry === '*') return true;
    // host, host:port, [v6]:port, or a bare IPv6 address (several colons, no port).
    const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry) ?? (entry.split(':').length > 2 ? [entry, entry, undefined] : /^([^:]*)(?::(\d+))?$/.exec(entry));
    if (!m) return false;
    if (m[2] && m[2] !== port) return false;
    const name = m[1]!.replace(/^\*?\./, '');
    return host === name || host.endsWith(`.${name}`);
  });
}

/** A fetch-like transport for the remote backends; `proxy` from the editor's settings (undefined: the environment's). */
export function createHttpTransport(proxy?: ProxySettings): HttpTransport {
  const strict = proxy?.strictSSL ?? true;
  const tls = { rejectUnauthorized: strict };
  const direct = new Agent({ connect: tls });
  let viaProxy: Dispatcher;
  if (proxy?.url) viaProxy = new ProxyAgent({ uri: proxy.url, requestTls: tls, proxyTls: tls });
  else viaProxy = new EnvHttpProxyAgent({ connect: tls });
  const noProxy = proxy?.noProxy ?? [];
  return async (url, init) => {
    const dispatcher = proxy?.url && !bypassesProxy(new URL(url), noProxy) ? viaProxy : proxy?.url ? direct : viaProxy;
    const response = await undiciFetch(url, { method: init.method, headers: init.headers, ...(init.body !== undefined ? { body: init.body } : {}), signal: init.signal, dispatcher });
    return response as unknown as Awaited<ReturnType<HttpTransport>>;
  };
}
