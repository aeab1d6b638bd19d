/**
 * Prompt windows: the text before and after the cursor, cut at line boundaries to fit a token
 * budget, with more room for the prefix (what the model continues) than for the suffix.
 */

export interface WindowOptions {
  /** Total tokens for prefix + suffix. */
  budgetTokens: number;
  /** Share of the budget for the prefix (0–1). */
  prefixShare: number;
  /** Counts tokens of a piece of text (an estimate is fine; it must be monotone). */
  countTokens: (text: string) => number;
}

export interface Windows {
  prefix: string;
  suffix: string;
  /** UTF-16 offset in the original prefix where the window starts. */
  prefixStart: number;
  prefixTokens: number;
  suffixTokens: number;
}

/** Keeps whole lines from the end of `text` (prefix) or from its start (suffix) within `budget`. */
function fitLines(text: string, budget: number, fromEnd: boolean, count: (t: string) => number): { text: string; tokens: number; cut: number } {
  const total = count(text);
  if (total <= budget) return { text, tokens: total, cut: 0 };
  const lines = text.split(/(?<=\n)/);
  const kept: string[] = [];
  let tokens = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = fromEnd ? lines[lines.length - 1 - i]! : lines[i]!;
    const n = count(line);
    if (tokens + n > budget) {
      if (kept.length === 0) {
        // A single line longer than the budget: keep its part nearest the cursor.
        let lo = 0;
        let hi = line.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          const piece = fromEnd ? line.slice(mid) : line.slice(0, line.length - mid);
          if (count(piece) <= budget) hi = mid;
          else lo = mid + 1;
        }
        const piece = fromEnd ? line.slice(lo) : line.slice(0, line.length - lo);
        return { text: piece, tokens: count(piece), cut: text.length - piece.length };
      }
      break;
    }
    kept.push(line);
    tokens += n;
  }
  const out = fromEnd ? kept.reverse().join('') : kept.join('');
  return { text: out, tokens, cut: text.length - out.length };
}

export function promptWindows(prefix: string, suffix: string, options: WindowOptions): Windows {
  const prefixBudget = Math.floor(options.budgetTokens * options.prefixShare);
  const suffixTokensAll = options.countTokens(suffix);
  // The suffix gets its share; whatever it leaves unused goes to the prefix.
  const suffixBudget = Math.min(suffixTokensAll, options.budgetTokens - prefixBudget);
  const s = fitLines(suffix, suffixBudget, false, options.countTokens);
  const p = fitLines(prefix, options.budgetTokens - s.tokens, true, options.countTokens);
  return { prefix: p.text, suffix: s.text, prefixStart: p.cut, prefixTokens: p.tokens, suffixTokens: s.tokens };
}
