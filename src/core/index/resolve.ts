/**
 * Import resolution against the indexed files (no file-system access: the index knows which
 * files exist). TypeScript / JavaScript: relative paths with or without extensions (`.js` written
 * for a `.ts` file too), folder `index` files, bare specifiers through the nearest
 * `tsconfig.json` / `jsconfig.json` `baseUrl` and `paths` (its `extends` chain applied when it was
 * read: tsconfig.ts), then workspace packages by their package.json name (packageJson.ts). Python: absolute modules from
 * the source roots (the workspace root, `src/`, and the folder above each top-level package),
 * relative imports (`.`, `..pkg.mod`), packages (`__init__.py`). URIs are strings with `/`.
 */
import type { SyntaxLanguage } from '../syntax/languages';
import type { PackageRecord, TsConfigRecord } from './types';

export function dirname(uri: string): string {
  const i = uri.lastIndexOf('/');
  return i < 0 ? '' : uri.slice(0, i);
}

/** Joins a relative path onto a folder URI, resolving `.` and `..` (never above the URI's authority). */
export function joinPath(dir: string, rel: string): string {
  const m = /^([a-zA-Z][\w+.-]*:\/\/[^/]*)?(.*)$/.exec(dir)!;
  const head = m[1] ?? '';
  const parts = m[2]!.split('/');
  for (const seg of rel.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length > 1) parts.pop();
    } else parts.push(seg);
  }
  return head + parts.join('/');
}

const ecmaExtensions = ['.ts', '.tsx', '.d.ts', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

export interface ResolverView {
  has(uri: string): boolean;
  /** The nearest config at or above a folder. */
  tsconfigFor(dir: string): TsConfigRecord | undefined;
  /** Source roots for absolute Python imports. */
  pythonRoots(fromUri: string): string[];
  /** The workspace package a bare specifier names (`@acme/utils`, `zod` of `zod/v3`): the longest name that is the specifier or a `/`-prefix of it. */
  packageFor(spec: string): PackageRecord | undefined;
}

function tryEcmaFile(view: ResolverView, base: string): string | undefined {
  if (view.has(base) && /\.[cm]?[jt]sx?$/.test(base)) return base;
  const noJs = base.replace(/\.([cm]?)js(x?)$/, '');
  if (noJs !== base) {
    // `./x.cjs` / `./x.mjs` name `x.cts` / `x.mts` and their declarations too.
    const kind = /\.([cm]?)jsx?$/.exec(base)![1];
    for (const ext of ['.ts', '.tsx', '.mts', '.cts', '.d.ts', ...(kind ? [`.d.${kind}ts`] : [])]) if (view.has(noJs + ext)) return noJs + ext;
  }
  for (const ext of ecmaExtensions) if (view.has(base + ext)) return base + ext;
  for (const ext of ecmaExtensions) if (view.has(`${base}/index${ext}`)) return `${base}/index${ext}`;
  return undefined;
}

function matchPattern(pattern: string, spec: string): string | undefined {
  const star = pattern.indexOf('*');
  if (star < 0) return pattern === spec ? '' : undefined;
  const before = pattern.slice(0, star);
  const after = pattern.slice(star + 1);
  if (spec.length >= before.length + after.length && spec.startsWith(before) && spec.endsWith(after)) return spec.slice(before.length, spec.length - after.length);
  return undefined;
}

export function resolveEcmaModule(view: ResolverView, fromUri: string, spec: string): string | undefined {
  if (spec.startsWith('./') || spec.startsWith('../') || spec === '.' || spec === '..') return tryEcmaFile(view, joinPath(dirname(fromUri), spec));
  if (spec.startsWith('/')) return undefined;
  const config = view.tsconfigFor(dirname(fromUri));
  if (config?.paths) {
    const base = config.pathsBase ?? config.baseUrl ?? config.dir;
    // The longest matching prefix wins, as in TypeScript.
    const matches = Object.entries(config.paths)
      .map(([pattern, targets]) => ({ pattern, targets, star: matchPattern(pattern, spec) }))
      .filter((m) => m.star !== undefined)
      .sort((a, b) => b.pattern.indexOf('*') - a.pattern.indexOf('*'));
    for (const m of matches)
      for (const target of m.targets) {
        const found = tryEcmaFile(view, joinPath(base, target.replace('*', m.star!)));
        if (found) return found;
      }
  }
  const underBase = config?.baseUrl ? tryEcmaFile(view, joinPath(config.baseUrl, spec)) : undefined;
  return underBase ?? resolvePackageImport(view, spec);
}

/** A build output path's source (`./dist/esm/index.js` → `./src/index.js`; the `.js` → `.ts` step is tryEcmaFile's). */
function sourceOf(target: string): string {
  return target.replace(/^(?:\.\/)?(?:(?:dist|build|lib|out|esm|cjs|types)\/)+/, './src/').replace(/\.d\.[cm]?ts$/, '');
}

/**
 * A bare specifier naming a workspace package: through its `exports` subpaths (patterns with `*`
 * too), else `source` / `types` / `module` / `main` and `index` (a subpath: the file under the
 * package). A target that is a build output the workspace lacks is looked for under `src/`.
 */
function resolvePackageImport(view: ResolverView, spec: string): string | undefined {
  const pkg = view.packageFor(spec);
  if (!pkg) return undefined;
  const rest = spec.slice(pkg.name.length);
  const targets: string[] = [];
  if (pkg.exports) {
    const subpath = rest ? `.${rest}` : '.';
    for (const [pattern, list] of pkg.exports) {
      const star = matchPattern(pattern, subpath);
      if (star !== undefined) for (const t of list) targets.push(t.replace('*', star));
    }
  } else if (rest) targets.push(`.${rest}`, `./src${rest}`);
  else targets.push(...(pkg.entry ?? []), './index', './src/index');
  // Sources first (a custom condition such as `@zod/source` may name them), then declarations and builds.
  const source = (t: string) => /\.[cm]?tsx?$/.test(t) && !/\.d\.[cm]?ts$/.test(t);
  targets.sort((a, b) => Number(source(b)) - Number(source(a)));
  for (const t of targets) {
    const found = tryEcmaFile(view, joinPath(pkg.dir, t)) ?? tryEcmaFile(view, joinPath(pkg.dir, sourceOf(t)));
    if (found) return found;
  }
  return undefined;
}

function tryPython(view: ResolverView, base: string): string | undefined {
  for (const candidate of [`${base}.py`, `${base}.pyi`, `${base}/__init__.py`, `${base}/__init__.pyi`]) if (view.has(candidate)) return candidate;
  return undefined;
}

/** A Python module (`a.b`, `.m`, `..pkg.m`, `.`) imported from `fromUri`, or undefined (not in the project). */
export function resolvePythonModule(view: ResolverView, fromUri: string, module: string): string | undefined {
  const dots = /^\.*/.exec(module)![0].length;
  const rest = module.slice(dots).split('.').filter(Boolean).join('/');
  if (dots > 0) {
    let dir = dirname(fromUri);
    for (let i = 1; i < dots; i++) dir = dirname(dir);
    return rest ? tryPython(view, `${dir}/${rest}`) : tryPython(view, dir);
  }
  const roots = view.pythonRoots(fromUri);
  for (const root of roots) {
    const found = tryPython(view, `${root}/${rest}`);
    if (found) return found;
  }
  // A workspace opened inside its package (`pip/_internal` importing `pip._internal.utils`): the folders above, for files the index has.
  for (const root of roots) {
    let dir = root;
    for (let k = 0; k < 3; k++) {
      const up = dirname(dir);
      if (up === dir) break;
      const found = tryPython(view, `${up}/${rest}`);
      if (found) return found;
      dir = up;
    }
  }
  return undefined;
}

export function resolveModule(view: ResolverView, language: SyntaxLanguage, fromUri: string, module: string): string | undefined {
  return language === 'python' ? resolvePythonModule(view, fromUri, module) : resolveEcmaModule(view, fromUri, module);
}
