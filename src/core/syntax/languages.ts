/**
 * The languages the syntax service parses: VS Code language ids and file extensions → grammar.
 * TSX has its own grammar; JSX is part of the JavaScript grammar.
 */
export type SyntaxLanguage = 'python' | 'typescript' | 'tsx' | 'javascript' | 'java' | 'go' | 'rust';

export const syntaxLanguages: readonly SyntaxLanguage[] = ['python', 'typescript', 'tsx', 'javascript', 'java', 'go', 'rust'];

interface LanguageSpec {
  /** `tree-sitter-<grammar>.wasm` in @vscode/tree-sitter-wasm. */
  grammar: string;
  /** VS Code language ids. */
  ids: readonly string[];
  extensions: readonly string[];
  /** Python: names of a class body are not visible from the functions inside it. */
  classScopeHidden: boolean;
  /** INDENT / DEDENT / EOS tokens (languages whose statements end at a newline and blocks by indentation). */
  indentation: boolean;
}

const specs: Record<SyntaxLanguage, LanguageSpec> = {
  python: { grammar: 'python', ids: ['python'], extensions: ['.py', '.pyi', '.pyw'], classScopeHidden: true, indentation: true },
  typescript: { grammar: 'typescript', ids: ['typescript'], extensions: ['.ts', '.mts', '.cts'], classScopeHidden: true, indentation: false },
  tsx: { grammar: 'tsx', ids: ['typescriptreact'], extensions: ['.tsx'], classScopeHidden: true, indentation: false },
  javascript: { grammar: 'javascript', ids: ['javascript', 'javascriptreact'], extensions: ['.js', '.mjs', '.cjs', '.jsx'], classScopeHidden: true, indentation: false },
  java: { grammar: 'java', ids: ['java'], extensions: ['.java'], classScopeHidden: false, indentation: false },
  go: { grammar: 'go', ids: ['go'], extensions: ['.go'], classScopeHidden: false, indentation: false },
  rust: { grammar: 'rust', ids: ['rust'], extensions: ['.rs'], classScopeHidden: false, indentation: false },
};

export function languageSpec(language: SyntaxLanguage): LanguageSpec {
  return specs[language];
}

/** The language of a VS Code language id (`typescriptreact` → tsx), or undefined. */
export function languageFromId(languageId: string): SyntaxLanguage | undefined {
  for (const language of syntaxLanguages) if (specs[language].ids.includes(languageId)) return language;
  return undefined;
}

/** The language of a file path or URI by its extension, or undefined. */
export function languageFromPath(path: string): SyntaxLanguage | undefined {
  const clean = path.replace(/[?#].*$/, '');
  const dot = clean.lastIndexOf('.');
  if (dot < 0 || dot < clean.lastIndexOf('/')) return undefined;
  const ext = clean.slice(dot).toLowerCase();
  for (const language of syntaxLanguages) if (specs[language].extensions.includes(ext)) return language;
  return undefined;
}

/** A language id, a language name of this module, or a path: whichever matches first. */
export function resolveLanguage(idOrPath: string): SyntaxLanguage | undefined {
  if ((syntaxLanguages as readonly string[]).includes(idOrPath)) return idOrPath as SyntaxLanguage;
  return languageFromId(idOrPath) ?? languageFromPath(idOrPath);
}
