// The e2e scenarios, run in this order in one code-server window (test/e2e/run.mjs).
// To add one: write scenarios/<name>.mjs exporting default { name, description, timeoutMs, run(t) }
// and add it to this table. `t` gives: page (Playwright), wb (lib/workbench.mjs: runCommand,
// openFile, paletteEntries, decorationStats, hoverWord, statusBarTexts…), screenshot(name),
// waitForLog(pattern), extensionLog(), cli(...args) (runs dist/cli.js), step(name, fn), waitFor,
// fixtureDir, resultsDir, log(line). Wait on conditions (selectors, log lines), not on sleeps.
// After each scenario the runner closes all editors and dismisses widgets.
import activation from './activation.mjs';
import modelEngine from './model-engine.mjs';
import tokenView from './token-view.mjs';
import tokenTrust from './token-trust.mjs';
import inlineCompletion from './inline-completion.mjs';
import statementCompletion from './statement-completion.mjs';
import apiCompletion from './api-completion.mjs';
import entropyView from './entropy-view.mjs';
import badModel from './bad-model.mjs';
import remoteCompletion from './remote-completion.mjs';
import metricsPanel from './metrics-panel.mjs';

/** @type {Array<{ name: string, description?: string, timeoutMs: number, run: (t: any) => Promise<void> }>} */
export const scenarios = [
  activation,
  modelEngine,
  tokenView,
  tokenTrust,
  inlineCompletion,
  statementCompletion,
  apiCompletion,
  entropyView,
  badModel,
  remoteCompletion,
  metricsPanel,
];
