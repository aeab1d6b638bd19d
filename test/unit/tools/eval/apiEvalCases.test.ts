/** `eval api` case selection: call chains whose head is imported from outside the repository (`z.string().`, `os.path.`, `np.linalg.`) are not local API cases. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { evaluateApi } from '../../../../src/tools/eval/apiEval';
import { SyntaxService } from '../../../../src/core/syntax';
import { nodeWorkspaceFs } from '../../../../src/cli/workspaceFs';
import { fixturesDir } from '../../helpers/paths';

const repo = join(fixturesDir, 'api/evalCases');

test('eval api takes local calls and drops chains headed by an outside name and comment periods, in Python and TypeScript', async (t) => {
  const syntax = new SyntaxService();
  t.after(() => syntax.dispose());
  const cases: string[] = [];
  const report = await evaluateApi(nodeWorkspaceFs, repo, syntax, { onCase: (c) => void cases.push(`${c.uri.slice(repo.length + 1)}:${c.line} ${c.receiver}.${c.member}`) });
  // `os.path.exists`, `np.linalg.norm` and `z.string().nonempty` name members the repository defines, yet are left out;
  // so are the bare calls under a comment whose sentence ends in a period (`… ends here.` / `exists(path)`).
  assert.deepEqual(cases.sort(), ['src/form.ts:7 schema().nonempty', 'store/app.py:13 util.exists', 'store/app.py:15 loader.validate']);
  assert.equal(report.cases, 3);
});
