// Workspace trust and the tokenizer thread (issue 18 items 3, 5): a repository's .vscode/settings.json
// cannot make the token view load a tokenizer.json of its choosing (neither as tokenwise.tokenizer,
// which once took a path, nor as tokenwise.customTokenizerPath, read from user settings only); a
// tokenizer the user picked whose Split regex is catastrophic ((a|aa)+$ on a 41-character file, about
// a minute of backtracking) is stopped by the tokenizer thread's watchdog with a clear message while
// the extension host keeps answering.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const TOGGLE = 'Tokenwise: Toggle Token Boundaries';

/**
 * Writes the workspace settings file as a repository would ship it (VS Code watches the workspace
 * folder and reloads it; typing into its JSON editor gets auto-closed and re-indented).
 */
function writeWorkspaceSettings(t, text) {
  writeFileSync(join(t.fixtureDir, '.vscode', 'settings.json'), text);
}

/** Rewrites the Remote (machine) settings file, where code-server reads user-only settings from. */
function updateMachineSettings(t, change) {
  const file = join(t.userDataDir, 'Machine', 'settings.json');
  let settings = {};
  try {
    settings = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // not created yet
  }
  change(settings);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(settings, null, 2) + '\n');
}

async function statusText(t, pattern, what) {
  let last = [];
  return t.waitFor(async () => {
    last = await t.wb.statusBarTexts();
    return last.find((i) => pattern.test(i.text))?.text ?? false;
  }, { timeoutMs: 20_000, message: () => `${what}; status bar: ${JSON.stringify(last.map((i) => i.text))}` });
}

export default {
  name: 'token-trust',
  description: 'a workspace cannot load a tokenizer.json of its choosing; a catastrophic regex is stopped by the watchdog with a clear message',
  timeoutMs: 180_000,
  async run(t) {
    const evilJson = join(t.repoRoot, 'test', 'fixtures', 'tokenize', 'catastrophic', 'tokenizer.json');
    const evilText = readFileSync(join(t.repoRoot, 'test', 'fixtures', 'tokenize', 'catastrophic', 'input.txt'), 'utf8');
    const settingsFile = join(t.fixtureDir, '.vscode', 'settings.json');
    const original = readFileSync(settingsFile, 'utf8');
    const inputFile = join(t.fixtureDir, 'aaaa.txt');
    const loadedEvil = /Token view: tokenizer catastrophic ready/;
    let machineChanged = false;
    let viewOn = false;
    const toggle = async (on) => {
      await t.wb.runCommand(TOGGLE);
      viewOn = on;
    };
    // Written first, so quick open has indexed it when it is opened.
    writeFileSync(inputFile, evilText);
    try {
      await t.step('open shapes.py with the token view on', async () => {
        await t.wb.openFile('shapes.py');
        await toggle(true);
        await t.waitForLog(/Token view on\./);
        await statusText(t, /Tokens: \d+ · o200k_base/, 'no o200k_base token count');
      });
      await t.step('workspace says tokenwise.tokenizer = <path to a tokenizer.json>: refused, o200k_base stays', async () => {
        writeWorkspaceSettings(t, JSON.stringify({ 'tokenwise.tokenizer': evilJson }, null, 2) + '\n');
        await t.waitForLog(/tokenwise\.tokenizer has an invalid value ".*catastrophic\/tokenizer\.json".*using "o200k_base"/);
        t.log(`status bar: ${await statusText(t, /Tokens: \d+ · o200k_base/, 'the token count is not o200k_base any more')}`);
        await t.screenshot('workspace-tokenizer-path-refused');
        if (loadedEvil.test(t.extensionLog())) throw new Error('the workspace-named tokenizer.json was loaded');
      });
      await t.step('workspace says tokenizer = custom with its own customTokenizerPath: the workspace path is ignored', async () => {
        writeWorkspaceSettings(t, JSON.stringify({ 'tokenwise.tokenizer': 'custom', 'tokenwise.customTokenizerPath': evilJson }, null, 2) + '\n');
        await t.waitForLog(/Cannot load the tokenizer: tokenwise\.tokenizer is "custom" but tokenwise\.customTokenizerPath is empty/);
        t.log(`status bar: ${await statusText(t, /Tokens: —/, 'the status bar does not say the tokenizer is unavailable')}`);
        await t.screenshot('workspace-custom-path-ignored');
        if (loadedEvil.test(t.extensionLog())) throw new Error('the workspace-named customTokenizerPath was loaded');
      });
      await t.step('the user picks that tokenizer (Remote settings): (a|aa)+$ on 41 characters is stopped with a clear message', async () => {
        machineChanged = true;
        updateMachineSettings(t, (s) => { s['tokenwise.customTokenizerPath'] = evilJson; });
        await t.waitForLog(loadedEvil);
        await t.wb.openFile('aaaa.txt');
        const line = await t.waitForLog(/Tokenizing .*aaaa\.txt failed: this tokenizer's pre-tokenizer regex is too slow on this text.*/, { timeoutMs: 30_000 });
        t.log(line[0]);
        await t.screenshot('catastrophic-regex-stopped');
      });
      await t.step('the extension host answers: the token view toggles off and on, shapes.py is tokenized by a fresh thread', async () => {
        await toggle(false);
        await t.waitForLog(/Token view off\./);
        await toggle(true);
        await t.waitForLog(/Token view on\.[\s\S]*Token view on\./);
        await t.wb.openFile('shapes.py');
        t.log(`status bar: ${await statusText(t, /Tokens: \d+ · catastrophic/, 'the fresh tokenizer thread does not tokenize shapes.py')}`);
      });
    } finally {
      rmSync(inputFile, { force: true });
      await t.wb.reset().catch(() => {});
      writeFileSync(settingsFile, original);
      if (machineChanged) updateMachineSettings(t, (s) => { delete s['tokenwise.customTokenizerPath']; });
      if (viewOn) await t.wb.runCommand(TOGGLE).catch(() => {});
    }
  },
};
