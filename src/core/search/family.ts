/**
 * Which APIs code in a language can call: Python calls Python; TypeScript, TSX and JavaScript call
 * each other. "Find API…" in a Python file lists Python APIs, and the answer mode offers the model
 * only those.
 */
import { assertNever } from '../base/errors';
import { resolveLanguage, type SyntaxLanguage } from '../syntax/languages';

export type ApiFamily = 'python' | 'ecma';

export const apiFamilies: readonly ApiFamily[] = ['python', 'ecma'];

export function apiFamilyOf(language: SyntaxLanguage | undefined): ApiFamily | undefined {
  switch (language) {
    case 'python':
      return 'python';
    case 'typescript':
    case 'tsx':
    case 'javascript':
      return 'ecma';
    case 'java':
    case 'go':
    case 'rust':
    case undefined:
      return undefined;
    default:
      return assertNever(language, 'language');
  }
}

/** The family of a VS Code language id, a language name, a family name or a file path (undefined: none of them). */
export function apiFamilyOfText(languageIdOrPath: string | undefined): ApiFamily | undefined {
  if (!languageIdOrPath) return undefined;
  if ((apiFamilies as readonly string[]).includes(languageIdOrPath)) return languageIdOrPath as ApiFamily;
  return apiFamilyOf(resolveLanguage(languageIdOrPath));
}

