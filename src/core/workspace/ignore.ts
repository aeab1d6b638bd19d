/**
 * What a workspace scan leaves out besides the fixed skip rules (scan.ts): VS Code's
 * `files.exclude` globs and the `.gitignore` files of the folder (the root's and nested ones, each
 * relative to its own folder, with git's semantics through the `ignore` package: negation,
 * trailing-slash directory patterns, anchored patterns, `**`). A folder that is ignored is never
 * entered, so a negation cannot bring back a file under it (as in git).
 */
import ignore, { type Ignore } from 'ignore';
import { joinUri, type EntryType, type WorkspaceFs } from './fs';

/**
 * A VS Code glob (`**∕*.js`, `**∕{dist,out}`, `src/?.ts`, `[ab].py`) as a regular expression over
 * a path relative to the workspace folder ('/' separators). A pattern without '/' matches at the
 * folder's top only, as in VS Code (`node_modules` ≠ `a/node_modules`; write `**∕node_modules`).
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let inBraces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches zero or more folders; a trailing `**` matches everything below.
        if (glob[i + 2] === '/') {
          re += '(?:[^/]*(?:/|$))*';
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      inBraces++;
      re += '(?:';
    } else if (c === '}' && inBraces > 0) {
      inBraces--;
      re += ')';
    } else if (c === ',' && inBraces > 0) re += '|';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        const body = glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = close;
      }
    } else re += c.replace(/[.+^$()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** `files.exclude` (glob → true / false / {when}) as a predicate on relative paths; only `true` entries exclude. */
export function filesExcludeMatcher(patterns: Readonly<Record<string, unknown>>): (relativePath: string) => boolean {
  const res = Object.entries(patterns)
    .filter(([, on]) => on === true)
    .map(([glob]) => globToRegExp(glob.replace(/^\.\//, '').replace(/\/+$/, '')));
  return (path) => res.some((re) => re.test(path));
}

export interface ScanFilter {
  /** True when the entry is excluded (files.exclude or a .gitignore that applies to it). */
  exclude(uri: string, type?: EntryType): boolean;
  /** Reads the folder's `.gitignore` before its entries are filtered. */
  enterDirectory(uri: string, entries: ReadonlyArray<readonly [string, EntryType]>): Promise<void>;
}

export interface ScanFilterOptions {
  /** `files.exclude` of the folder (VS Code settings object). */
  filesExclude?: Readonly<Record<string, unknown>>;
  /** Honour `.gitignore` files (default true). */
  gitignore?: boolean;
}

/** The filter for one workspace folder `root` (a URI or path; entries are below it). */
export function createScanFilter(fs: WorkspaceFs, root: string, options: ScanFilterOptions = {}): ScanFilter {
  const base = root.replace(/\/+$/, '');
  const excluded = filesExcludeMatcher(options.filesExclude ?? {});
  const rules = new Map<string, Ignore>(); // folder (relative, '' = root) → its .gitignore
  const relative = (uri: string) => (uri.startsWith(base + '/') ? uri.slice(base.length + 1) : uri === base ? '' : undefined);
  return {
    exclude(uri, type) {
      const rel = relative(uri);
      if (rel === undefined || rel === '') return false;
      if (excluded(rel)) return true;
      // Every .gitignore of a folder above the entry, each against the path relative to it.
      for (const [dir, ig] of rules) {
        if (dir !== '' && !rel.startsWith(dir + '/')) continue;
        const sub = dir === '' ? rel : rel.slice(dir.length + 1);
        if (ig.ignores(type === 'directory' ? `${sub}/` : sub)) return true;
      }
      return false;
    },
    async enterDirectory(uri, entries) {
      if (options.gitignore === false) return;
      if (!entries.some(([name, type]) => name === '.gitignore' && type === 'file')) return;
      const rel = relative(uri);
      if (rel === undefined) return;
      try {
        const text = new TextDecoder().decode(await fs.readFile(joinUri(uri, '.gitignore')));
        rules.set(rel, ignore().add(text));
      } catch {
        // An unreadable .gitignore is ignored, as git does.
      }
    },
  };
}
