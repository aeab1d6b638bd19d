/**
 * Types written in JSDoc, where JavaScript writes its types (`@param {Module} module`,
 * `@returns {ModuleGraph}`, `/** @type {ChunkGraph} *\/`): read as TypeScript would in a checked
 * JavaScript file, reduced to a type the index can resolve.
 */
import type { Declaration } from './types';

/**
 * A JSDoc type expression as a plain type: optional (`T=`) and nullable (`?T`, `T | null`,
 * `T | undefined`) marks dropped, `import("./x").T` is `T`; undefined for what names no type
 * (`*`, `any`, an object or function type, a bare `import("./x")`).
 */
export function jsDocType(expression: string): string | undefined {
  let t = expression.trim().replace(/=$/, '').replace(/^[?!]/, '').trim();
  if (t.startsWith('(') && t.endsWith(')')) t = t.slice(1, -1).trim();
  const parts = splitUnion(t).filter((p) => !/^(?:null|undefined|void)$/.test(p));
  if (parts.length !== 1) return undefined;
  t = parts[0]!.replace(/\bimport\(\s*(['"])[^'"]*\1\s*\)\./g, '');
  if (!/^[A-Za-z_$][\w$.]*(?:<.*>|\[\])?$/.test(t) || /^(?:any|unknown|\*|object|Object|Function|function)$/.test(t)) return undefined;
  return t;
}

/** The top-level `|` alternatives of a type (not those inside `<…>`, `(…)`, `{…}`). */
function splitUnion(t: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if ('<({['.includes(c)) depth++;
    else if ('>)}]'.includes(c) && t[i - 1] !== '=') depth--;
    else if (c === '|' && depth === 0) {
      out.push(t.slice(from, i).trim());
      from = i + 1;
    }
  }
  out.push(t.slice(from).trim());
  return out.filter(Boolean);
}

/** The `{…}` type expression of a tag's text, its braces balanced (`{Map<string, {a: number}>}`). */
function braced(text: string, open: number): { type: string; end: number } | undefined {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return { type: text.slice(open + 1, i), end: i + 1 };
  }
  return undefined;
}

/** The type a doc's `@type {T}` tag gives, if any. */
export function jsDocTypeTag(doc: string): string | undefined {
  const m = /@type\s*\{/.exec(doc);
  const b = m && braced(doc, m.index + m[0].length - 1);
  return b ? jsDocType(b.type) : undefined;
}

/** A doc's typed tags (`@param {T} name`, `@returns {T}`), each type reduced by `jsDocType` (tags whose type names none are left out). */
function typedTags(doc: string): Array<{ returns: boolean; type: string; name?: string }> {
  const out: Array<{ returns: boolean; type: string; name?: string }> = [];
  for (const m of doc.matchAll(/@(param|arg|argument|returns?)\s*\{/g)) {
    const b = braced(doc, m.index! + m[0].length - 1);
    const type = b && jsDocType(b.type);
    if (!b || !type) continue;
    const returns = m[1]!.startsWith('return');
    const name = returns ? undefined : /^\s*\[?\s*([A-Za-z_$][\w$]*)/.exec(doc.slice(b.end))?.[1];
    out.push({ returns, type, ...(name ? { name } : {}) });
  }
  return out;
}

/** The type a doc's `@param {T} name` (also `[name]`, `[name=default]`) gives a parameter, if any. */
export function jsDocParameterType(doc: string, name: string): string | undefined {
  return typedTags(doc).find((t) => t.name === name)?.type;
}

/**
 * A JavaScript declaration's signature typed from its doc: each parameter without a type takes
 * its `@param {T} name`, the return its `@returns {T}` / `@return {T}`. Types already written stay.
 */
export function applyJsDocTypes(declaration: Declaration): void {
  const doc = declaration.doc;
  const signature = declaration.signature;
  if (!doc || !signature || !doc.includes('@')) return;
  for (const tag of typedTags(doc)) {
    if (tag.returns) {
      signature.returnType ??= tag.type;
      continue;
    }
    const p = tag.name ? signature.parameters.find((x) => x.name === tag.name) : undefined;
    if (p && !p.type) p.type = tag.type;
  }
}
