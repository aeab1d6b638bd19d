/**
 * Declarations by scope, from the declarations query: `@declaration.<kind>` on the declaring
 * node and `@name` on its name. Signatures and docs are read from the node.
 */
import type { SyntaxContext } from './context';
import type { TsNode } from './runtime';
import type { Declaration, DeclarationKind, Parameter, Signature } from './types';
import { applyJsDocTypes } from './jsdoc';

const kindRank: Partial<Record<DeclarationKind, number>> = { variable: 0, constant: 1, attribute: 1 };

export function collectDeclarations(ctx: SyntaxContext): Declaration[] {
  const byName = new Map<number, Declaration>();
  for (const match of ctx.loaded.query('declarations').matches(ctx.root)) {
    const decl = match.captures.find((c) => c.name.startsWith('declaration.'));
    const name = match.captures.find((c) => c.name === 'name');
    if (!decl || !name) continue;
    let kind = decl.name.slice('declaration.'.length) as DeclarationKind;
    const node = decl.node;
    const nameNode = name.node;
    const chain = ctx.enclosingScopes(node.startIndex, node.endIndex);
    let scope = chain.length ? chain[chain.length - 1]!.kind : 'file';
    let container = chain.map((s) => s.name ?? '');
    if (kind === 'attribute') {
      // `self.x = …` / `this.x = …` in a method: an attribute of the enclosing class.
      const cls = chain.map((s) => s.kind).lastIndexOf('class');
      if (cls >= 0) container = container.slice(0, cls + 1);
      else {
        // A struct field (Go, Rust): the container is the declared type around it.
        let owner = node.parent;
        while (owner && !owner.childForFieldName('name')) owner = owner.parent;
        if (!owner) continue;
        container = [...container, owner.childForFieldName('name')!.text];
      }
      scope = 'class';
    } else if (kind === 'function' && (scope === 'file' || scope === 'class') && node.type === 'method_definition' && node.parent?.type === 'object') {
      // A method of an object literal is a member of what the literal is bound to, not a function of
      // the file nor a method of the class around it: `const api = { get() {} }` → `api`, nested
      // `const api = { users: { list() {} } }` → `api.users` (and `users` an attribute of `api`),
      // a class field `handlers = { onX() {} }` → `A.handlers`.
      const owner = objectLiteralOwner(node);
      if (owner) {
        const cls = scope === 'class' ? container.pop()! : undefined;
        const path = cls === undefined ? owner.path : [cls, ...owner.path];
        if (cls === undefined || owner.field) {
          for (let i = 1; i < path.length; i++) {
            if (cls !== undefined && i === 1) continue; // the field itself is declared by the class body
            const key = owner.keys[i - (cls === undefined ? 1 : 2)]!;
            const attribute: Declaration = { kind: 'attribute', name: path[i]!, scope: 'class', container: [...container, path.slice(0, i).join('.')], start: key.startIndex, end: key.endIndex, position: ctx.position(key.startIndex), range: { start: key.parent!.startIndex, end: key.parent!.endIndex }, exported: true };
            if (!byName.has(attribute.start)) byName.set(attribute.start, attribute);
          }
          container = [...container, path.join('.')];
          scope = 'class';
          kind = 'method';
        } else scope = 'function';
      } else if (scope === 'class') scope = 'function'; // an object passed in a class body (`x = make({ a() {} })`): no member of the class
    } else if (kind === 'function' && scope === 'class') kind = 'method';
    else if (kind === 'variable' && scope === 'class') kind = 'attribute';
    const declaration: Declaration = {
      kind,
      name: nameNode.text,
      scope,
      container,
      start: nameNode.startIndex,
      end: nameNode.endIndex,
      position: ctx.position(nameNode.startIndex),
      range: { start: node.startIndex, end: node.endIndex },
    };
    const signature = readSignature(ctx, node);
    if (signature) declaration.signature = signature;
    const doc = readDoc(ctx, node);
    if (doc) declaration.doc = doc;
    if (ctx.language === 'javascript') applyJsDocTypes(declaration);
    const exported = isExported(ctx, node, nameNode.text);
    if (exported !== undefined) declaration.exported = exported;
    const old = byName.get(declaration.start);
    if (!old || (kindRank[kind] ?? 2) > (kindRank[old.kind] ?? 2)) byName.set(declaration.start, declaration);
  }
  return [...byName.values()].sort((a, b) => a.start - b.start);
}

/**
 * What a method's object literal is bound to: the constant or class field (`field`) and the keys
 * of the objects it is nested in (`const api = { users: { list() {} } }` → path `api`, `users`;
 * keys: the `users` key node), also through `as` / `satisfies` / parentheses; undefined for an
 * object passed, returned or under a computed or quoted key.
 */
function objectLiteralOwner(method: TsNode): { path: string[]; keys: TsNode[]; field: boolean } | undefined {
  const path: string[] = [];
  const keys: TsNode[] = [];
  let value = method.parent!;
  for (let depth = 0; depth < 6; depth++) {
    while (value.parent && /^(as_expression|satisfies_expression|parenthesized_expression|non_null_expression)$/.test(value.parent.type)) value = value.parent;
    const holder = value.parent;
    if (!holder || holder.childForFieldName('value')?.id !== value.id) return undefined;
    if (holder.type === 'pair') {
      const key = holder.childForFieldName('key');
      if (key?.type !== 'property_identifier' || holder.parent?.type !== 'object') return undefined;
      path.unshift(key.text);
      keys.unshift(key);
      value = holder.parent;
      continue;
    }
    const field = holder.type === 'public_field_definition' || holder.type === 'field_definition';
    if (holder.type !== 'variable_declarator' && !field) return undefined;
    const name = holder.childForFieldName(field ? (holder.type === 'field_definition' ? 'property' : 'name') : 'name');
    if (name?.type !== (field ? 'property_identifier' : 'identifier')) return undefined;
    return { path: [name.text, ...path], keys, field };
  }
  return undefined;
}

/** The function-like node of a declaration (an arrow function or function expression bound by a declarator). */
function functionNode(node: TsNode): TsNode | undefined {
  if (node.childForFieldName('parameters')) return node;
  const value = node.childForFieldName('value');
  if (value && (value.childForFieldName('parameters') || value.childForFieldName('parameter'))) return value;
  for (const child of node.namedChildren) {
    if (child?.type === 'variable_declarator') return functionNode(child);
    if (child && /^(function_definition|function_declaration|method_declaration)$/.test(child.type)) return functionNode(child);
  }
  return undefined;
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function readSignature(ctx: SyntaxContext, node: TsNode): Signature | undefined {
  const fn = functionNode(node);
  if (!fn) return undefined;
  const params = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
  const parameters: Parameter[] = [];
  if (params) {
    const list = params.type === 'identifier' ? [params] : params.namedChildren;
    for (const p of list) if (p && !/comment/.test(p.type)) parameters.push(...readParameter(p));
  }
  const body = fn.childForFieldName('body');
  const headerStart = fn === node ? node.startIndex : node.startIndex;
  let header = ctx.text.slice(headerStart, body ? body.startIndex : fn.endIndex);
  header = collapse(header).replace(/\s*(:|\{|=>)$/, '');
  const signature: Signature = { parameters, text: header };
  const ret = fn.childForFieldName('return_type') ?? fn.childForFieldName('result') ?? (fn.type === 'method_declaration' ? fn.childForFieldName('type') : null);
  if (ret) signature.returnType = collapse(ret.text.replace(/^:\s*/, ''));
  return signature;
}

function readParameter(p: TsNode): Parameter[] {
  const text = collapse(p.text);
  const typeNode = p.childForFieldName('type');
  const type = typeNode ? collapse(typeNode.text.replace(/^:\s*/, '')) : undefined;
  const valueNode = p.childForFieldName('value') ?? p.childForFieldName('right') ?? p.childForFieldName('default_value');
  const names = p.childrenForFieldName('name').filter((n): n is TsNode => !!n);
  if (!names.length) {
    const single = p.childForFieldName('pattern') ?? p.childForFieldName('left');
    if (single) names.push(single);
  }
  const nameOf = (n: TsNode): string => {
    if (/identifier|^self$/.test(n.type)) return n.text;
    const inner = n.descendantsOfType(['identifier', 'self'])[0];
    return inner ? inner.text : n.text;
  };
  if (!names.length) names.push(p);
  return names.map((n) => {
    const param: Parameter = { name: n === p && !/identifier|^self/.test(p.type) ? nameOf(p) : nameOf(n), text };
    if (type) param.type = type;
    if (valueNode) param.default = collapse(valueNode.text);
    return param;
  });
}

/** A Python docstring, or the comments right above the declaration (or above its export / decorators). */
function readDoc(ctx: SyntaxContext, node: TsNode): string | undefined {
  if (ctx.language === 'python') {
    const fn = node.type === 'expression_statement' ? undefined : node;
    const body = fn?.childForFieldName('body');
    const first = body?.namedChild(0);
    if (first?.type === 'expression_statement' && first.namedChildCount === 1 && first.namedChild(0)!.type === 'string') return docstring(first.namedChild(0)!.text);
    return undefined;
  }
  let anchor = node;
  while (anchor.parent && /^(export_statement|variable_declarator|lexical_declaration|variable_declaration|decorated_definition|ambient_declaration)$/.test(anchor.parent.type)) anchor = anchor.parent;
  if (/^(variable_declarator)$/.test(anchor.type) && anchor.parent) anchor = anchor.parent;
  const comments: string[] = [];
  let line = ctx.position(anchor.startIndex).line;
  for (let prev = anchor.previousNamedSibling; prev && /comment/.test(prev.type); prev = prev.previousNamedSibling) {
    const end = ctx.position(prev.endIndex);
    const endLine = prev.text.endsWith('\n') ? end.line - 1 : end.line;
    if (endLine !== line - 1 && endLine !== line) break;
    comments.unshift(prev.text);
    line = ctx.position(prev.startIndex).line;
  }
  if (!comments.length) return undefined;
  return comments.map(stripComment).join('\n').trim() || undefined;
}

function stripComment(text: string): string {
  if (text.startsWith('/*'))
    return text
      .replace(/^\/\*+!?/, '')
      .replace(/\*+\/$/, '')
      .split('\n')
      .map((l) => l.replace(/^\s*\* ?/, '').trimEnd())
      .join('\n')
      .trim();
  return text.replace(/^\/\/[\/!]? ?/, '').trimEnd();
}

function docstring(literal: string): string {
  const m = /^[rRuU]?("""|'''|"|')([\s\S]*)\1$/.exec(literal);
  const body = m ? m[2]! : literal;
  const lines = body.split('\n');
  const indents = lines.slice(1).filter((l) => l.trim()).map((l) => /^\s*/.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return [lines[0]!.trim(), ...lines.slice(1).map((l) => l.slice(cut).trimEnd())].join('\n').trim();
}

function isExported(ctx: SyntaxContext, node: TsNode, name: string): boolean | undefined {
  switch (ctx.language) {
    case 'python':
      return !name.startsWith('_');
    case 'go':
      return /^\p{Lu}/u.test(name);
    case 'rust':
      return node.namedChildren.some((c) => c?.type === 'visibility_modifier');
    case 'java':
      return node.namedChildren.some((c) => c?.type === 'modifiers' && /\bpublic\b/.test(c.text));
    default:
      for (let p = node.parent; p; p = p.parent) {
        if (p.type === 'export_statement') return true;
        if (p.type === 'program' || p.type === 'class_body' || /function|method/.test(p.type)) break;
      }
      return false;
  }
}
