/**
 * The HTTP transport of the remote backends (the one importer of `undici`): Node's fetch with a
 * proxy-capable dispatcher. The editor passes VS Code's `http.proxy`, `http.proxyStrictSSL` and
 * `http.noProxy`; without an explicit proxy the environment's `HTTPS_PROXY` / `HTTP_PROXY` /
 * `NO_PROXY` apply (undici's EnvHttpProxyAgent).
 *
 * Certificates: VS Code adds the system's certificates to `https`/`tls` in the extension host only,
 * never to undici in a worker, and an explicit `ca` replaces Node's own store (NODE_EXTRA_CA_CERTS
 * included). So the trusted set is built here, once per process: Node's bundled Mozilla list, the
 * OS bundle, NODE_EXTRA_CA_CERTS; `http.proxyStrictSSL: false` alone turns verification off.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { Agent, EnvHttpProxyAgent, ProxyAgent, fetch as undiciFetch } from 'undici';
import { TokenwiseError } from '../core/base/errors';
import type { HttpTransport } from '../core/inference/remote/http';
import type { ProxySettings } from '../core/inference/factory';

/** How long a TCP connect plus TLS handshake may take (undici's default, made explicit for the message). */
export const connectTimeoutMs = 10_000;

/** Where Linux distributions and the BSDs keep the system's CA bundle; the first that exists is read (the list Go's crypto/x509 uses). */
export const systemBundlePaths = [
  '/etc/ssl/certs/ca-certificates.crt', // Debian, Ubuntu, Arch, Gentoo
  '/etc/pki/tls/certs/ca-bundle.crt', // Fedora, RHEL 6
  '/etc/ssl/ca-bundle.pem', // openSUSE
  '/etc/pki/tls/cacert.pem', // OpenELEC
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem', // CentOS, RHEL 7+
  '/etc/ssl/cert.pem', // Alpine, macOS (its roots only, not the keychain), OpenBSD
  '/usr/local/etc/ssl/cert.pem', // FreeBSD
];

/** The CA certificates the transport trusts and where they came from (for messages). */
export interface TrustedCertificates {
  pems: string[];
  /** `name (count)` for each source read. */
  sources: string[];
  /** Sources named by the environment that could not be read: `NODE_EXTRA_CA_CERTS /x: ENOENT`. */
  unreadable: string[];
}

/** One entry per certificate: the secure context skips a corrupt entry, but in one string it would drop every certificate after it. */
const pemBlocks = (text: string) => text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];

/**
 * Node's bundled list, the system's certificates (unless `system` is false) and NODE_EXTRA_CA_CERTS.
 * The system's: OpenSSL's SSL_CERT_FILE (else the first of `systemBundlePaths`) and SSL_CERT_DIR,
 * and where Node has `tls.getCACertificates('system')` (22.15+: the macOS keychain, the Windows
 * store) those too.
 */
export function trustedCertificates(env: NodeJS.ProcessEnv = process.env, system = true): TrustedCertificates {
  const seen = new Set<string>();
  const pems: string[] = [];
  const sources: string[] = [];
  const unreadable: string[] = [];
  const add = (name: string, candidates: readonly string[]) => {
    let added = 0;
    for (const pem of candidates) {
      const key = pem.replace(/\s+/g, '');
      if (seen.has(key)) continue;
      seen.add(key);
      pems.push(pem);
      added++;
    }
    sources.push(`${name} (${added})`);
  };
  const readPem = (file: string) => pemBlocks(readFileSync(file, 'utf8'));
  const code = (error: unknown) => (error as { code?: string }).code ?? String(error);

  add("Node's bundled list", tls.rootCertificates);
  if (system) {
    const getSystem = (tls as { getCACertificates?: (type: string) => string[] }).getCACertificates;
    if (getSystem) {
      try {
        add("the system's store", getSystem('system'));
      } catch {
        // older builds without a system store: the files below still apply
      }
    }
    const bundles = env.SSL_CERT_FILE ? [env.SSL_CERT_FILE] : systemBundlePaths;
    for (const file of bundles) {
      try {
        add(file, readPem(file));
        break;
      } catch (error) {
        if (env.SSL_CERT_FILE) unreadable.push(`SSL_CERT_FILE ${file}: ${code(error)}`);
      }
    }
    for (const dir of (env.SSL_CERT_DIR ?? '').split(':').filter(Boolean)) {
      try {
        const files = readdirSync(dir).filter((f) => /\.(pem|crt)$|^[0-9a-f]{8}\.\d+$/i.test(f));
        add(dir, files.flatMap((f) => {
          try {
            return readPem(join(dir, f));
          } catch {
            return [];
          }
        }));
      } catch (error) {
        unreadable.push(`SSL_CERT_DIR ${dir}: ${code(error)}`);
      }
    }
  }
  if (env.NODE_EXTRA_CA_CERTS) {
    try {
      add(env.NODE_EXTRA_CA_CERTS, readPem(env.NODE_EXTRA_CA_CERTS));
    } catch (error) {
      unreadable.push(`NODE_EXTRA_CA_CERTS ${env.NODE_EXTRA_CA_CERTS}: ${code(error)}`);
    }
  }
  return { pems, sources, unreadable };
}

/** One secure context per set of trust inputs: building it takes ~35 ms for ~170 certificates, so never per connection. */
const trustCache = new Map<string, { context: tls.SecureContext; trusted: TrustedCertificates }>();
function trust(system: boolean) {
  const env = process.env;
  const key = JSON.stringify([system, env.SSL_CERT_FILE, env.SSL_CERT_DIR, env.NODE_EXTRA_CA_CERTS]);
  let entry = trustCache.get(key);
  if (!entry) {
    const trusted = trustedCertificates(env, system);
    entry = { context: tls.createSecureContext({ ca: trusted.pems }), trusted };
    trustCache.set(key, entry);
  }
  return entry;
}

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

/** OpenSSL's and Node's codes for a certificate that did not verify (as opposed to a broken handshake). */
const certificateCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
  'INVALID_CA',
]);

/** `803C…:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/…` → `wrong version number`. */
const opensslReason = (message: string) => /error:[0-9A-F]+:[^:]*:[^:]*:([^:]+)/.exec(message)?.[1] ?? message;

/** The innermost error with a code in fetch's cause chain (`fetch failed` → the socket's error). */
function rootCause(error: unknown): { code: string; message: string } | undefined {
  let found: { code: string; message: string } | undefined;
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') found = { code, message: opensslReason(String((e as { message?: unknown }).message ?? '').split('\n')[0]!) };
  }
  return found;
}

/** A one-line message for TLS and connect failures (host and cause, how to fix; never headers or body), or undefined for others. */
export function describeTransportFailure(error: unknown, url: URL, proxyHost: string | undefined, trusted: TrustedCertificates | undefined): string | undefined {
  const cause = rootCause(error);
  if (!cause) return undefined;
  const host = `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
  const via = proxyHost ? ` (through the proxy ${proxyHost})` : '';
  if (cause.code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return `TLS: the certificate of ${host}${via} is for another host: ${cause.message} (${cause.code}); use a URL with a name the certificate lists (or, in VS Code, set http.proxyStrictSSL to false).`;
  if (certificateCodes.has(cause.code)) {
    const unread = trusted?.unreadable.length ? `; unreadable: ${trusted.unreadable.join(', ')}` : '';
    return `TLS: the certificate of ${host}${via} is not trusted: ${cause.message} (${cause.code}); add its CA to the system's certificates or NODE_EXTRA_CA_CERTS (or, in VS Code, set http.proxyStrictSSL to false)${unread}.`;
  }
  if (cause.code === 'UND_ERR_CONNECT_TIMEOUT') return `connecting to ${host}${via} timed out after ${connectTimeoutMs} ms (no TCP connection or no TLS handshake).`;
  if (cause.code === 'ERR_SSL_WRONG_VERSION_NUMBER') return `TLS handshake with ${host}${via} failed: ${cause.message} (the server may speak plain HTTP: try http://).`;
  if (/^ERR_(SSL|TLS|OSSL)_|^EPROTO$/.test(cause.code)) return `TLS handshake with ${host}${via} failed: ${cause.message} (${cause.code}).`;
  if (cause.code === 'ECONNRESET' && url.protocol === 'https:') return `the connection to ${host}${via} was reset (during the TLS handshake or the request): ${cause.message}.`;
  return undefined;
}

/** The dispatchers of one transport: direct, through the editor's proxy, or as the environment says. */
function createDispatchers(proxy: ProxySettings | undefined) {
  const trusted = (proxy?.strictSSL ?? true) ? trust(proxy?.systemCertificates ?? true) : undefined;
  const tlsOptions = { timeout: connectTimeoutMs, ...(trusted ? { secureContext: trusted.context, rejectUnauthorized: true } : { rejectUnauthorized: false }) };
  // The same options for the server (directly or through a tunnel) and for an https proxy.
  const proxyOptions = { requestTls: tlsOptions, proxyTls: tlsOptions };
  let proxyUrl: URL | undefined;
  if (proxy?.url) {
    try {
      proxyUrl = new URL(proxy.url);
    } catch {
      proxyUrl = undefined;
    }
    if (!proxyUrl || !/^(https?|socks5?):$/.test(proxyUrl.protocol)) throw new TokenwiseError('usage', 'http.proxy is not a proxy URL (expected e.g. http://proxy.example:3128).');
  }
  return {
    trusted: trusted?.trusted,
    direct: new Agent({ connect: tlsOptions }),
    explicit: proxyUrl ? new ProxyAgent({ uri: proxyUrl.href, ...proxyOptions }) : undefined,
    // Named in messages by host only: a proxy URL may carry credentials. (An environment proxy is not named: NO_PROXY may bypass it.)
    proxyHost: proxyUrl?.host,
    fromEnvironment: proxyUrl ? undefined : new EnvHttpProxyAgent({ connect: tlsOptions, ...proxyOptions }),
  };
}

/**
 * A fetch-like transport for the remote backends; `proxy` from the editor's settings (undefined:
 * the environment's, verification on). Built on the first request, so the embedded model never
 * pays for reading the certificates.
 */
export function createHttpTransport(proxy?: ProxySettings): HttpTransport {
  let dispatchers: ReturnType<typeof createDispatchers> | undefined;
  const noProxy = proxy?.noProxy ?? [];
  return async (url, init) => {
    const { trusted, direct, explicit, proxyHost, fromEnvironment } = (dispatchers ??= createDispatchers(proxy));
    const target = new URL(url);
    const dispatcher = explicit ? (bypassesProxy(target, noProxy) ? direct : explicit) : fromEnvironment!;
    try {
      const response = await undiciFetch(url, { method: init.method, headers: init.headers, ...(init.body !== undefined ? { body: init.body } : {}), signal: init.signal, dispatcher });
      return response as unknown as Awaited<ReturnType<HttpTransport>>;
    } catch (error) {
      if (init.signal.aborted) throw error;
      const message = describeTransportFailure(error, target, dispatcher === explicit ? proxyHost : undefined, trusted);
      // The same handshake fails the same way again: the client does not retry it (`retryable: false`).
      if (message) throw Object.assign(new Error(message), { retryable: false });
      throw error;
    }
  };
}
