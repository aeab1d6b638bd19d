/**
 * Does a call fit a signature? Parameters as the index keeps them (as written, `self` / `this`
 * left out) become slots — positional, keyword, required, `*args` / `**kwargs` / `...rest` —
 * and the call's arguments are bound to them the way the language does: too many positional
 * arguments, an unknown or repeated keyword, or a missing required parameter is a mismatch.
 */
import type { CallArgument } from '../../syntax/types';
import type { SyntaxLanguage } from '../../syntax/languages';

interface Slot {
  name: string;
  required: boolean;
  /** Can be passed by position. */
  positional: boolean;
  /** Can be passed by name (Python keyword arguments). */
  keyword: boolean;
  variadic?: 'args' | 'kwargs';
}

function pythonSlots(params: readonly string[]): Slot[] {
  const slots: Slot[] = [];
  let keywordOnly = false;
  for (const raw of params) {
    const p = raw.trim();
    if (p === '*') {
      keywordOnly = true;
      continue;
    }
    if (p === '/') {
      for (const s of slots) s.keyword = false;
      continue;
    }
    const m = /^(\*\*|\*)?\s*([A-Za-z_]\w*)/.exec(p);
    if (!m) continue;
    if (m[1] === '**') slots.push({ name: m[2]!, required: false, positional: false, keyword: false, variadic: 'kwargs' });
    else if (m[1] === '*') {
      slots.push({ name: m[2]!, required: false, positional: true, keyword: false, variadic: 'args' });
      keywordOnly = true;
    } else slots.push({ name: m[2]!, required: !/=/.test(p), positional: !keywordOnly, keyword: true });
  }
  return slots;
}

function ecmaSlots(params: readonly string[]): Slot[] {
  return params.map((raw) => {
    const p = raw.trim();
    if (p.startsWith('...')) return { name: /^\.\.\.\s*([\w$]+)/.exec(p)?.[1] ?? 'rest', required: false, positional: true, keyword: false, variadic: 'args' as const };
    const name = /^(?:(?:public|private|protected|readonly|override)\s+)*([\w$]+)/.exec(p)?.[1] ?? p.split(/[:=]/)[0]!.trim();
    // `x?: T`, `x = 1`, `x: T | undefined` are optional.
    const head = p.split(/[:=]/)[0]!;
    const optional = head.includes('?') || /=/.test(p.replace(/=>/g, '')) || /\|\s*undefined\b/.test(p);
    return { name, required: !optional, positional: true, keyword: false };
  });
}

/** Why the call does not fit the parameters, or undefined when it does. `callee` names it in the message. */
export function arityMismatch(callee: string, params: readonly string[], args: readonly CallArgument[], language: SyntaxLanguage): string | undefined {
  const slots = language === 'python' ? pythonSlots(params) : ecmaSlots(params);
  const spread = args.some((a) => a.kind === 'spread');
  const keywordSpread = args.some((a) => a.kind === 'keywordSpread');
  const positional = args.filter((a) => a.kind === 'positional').length;
  const byPosition = slots.filter((s) => s.positional && !s.variadic);
  const takesArgs = slots.some((s) => s.variadic === 'args');
  const takesKwargs = slots.some((s) => s.variadic === 'kwargs');
  const signature = `(${params.join(', ')})`;
  if (!spread && !takesArgs && positional > byPosition.length)
    return `\`${callee}\` takes at most ${byPosition.length} positional argument${byPosition.length === 1 ? '' : 's'} ${signature}; the answer passes ${positional}`;
  const bound = new Set<Slot>(byPosition.slice(0, positional));
  for (const a of args) {
    if (a.kind !== 'keyword') continue;
    const slot = slots.find((s) => s.name === a.name && !s.variadic);
    if (!slot || !slot.keyword) {
      if (takesKwargs && !slot) continue;
      return slot ? `\`${a.name}\` of \`${callee}\` cannot be passed by keyword ${signature}` : `\`${callee}\` has no parameter \`${a.name}\` ${signature}`;
    }
    if (bound.has(slot)) return `\`${a.name}\` is given twice in the call of \`${callee}\``;
    bound.add(slot);
  }
  if (spread || keywordSpread) return undefined;
  const missing = slots.filter((s) => s.required && !s.variadic && !bound.has(s)).map((s) => `\`${s.name}\``);
  if (missing.length) return `the call of \`${callee}\` leaves out ${missing.join(', ')} ${signature}`;
  return undefined;
}
