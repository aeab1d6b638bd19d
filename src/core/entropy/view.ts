/** Defaults the editor's heat map and the benchmark share. */

/** Left context every scored token gets, in tokens (setting tokenwise.heatmap.contextTokens). */
export const defaultContextTokens = 256;
/** Tokens scored beyond the visible range on each side, so short scrolls are already coloured. */
export const viewMarginTokens = 64;
/** Top alternatives kept per token (the hover shows them). */
export const heatTopK = 5;
