// The Node version Tokenwise's tooling needs, checked by `npm start`, `npm test` (unit and e2e
// runners) with a clear message instead of an obscure failure later.
//   - >= 20.18.1: undici 7 (the remote backends' proxy-capable HTTP client); AbortSignal.any and the
//     stable node:test runner need 20.3;
//     VS Code 1.100 and code-server 4.100 themselves run on Node 20.
//   - @vscode/vsce 4 (packaging the .vsix) and its @azure/* dependencies declare Node >= 22; on
//     Node 20 npm prints EBADENGINE warnings for them, and packaging works (tested on 20.20).
export const minimumNode = [20, 18, 1];

export function checkNode(what = 'Tokenwise') {
  const current = process.versions.node.split('.').map(Number);
  const i = minimumNode.findIndex((part, k) => (current[k] ?? 0) !== part);
  if (i >= 0 && (current[i] ?? 0) < minimumNode[i]) {
    console.error(`${what} needs Node ${minimumNode.join('.')} or later (Node 22 is what @vscode/vsce declares); this is Node ${process.versions.node}. Install a newer Node (e.g. from nodejs.org or nvm) and run again.`);
    process.exit(1);
  }
}
