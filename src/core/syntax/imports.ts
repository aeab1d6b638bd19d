/** Import statements of every form, as plain data. The imports query finds the nodes; this reads them. */
import type { BindingKind, SyntaxContext } from './context';
import type { TsNode } from './runtime';
import type { ImportForm, ImportedName, ImportInfo } from './types';

export function collectImports(ctx: SyntaxContext): ImportInfo[] {
  const out: ImportInfo[] = [];
  const seen = new Set<number>();
  for (const capture of ctx.loaded.query('imports').captures(ctx.root)) {
    const node = capture.node;
    if (seen.has(node.id)) continue;
    seen.add(node.id);
    const add = (form: ImportForm, module: string, names: ImportedName[], extra: Partial<ImportInfo> = {}) =>
      out.push({
        form,
        module,
        relative: isRelative(ctx, module),
        names,
        sideEffect: false,
        start: node.startIndex,
        end: node.endIndex,
        position: ctx.position(node.startIndex),
        ...extra,
      });
    switch (capture.name) {
      case 'import':
        readImport(ctx, node, add);
        break;
      case 'require':
        readRequire(node, add);
        break;
      case 'dynamic': {
        const source = node.childForFieldName('arguments')?.namedChild(0);
        if (source && isStringNode(source)) add('dynamic', stringValue(source), []);
        break;
      }
    }
  }
  out.sort((a, b) => a.start - b.start);
  return out;
}

/** Local bindings created by imports, for scope resolution. */
export function importBindings(imports: readonly ImportInfo[]): { local: string; kind: BindingKind; offset: number }[] {
  const out: { local: string; kind: BindingKind; offset: number }[] = [];
  for (const imp of imports)
    for (const name of imp.names) {
      if (!name.local) continue;
      const kind: BindingKind =
        name.kind === 'namespace' || (name.kind === 'module' && !name.alias) ? 'module' : name.alias && name.kind !== 'default' ? 'alias' : 'library';
      out.push({ local: name.local, kind, offset: imp.start });
    }
  return out;
}

type Add = (form: ImportForm, module: string, names: ImportedName[], extra?: Partial<ImportInfo>) => void;

function isRelative(ctx: SyntaxContext, module: string): boolean {
  switch (ctx.language) {
    case 'python':
      return module.startsWith('.');
    case 'rust':
      return /^(crate|self|super)\b/.test(module);
    case 'java':
      return false;
    default:
      return module.startsWith('./') || module.startsWith('../') || module === '.' || module === '..';
  }
}

function isStringNode(node: TsNode): boolean {
  return /string/.test(node.type);
}

/** A string literal's value: its fragments without quotes (escapes kept as written). */
function stringValue(node: TsNode): string {
  const text = node.text;
  const m = /^[rbuRBUfF]*("""|'''|"|'|`)([\s\S]*)\1$/.exec(text);
  return m ? m[2]! : text;
}

function named(name: string, alias?: string): ImportedName {
  return alias && alias !== name ? { name, alias, local: alias, kind: 'named' } : { name, local: name, kind: 'named' };
}

function readImport(ctx: SyntaxContext, node: TsNode, add: Add): void {
  switch (ctx.language) {
    case 'python':
      return readPython(node, add);
    case 'typescript':
    case 'tsx':
    case 'javascript':
      return readEcma(node, add);
    case 'java':
      return readJava(node, add);
    case 'go':
      return readGo(node, add);
    case 'rust':
      return readRust(node, add);
  }
}

function readPython(node: TsNode, add: Add): void {
  if (node.type === 'import_statement') {
    for (const child of node.childrenForFieldName('name')) {
      if (!child) continue;
      if (child.type === 'aliased_import') {
        const module = child.childForFieldName('name')!.text;
        const alias = child.childForFieldName('alias')!.text;
        add('import', module, [{ name: module, alias, local: alias, kind: 'module' }]);
      } else {
        const module = child.text;
        add('import', module, [{ name: module, local: module.split('.')[0]!, kind: 'module' }]);
      }
    }
    return;
  }
  const module = node.type === 'future_import_statement' ? '__future__' : (node.childForFieldName('module_name')?.text ?? '');
  const names: ImportedName[] = [];
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === 'wildcard_import') names.push({ name: '*', kind: 'star' });
  }
  for (const child of node.childrenForFieldName('name')) {
    if (!child) continue;
    if (child.type === 'aliased_import') names.push(named(child.childForFieldName('name')!.text, child.childForFieldName('alias')!.text));
    else names.push(named(child.text));
  }
  add('from', module.replace(/\s+/g, ''), names);
}

function readEcma(node: TsNode, add: Add): void {
  const source = node.childForFieldName('source');
  if (node.type === 'export_statement') {
    if (!source) return;
    const names: ImportedName[] = [];
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === 'export_clause')
        for (const spec of child.namedChildren) {
          if (spec?.type !== 'export_specifier') continue;
          const name = spec.childForFieldName('name')!.text;
          const alias = spec.childForFieldName('alias')?.text;
          names.push(alias && alias !== name ? { name, alias, kind: 'named' } : { name, kind: 'named' });
        }
      else if (child.type === 'namespace_export') names.push({ name: '*', alias: child.namedChild(0)?.text, kind: 'namespace' });
    }
    if (!names.length) names.push({ name: '*', kind: 'star' });
    add('export-from', stringValue(source), names);
    return;
  }
  const typeOnly = node.children.some((c) => c?.type === 'type' && !c.isNamed);
  const clause = node.namedChildren.find((c) => c?.type === 'import_clause');
  const requireClause = node.namedChildren.find((c) => c?.type === 'import_require_clause');
  if (requireClause) {
    const local = requireClause.namedChild(0)!.text;
    const from = requireClause.childForFieldName('source');
    add('require', from ? stringValue(from) : '', [{ name: '*', alias: local, local, kind: 'namespace' }], typeOnly ? { typeOnly } : {});
    return;
  }
  if (!source) return;
  const names: ImportedName[] = [];
  if (clause)
    for (const child of clause.namedChildren) {
      if (!child) continue;
      if (child.type === 'identifier') names.push({ name: 'default', alias: child.text, local: child.text, kind: 'default' });
      else if (child.type === 'namespace_import') {
        const local = child.namedChild(0)!.text;
        names.push({ name: '*', alias: local, local, kind: 'namespace' });
      } else if (child.type === 'named_imports')
        for (const spec of child.namedChildren) {
          if (spec?.type !== 'import_specifier') continue;
          names.push(named(spec.childForFieldName('name')!.text, spec.childForFieldName('alias')?.text));
        }
    }
  add('es', stringValue(source), names, { sideEffect: !clause, ...(typeOnly ? { typeOnly } : {}) });
}

/** `require('m')` (the call node): bound by a declarator, destructured, or a bare statement. */
function readRequire(call: TsNode, add: Add): void {
  const source = call.childForFieldName('arguments')?.namedChild(0);
  if (!source || !isStringNode(source)) return;
  const module = stringValue(source);
  let parent = call.parent;
  let member: string | undefined;
  if (parent?.type === 'member_expression' && parent.childForFieldName('object')?.id === call.id) {
    member = parent.childForFieldName('property')?.text;
    parent = parent.parent;
  }
  if (parent?.type === 'variable_declarator') {
    const target = parent.childForFieldName('name')!;
    if (target.type === 'identifier') {
      add('require', module, [member ? named(member, target.text) : { name: '*', alias: target.text, local: target.text, kind: 'namespace' }]);
      return;
    }
    if (target.type === 'object_pattern' && !member) {
      const names: ImportedName[] = [];
      for (const p of target.namedChildren) {
        if (!p) continue;
        if (p.type === 'shorthand_property_identifier_pattern') names.push(named(p.text));
        else if (p.type === 'pair_pattern') names.push(named(p.childForFieldName('key')!.text, p.childForFieldName('value')!.text));
      }
      add('require', module, names);
      return;
    }
  }
  add('require', module, [], { sideEffect: parent?.type === 'expression_statement' });
}

function readJava(node: TsNode, add: Add): void {
  const path = node.namedChildren.find((c) => c && (c.type === 'scoped_identifier' || c.type === 'identifier'));
  if (!path) return;
  const star = node.namedChildren.some((c) => c?.type === 'asterisk');
  if (star) {
    add('import', path.text, [{ name: '*', kind: 'star' }]);
    return;
  }
  const text = path.text;
  const dot = text.lastIndexOf('.');
  const name = text.slice(dot + 1);
  add('import', dot < 0 ? '' : text.slice(0, dot), [named(name)]);
}

function readGo(node: TsNode, add: Add): void {
  const specs: TsNode[] = [];
  for (const child of node.namedChildren) {
    if (child?.type === 'import_spec') specs.push(child);
    else if (child?.type === 'import_spec_list') for (const s of child.namedChildren) if (s?.type === 'import_spec') specs.push(s);
  }
  for (const spec of specs) {
    const module = stringValue(spec.childForFieldName('path')!);
    const nameNode = spec.childForFieldName('name');
    const base = module.split('/').pop()!;
    const extra = { start: spec.startIndex, end: spec.endIndex };
    if (!nameNode) add('import', module, [{ name: module, local: base, kind: 'module' }], extra);
    else if (nameNode.type === 'dot') add('import', module, [{ name: '*', kind: 'star' }], extra);
    else if (nameNode.type === 'blank_identifier') add('import', module, [], { ...extra, sideEffect: true });
    else add('import', module, [{ name: module, alias: nameNode.text, local: nameNode.text, kind: 'module' }], extra);
  }
}

function readRust(node: TsNode, add: Add): void {
  if (node.type === 'extern_crate_declaration') {
    const name = node.childForFieldName('name')!.text;
    const alias = node.childForFieldName('alias')?.text;
    add('use', name, [alias ? { name, alias, local: alias, kind: 'module' } : { name, local: name, kind: 'module' }]);
    return;
  }
  const groups = new Map<string, ImportedName[]>();
  const push = (prefix: string, name: ImportedName) => {
    const list = groups.get(prefix) ?? [];
    list.push(name);
    groups.set(prefix, list);
  };
  const join = (a: string, b: string) => (a && b ? `${a}::${b}` : a || b);
  const walk = (tree: TsNode | null, prefix: string): void => {
    if (!tree) return;
    switch (tree.type) {
      case 'scoped_identifier': {
        const path = tree.childForFieldName('path')?.text ?? '';
        push(join(prefix, path), named(tree.childForFieldName('name')!.text));
        return;
      }
      case 'use_as_clause': {
        const full = tree.childForFieldName('path')!.text;
        const i = full.lastIndexOf('::');
        push(join(prefix, i < 0 ? '' : full.slice(0, i)), named(full.slice(i < 0 ? 0 : i + 2), tree.childForFieldName('alias')!.text));
        return;
      }
      case 'use_wildcard': {
        const path = tree.namedChild(0)?.text ?? '';
        push(join(prefix, path), { name: '*', kind: 'star' });
        return;
      }
      case 'scoped_use_list':
        walk(tree.childForFieldName('list'), join(prefix, tree.childForFieldName('path')?.text ?? ''));
        return;
      case 'use_list':
        for (const child of tree.namedChildren) walk(child, prefix);
        return;
      case 'self':
        push(prefix, { name: 'self', local: prefix.split('::').pop(), kind: 'module' });
        return;
      default:
        push(prefix, named(tree.text));
    }
  };
  walk(node.childForFieldName('argument'), '');
  for (const [module, names] of groups) add('use', module, names);
}
