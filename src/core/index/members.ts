/**
 * API token completion at `recv.` / `Module.`: resolve the receiver (receivers.ts), list its
 * members, rank them (ranking.ts).
 */
import type { ProjectIndex } from './projectIndex';
import type { ApiTarget } from './types';
import { allMemberCandidates, answersUndeclared, candidatesOf, dunder, enclosingClass, functionKinds, innermost, parseReceiver, resolveReceiver, type LiveDocument, type MemberCandidate, type ResolvedBy } from './receivers';
import { rankMembers, type RankContext, type RankedMember } from './ranking';
import { nthLineBefore } from './words';
export interface MemberCompletion {
  receiver: string;
  prefix: string;
  prefixStart: number;
  resolvedBy: ResolvedBy;
  target: ApiTarget;
  items: RankedMember[];
}

/** The whole member completion at a cursor (without the model: see `addModelScores`). */
export function completeMembers(index: ProjectIndex, doc: LiveDocument, options: { fallbackToAll?: boolean; limit?: number } = {}): MemberCompletion | undefined {
  const receiver = parseReceiver(doc.text, doc.offset);
  if (!receiver) return undefined;
  const resolution = resolveReceiver(index, doc, receiver);
  let candidates = candidatesOf(index, resolution.target);
  if (resolution.by === 'self' && resolution.target.kind === 'class' && resolution.target.instance)
    for (const ref of index.mixinMembers(resolution.target.uri, resolution.target.name))
      if (!dunder.test(ref.symbol.name) && ref.symbol.name !== 'constructor') candidates.push({ label: ref.symbol.name, ref, inherited: true });
  let resolvedBy = resolution.by;
  const weak = resolvedBy === 'similarity' || resolvedBy === 'usage';
  // A class whose instances answer names it does not declare (`__getattr__`) has members no index lists: the project's go with its own, in the editor too.
  if ((options.fallbackToAll && (weak || !candidates.length)) || (!weak && answersUndeclared(index, resolution.target))) {
    // A guessed class (or one with undeclared members): its members first, then every member of the project.
    const own = new Set(candidates.map((c) => c.label));
    candidates = [...candidates.map((c) => ({ ...c, resolved: true })), ...allMemberCandidates(index).filter((c) => !own.has(c.label))];
    if (!own.size) resolvedBy = 'none';
  } else candidates = candidates.map((c) => ({ ...c, resolved: true }));
  const lineStart = doc.text.lastIndexOf('\n', receiver.prefixStart - 1);
  const contextStart = Math.max(0, nthLineBefore(doc.text, lineStart, 2));
  const contextText = doc.text.slice(contextStart, receiver.prefixStart);
  const enclosing = innermost(doc.declarations, receiver.prefixStart, functionKinds)?.name ?? enclosingFunctionByText(doc.text, receiver.prefixStart);
  const ctx: RankContext = { prefix: receiver.prefix, contextText, receiver, resolution, uri: doc.uri, fileText: doc.text.slice(0, receiver.prefixStart - receiver.text.length - 1), ...(enclosing ? { enclosingFunction: enclosing } : {}) };
  // What TypeScript keeps from code outside the class (`private`, `protected`) is listed after everything the cursor can reach; still listed, and in
  // its place where code reaches in on purpose (`(x as any).`) or the receiver's class is unknown.
  const reachesIn = resolution.by === 'self' || resolvedBy === 'none' || receiver.chain.some((p) => p.inner !== undefined && /\bas\s+any\s*$|^\s*<any>/.test(p.inner));
  const insideClass = reachesIn ? undefined : enclosingClass(doc, receiver.prefixStart);
  const outOfReach = (c: MemberCandidate) => !reachesIn && !!c.ref.symbol.hidden && c.ref.symbol.container !== insideClass;
  const reachable: MemberCandidate[] = [];
  const hidden: MemberCandidate[] = [];
  for (const c of candidates) (outOfReach(c) ? hidden : reachable).push(c);
  const items = hidden.length ? [...rankMembers(index, reachable, ctx), ...rankMembers(index, hidden, ctx)] : rankMembers(index, candidates, ctx);
  return { receiver: receiver.text, prefix: receiver.prefix, prefixStart: receiver.prefixStart, resolvedBy, target: resolution.target, items: options.limit ? items.slice(0, options.limit) : items };
}

/** The last `def name(` / `function name(` / `name(…) {` method header before an offset (the parser may not close an unfinished body). */
function enclosingFunctionByText(text: string, offset: number): string | undefined {
  const before = text.slice(Math.max(0, offset - 4000), offset);
  let found: string | undefined;
  for (const m of before.matchAll(/^[ \t]*(?:(?:async|export|public|private|protected|static|override)\s+)*(?:def|function\*?)?\s*([A-Za-z_$][\w$]*)\s*\([^)\n]*\)?[^\n]*(?::\s*$|\{\s*$)/gm))
    if (!/^(?:if|for|while|switch|catch|with|return)$/.test(m[1]!)) found = m[1];
  return found;
}
