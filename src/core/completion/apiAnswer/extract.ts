/**
 * The call inside a model's answer: instruction-tuned models wrap code in fences, add prose or a
 * reasoning block. Candidates, most likely first — fenced blocks, inline code, the whole answer,
 * each line of a block, calls found in prose — for the syntax service to parse.
 */

const fence = /```[^\n`]*\n?([\s\S]*?)(?:```|$)/g;
const inlineCode = /`([^`\n]+)`/g;
/** The start of a call in prose: `name(`, `a.b.c(`, `new C(`, `await x.f(`. */
const callStart = /(?:\bawait\s+|\bnew\s+)?[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*\s*\(/g;

/** From `open` (an opening parenthesis) to its match, skipping strings; -1 when unbalanced. */
function matchingParen(text: string, open: number): number {
  let depth = 0;
  let quote = '';
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return c === ')' ? i : -1;
    }
  }
  return -1;
}

function callsInProse(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(callStart)) {
    const open = m.index! + m[0].length - 1;
    const close = matchingParen(text, open);
    if (close > open) out.push(text.slice(m.index!, close + 1));
  }
  return out;
}

export function answerCandidates(answer: string, limit = 16): string[] {
  // Reasoning models put their thinking first.
  const text = answer.replace(/<think>[\s\S]*?(?:<\/think>|$)/g, '').trim();
  const out: string[] = [];
  const add = (s: string) => {
    const t = s.trim().replace(/^>>>\s*/, '');
    if (t && !out.includes(t)) out.push(t);
  };
  const blocks = [...text.matchAll(fence)].map((m) => m[1]!);
  for (const b of blocks) add(b);
  for (const m of text.matchAll(inlineCode)) if (m[1]!.includes('(')) add(m[1]!);
  if (!blocks.length) add(text);
  for (const b of blocks) for (const line of b.split('\n')) if (line.includes('(')) add(line);
  for (const call of callsInProse(blocks.length ? blocks.join('\n') : text)) add(call);
  return out.slice(0, limit);
}
