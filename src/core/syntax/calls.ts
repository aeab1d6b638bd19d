/**
 * One call expression read from a snippet (a model's answer): the callee as a chain of names, and
 * the arguments by kind (positional, keyword, spread). The snippet must be exactly one expression
 * statement — the call, optionally awaited, or an assignment whose value is the call.
 */
import type { SyntaxLanguage } from './languages';
import type { TsNode, TsTree } from './runtime';
import type { CallArgument, CallExpressionInfo } from './types';

const pythonCall = 'call';
const ecmaCalls = new Set(['call_expression', 'new_expression']);

function isCall(language: SyntaxLanguage, node: TsNode): boolean {
  return language === 'python' ? node.type === pythonCall : ecmaCalls.has(node.type);
}

/** `a.b.c` / `a().b` as chain parts, or undefined when the callee is something else (a subscript, a lambda). */
function chainOf(node: TsNode): string[] | undefined {
  switch (node.type) {
    case 'identifier':
    case 'this':
    case 'super':
    case 'property_identifier':
      return [node.text];
    case 'attribute': {
      const object = node.childForFieldName('object');
      const name = node.childForFieldName('attribute');
      const left = object ? chainOf(object) : undefined;
      return left && name ? [...left, name.text] : undefined;
    }
    case 'member_expression': {
      const object = node.childForFieldName('object');
      const name = node.childForFieldName('property');
      if (!name || name.type === 'private_property_identifier') return undefined;
      const left = object ? chainOf(object) : undefined;
      return left ? [...left, name.text] : undefined;
    }
    case 'call':
    case 'call_expression': {
      // `make().run` — the inner call's callee, marked as called.
      const fn = node.childForFieldName('function');
      const left = fn ? chainOf(fn) : undefined;
      if (!left) return undefined;
      const args = node.childForFieldName('arguments');
      return [...left.slice(0, -1), `${left[left.length - 1]}${args?.text ?? '()'}`];
    }
    default:
      return undefined;
  }
}

function argumentsOf(language: SyntaxLanguage, args: TsNode | null): CallArgument[] {
  if (!args) return [];
  // `f(x for x in xs)`: the generator is the one argument.
  if (args.type === 'generator_expression') return [{ kind: 'positional', text: args.text }];
  const out: CallArgument[] = [];
  for (const child of args.namedChildren) {
    if (!child || child.type === 'comment') continue;
    if (language === 'python' && child.type === 'keyword_argument') {
      out.push({ kind: 'keyword', name: child.childForFieldName('name')?.text ?? '', text: child.text });
    } else if (child.type === 'list_splat' || child.type === 'spread_element') {
      out.push({ kind: 'spread', text: child.text });
    } else if (child.type === 'dictionary_splat') {
      out.push({ kind: 'keywordSpread', text: child.text });
    } else out.push({ kind: 'positional', text: child.text });
  }
  return out;
}

/** Reads the snippet's one call expression, or says why there is none. */
export function readCallExpression(language: SyntaxLanguage, tree: TsTree): { call: CallExpressionInfo } | { problem: string } {
  const root = tree.rootNode;
  if (root.hasError) return { problem: 'it does not parse' };
  const statements = root.namedChildren.filter((n): n is TsNode => !!n && n.type !== 'comment');
  if (statements.length !== 1) return { problem: statements.length ? `it is ${statements.length} statements, not one call` : 'it is empty' };
  const statement = statements[0]!;
  if (statement.type !== 'expression_statement') return { problem: `it is a ${statement.type.replace(/_/g, ' ')}, not a call` };
  let node = statement.namedChildren.find((n): n is TsNode => !!n && n.type !== 'comment') ?? null;
  // An assignment (`x = f(a)`, `const` is a declaration and was refused above): its value is the call.
  if (node && (node.type === 'assignment' || node.type === 'assignment_expression')) node = node.childForFieldName('right');
  let awaited = false;
  if (node && node.type === 'await') {
    awaited = true;
    node = node.namedChildren[0] ?? null;
  } else if (node && node.type === 'await_expression') {
    awaited = true;
    node = node.namedChildren[0] ?? null;
  }
  if (!node || !isCall(language, node)) return { problem: 'it is not a call expression' };
  const construct = node.type === 'new_expression';
  const calleeNode = construct ? node.childForFieldName('constructor') : node.childForFieldName('function');
  const chain = calleeNode ? chainOf(calleeNode) : undefined;
  if (!calleeNode || !chain) return { problem: `its callee \`${calleeNode?.text ?? '?'}\` is not a name or a member access` };
  const args = node.childForFieldName('arguments');
  const name = chain[chain.length - 1]!;
  return {
    call: {
      text: node.text,
      start: node.startIndex,
      end: node.endIndex,
      callee: calleeNode.text.replace(/\s+/g, ''),
      receiver: chain.slice(0, -1).join('.'),
      name,
      construct,
      awaited,
      args: argumentsOf(language, args),
    },
  };
}
