/**
 * `.gitignore` and `files.exclude` style globs → URI tests. Supports `*`, `**`, `?`, character
 * classes, a leading `/` (anchored), a trailing `/` (folders), `!` negation (last match wins),
 * comments and blank lines; patterns without a `/` match a name at any depth.
 */

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        out += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        out += '[' + glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else if (c === '{') {
      const end = glob.indexOf('}', i + 1);
      if (end < 0) out += '\\{';
      else {
        out += '(?:' + glob.slice(i + 1, end).split(',').map((a) => a.replace(/[.+^$()|\\]/g, '\\$&').replace(/\*/g, '[^/]*')).join('|') + ')';
        i = end;
      }
    } else out += /[.+^$()|\\]/.test(c) ? `\\${c}` : c;
  }
  return out;
}

interface Rule {
  regex: RegExp;
  negate: boolean;
  dirOnly: boolean;
}

/** Rules from a `.gitignore` (or a list of `files.exclude` globs), relative to `base` (a folder URI). */
export class IgnoreRules {
  private readonly rules: Rule[] = [];

  constructor(
    readonly base: string,
    patterns: readonly string[],
  ) {
    for (let raw of patterns) {
      raw = raw.replace(/\s+$/, '');
      if (!raw || raw.startsWith('#')) continue;
      let negate = false;
      if (raw.startsWith('!')) {
        negate = true;
        raw = raw.slice(1);
      }
      let dirOnly = false;
      if (raw.endsWith('/')) {
        dirOnly = true;
        raw = raw.slice(0, -1);
      }
      const anchored = raw.includes('/') && !raw.startsWith('**/');
      raw = raw.replace(/^\//, '');
      const body = globToRegex(raw);
      // A match of a folder also covers everything inside it.
      this.rules.push({ regex: new RegExp(`^${anchored ? '' : '(?:.*/)?'}${body}(?:/.*)?$`), negate, dirOnly });
    }
  }

  static fromGitignore(base: string, text: string): IgnoreRules {
    return new IgnoreRules(base, text.split(/\r?\n/));
  }

  get size(): number {
    return this.rules.length;
  }

  /** Whether `uri` (under `base`) is ignored; `isDirectory` for folder-only rules on the folder itself. */
  ignores(uri: string, isDirectory = false): boolean {
    if (!uri.startsWith(this.base)) return false;
    const rel = uri.slice(this.base.length).replace(/^\/+/, '');
    if (!rel) return false;
    let ignored = false;
    for (const rule of this.rules) {
      if (!rule.regex.test(rel)) continue;
      // A folder-only rule matches files only through a parent folder.
      if (rule.dirOnly && !isDirectory && !rel.includes('/')) continue;
      ignored = !rule.negate;
    }
    return ignored;
  }
}
