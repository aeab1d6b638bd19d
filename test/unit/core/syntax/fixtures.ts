import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SyntaxService, tokenLabel, type SyntaxDocument, type SyntaxToken } from '../../../../src/core/syntax';

export const fixtureDir = join(__dirname, '../../../fixtures/syntax');

export function fixture(name: string): SyntaxDocument {
  return { uri: `file:///fixtures/${name}`, version: 1, text: readFileSync(join(fixtureDir, name), 'utf8') };
}

export function doc(text: string, languageId: string, uri = `mem://${languageId}/${Math.random()}`): SyntaxDocument {
  return { uri, version: 1, text, languageId };
}

/** `text` → labels of its tokens, in order (for `label(tokens, text, n)`). */
export function labeller(d: SyntaxDocument, tokens: SyntaxToken[]) {
  return (text: string, occurrence = 0): string => {
    const hits = tokens.filter((t) => d.text.slice(t.start, t.end) === text);
    const token = hits[occurrence];
    if (!token) throw new Error(`no token ${JSON.stringify(text)} #${occurrence} (found ${hits.length})`);
    return tokenLabel(token);
  };
}

export const service = new SyntaxService();
