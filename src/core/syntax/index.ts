/** The syntax service: tree-sitter parsing for the features that need code structure. See README.md. */
export { SyntaxService, type SyntaxQueries, type SyntaxServiceOptions } from './service';
export { languageFromId, languageFromPath, resolveLanguage, syntaxLanguages, type SyntaxLanguage } from './languages';
export { identifierTokenTypes, tokenLabel, tokenTypes } from './types';
export type * from './types';
export { wasmHeapBytes } from './runtime';
