/**
 * `package.json` as import resolution needs it: a workspace package's name and entry points, so
 * `import … from '@acme/utils'` in a monorepo (or a package importing itself, `zod/v3` inside zod)
 * resolves to the package's files in the workspace, as Node and TypeScript do through
 * `node_modules` links and self-references.
 */
import type { PackageRecord } from './types';
import { dirname } from './resolve';

/** Conditions of an `exports` map, most useful first: sources the index has before builds. */
const conditionOrder = ['source', 'development', 'types', 'typings', 'import', 'module', 'default', 'require', 'node', 'browser'];

/** The string targets of an `exports` value (a path, an array, nested conditions), in condition order. */
function targetsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) targetsOf(v, out);
  else if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    const rank = (k: string) => (conditionOrder.indexOf(k) < 0 ? conditionOrder.length : conditionOrder.indexOf(k));
    for (const [, v] of entries.sort((a, b) => rank(a[0]) - rank(b[0]))) targetsOf(v, out);
  }
  return out;
}

/** The record of a `package.json` (undefined when it does not parse or names no package). */
export function readPackageJson(uri: string, text: string): PackageRecord | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!data || typeof data !== 'object') return undefined;
  const json = data as Record<string, unknown>;
  if (typeof json.name !== 'string' || !json.name) return undefined;
  const record: PackageRecord = { uri, dir: dirname(uri), name: json.name };
  const exp = json.exports;
  if (exp !== undefined && exp !== null) {
    // `"exports": "./x.js"` or a conditions object is the "." subpath; keys starting with "." are subpaths.
    const isSubpathMap = typeof exp === 'object' && !Array.isArray(exp) && Object.keys(exp).some((k) => k.startsWith('.'));
    const subpaths: Array<[string, unknown]> = isSubpathMap ? Object.entries(exp as Record<string, unknown>).filter(([k]) => k.startsWith('.')) : [['.', exp]];
    record.exports = subpaths.map(([k, v]) => [k, targetsOf(v)]);
  }
  const entry = ['source', 'types', 'typings', 'module', 'main'].map((k) => json[k]).filter((v): v is string => typeof v === 'string');
  if (entry.length) record.entry = entry;
  return record;
}
