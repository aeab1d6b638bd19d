/**
 * Grounding a model's call in the retrieved APIs: the callee must resolve to one of them — a
 * receiver resolved the way member completion resolves it (`self`, constructors, annotations,
 * imports, chains), a name bound in the file, or a qualified name (`Class.method`,
 * `module.function`) — its receiver must start from a name in scope, and the arguments must fit
 * the signature (arity with defaults and varargs, keyword names). Anything else is rejected with
 * the reason: a call to an API that was not retrieved never reaches the document.
 */
import type { CallExpressionInfo } from '../../syntax/types';
import type { SyntaxLanguage } from '../../syntax/languages';
import type { ProjectIndex } from '../../index/projectIndex';
import type { SymbolRef } from '../../index/types';
import { candidatesOf, parseReceiver, resolveReceiver, type LiveDocument } from '../../index/receivers';
import { arityMismatch } from './arity';

export type GroundedBy = 'receiver' | 'binding' | 'qualified' | 'name';

export type Grounding = { ok: true; api: SymbolRef; by: GroundedBy } | { ok: false; reason: string };

export interface GroundingContext {
  index: ProjectIndex;
  /** The live document at the cursor (declarations from the syntax service). */
  document: LiveDocument;
  language: SyntaxLanguage;
  /** Names visible at the cursor (locals, parameters, the file's, imports). */
  visible: ReadonlySet<string>;
  /** The retrieved APIs, best first: the only ones a call may use. */
  retrieved: readonly SymbolRef[];
}

const selfNames = new Set(['self', 'this', 'cls', 'super']);
const weakResolution = new Set(['similarity', 'usage', 'none']);

const sameSymbol = (a: SymbolRef, b: SymbolRef) => a.uri === b.uri && a.symbol.name === b.symbol.name && a.symbol.container === b.symbol.container && a.symbol.line === b.symbol.line;

/** `Inventory.restock (inventory.py:10)`. */
export function describeApi(ref: SymbolRef): string {
  const file = ref.uri.slice(ref.uri.lastIndexOf('/') + 1);
  return `${ref.symbol.container ? `${ref.symbol.container}.` : ''}${ref.symbol.name} (${file}:${ref.symbol.line + 1})`;
}

const moduleStem = (uri: string) => uri.slice(uri.lastIndexOf('/') + 1).replace(/\.[^.]+$/, '').replace(/^__init__$/, uri.split('/').slice(-2, -1)[0] ?? '');

/** The parameters a call of `ref` binds to: a class's constructor (`__init__` / `constructor`), else its own; undefined when unknown. */
function callParams(index: ProjectIndex, ref: SymbolRef): string[] | undefined {
  const s = ref.symbol;
  if (s.kind === 'class' || s.kind === 'interface') {
    const init = index.membersOf(ref.uri, s.name).find((m) => m.symbol.name === '__init__' || m.symbol.name === 'constructor');
    return init?.symbol.params;
  }
  return s.params;
}

function fits(ctx: GroundingContext, call: CallExpressionInfo, api: SymbolRef, by: GroundedBy): Grounding {
  // Overloads (TypeScript): any declaration of the same API that fits will do.
  const overloads = [api, ...ctx.retrieved.filter((r) => r !== api && r.uri === api.uri && r.symbol.name === api.symbol.name && r.symbol.container === api.symbol.container)];
  let reason: string | undefined;
  for (const ref of overloads) {
    const params = callParams(ctx.index, ref);
    if (!params) return { ok: true, api: ref, by };
    const mismatch = arityMismatch(call.callee, params, call.args, ctx.language);
    if (!mismatch) return { ok: true, api: ref, by };
    reason ??= mismatch;
  }
  return { ok: false, reason: reason! };
}

function retrievedNames(ctx: GroundingContext): string {
  const names = [...new Set(ctx.retrieved.map((r) => `${r.symbol.container ? `${r.symbol.container}.` : ''}${r.symbol.name}`))];
  return names.slice(0, 5).join(', ') + (names.length > 5 ? ', …' : '');
}

export function groundCall(call: CallExpressionInfo, ctx: GroundingContext): Grounding {
  const { index, document, retrieved } = ctx;
  const isRetrieved = (ref: SymbolRef) => retrieved.find((r) => sameSymbol(r, ref));
  const name = call.name;
  if (!call.receiver) {
    const binding = index.bindingIn(document.uri, name) ?? index.importedBinding(document.uri, name);
    if (binding?.kind === 'symbol') {
      const hit = isRetrieved(binding.ref);
      return hit ? fits(ctx, call, hit, 'binding') : { ok: false, reason: `\`${name}\` here is ${describeApi(binding.ref)}, which was not among the retrieved APIs (${retrievedNames(ctx)})` };
    }
    const byName = retrieved.find((r) => r.symbol.name === name && !r.symbol.container);
    if (byName) return fits(ctx, call, byName, 'name');
    const member = retrieved.find((r) => r.symbol.name === name);
    if (member) return { ok: false, reason: `\`${name}\` is a member of ${member.symbol.container}: the call needs its receiver` };
    return { ok: false, reason: `\`${name}\` is not one of the retrieved APIs (${retrievedNames(ctx)})` };
  }

  const head = /^[\w$]+/.exec(call.receiver)?.[0] ?? '';
  // A class or module name counts only where the file binds it (imported or declared).
  const knownHead = selfNames.has(head) || ctx.visible.has(head) || !!(index.bindingIn(document.uri, head) ?? index.importedBinding(document.uri, head));
  if (!knownHead) return { ok: false, reason: `\`${head}\` (the receiver of \`${call.callee}\`) is not a name in scope here` };

  // Resolve the receiver as member completion does: the text before the cursor, then `receiver.`.
  const before = document.text.slice(0, document.offset);
  const text = `${before}${call.receiver}.`;
  const parsed = parseReceiver(text, text.length);
  const resolution = parsed ? resolveReceiver(index, { ...document, text, offset: text.length }, parsed) : undefined;
  const strong = !!resolution && resolution.target.kind !== 'unknown' && !weakResolution.has(resolution.by);
  if (resolution && resolution.target.kind !== 'unknown') {
    const members = candidatesOf(index, resolution.target).filter((c) => c.label === name);
    for (const m of members) {
      const hit = isRetrieved(m.ref);
      if (hit) return fits(ctx, call, hit, 'receiver');
    }
    const target = resolution.target.kind === 'class' ? resolution.target.name : moduleStem(resolution.target.uri);
    if (strong && members.length) return { ok: false, reason: `\`${call.callee}\` is ${describeApi(members[0]!.ref)}, which was not among the retrieved APIs (${retrievedNames(ctx)})` };
    const what = resolution.target.kind === 'class' ? (resolution.target.instance ? `an instance of ${target}` : `class ${target}`) : `module ${target}`;
    if (strong) return { ok: false, reason: `\`${call.receiver}\` is ${what}, which has no member \`${name}\`` };
  }
  // Qualified by the class or module name as written: `Config.load`, `inventory.reorder_threshold`.
  const last = call.receiver.split('.').pop()!;
  const qualified = retrieved.find((r) => r.symbol.name === name && (r.symbol.container === last || (!r.symbol.container && moduleStem(r.uri) === last)));
  if (qualified) return fits(ctx, call, qualified, 'qualified');
  // A receiver the index cannot type: the member name, when exactly one retrieved class has it.
  const byName = retrieved.filter((r) => r.symbol.name === name && r.symbol.container);
  const classes = new Set(byName.map((r) => `${r.uri}#${r.symbol.container}`));
  if (byName.length && classes.size === 1) return fits(ctx, call, byName[0]!, 'name');
  if (classes.size > 1) return { ok: false, reason: `\`${name}\` is a member of several retrieved classes and \`${call.receiver}\` could not be typed` };
  return { ok: false, reason: `\`${call.callee}\` is not one of the retrieved APIs (${retrievedNames(ctx)})` };
}
