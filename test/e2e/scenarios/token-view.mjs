// The token view: decorations on token boundaries, a hover with the token id, and a status bar
// token count equal to the CLI's (`tokenwise tokens <file> --json`); lowering
// tokenwise.tokens.maxFileSize below an open file's size switches it to the near-view count at once.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { updateMachineSettings } from '../lib/settings.mjs';

const TOGGLE = 'Tokenwise: Toggle Token Boundaries';
/** "Tokens: 123", "123 tokens", "$(symbol) 1,234 tokens · o200k_base"… */
const STATUS_COUNT = /\btokens?\s*:?\s*(\d[\d,]*)\b|\b(\d[\d,]*)\s+tokens?\b/i;

function statusCount(items) {
  // The token view's own item first: another item's label (the completion status: "… 8 tokens …")
  // must not be taken for the token count.
  for (const { text } of items) {
    const m = /^Tokens: (\d[\d,]*)/.exec(text);
    if (m) return { count: Number(m[1].replace(/,/g, '')), text };
  }
  for (const { text, label } of items) {
    for (const s of [text, label]) {
      const m = STATUS_COUNT.exec(s);
      if (m) return { count: Number((m[1] ?? m[2]).replace(/,/g, '')), text: s };
    }
  }
  return null;
}

function cliCount(t, file) {
  const out = t.cli('tokens', file, '--json');
  let json;
  try { json = JSON.parse(out); } catch { throw new Error(`tokenwise tokens ${file} --json printed no JSON: ${out.slice(0, 200)}`); }
  const count = json.count ?? json[0]?.count ?? json.files?.[0]?.count;
  if (!Number.isInteger(count)) throw new Error(`tokenwise tokens --json has no integer "count": ${out.slice(0, 200)}`);
  return count;
}

async function waitForDecorations(t, editor, baseline, what) {
  let last;
  return t.waitFor(async () => {
    last = await t.wb.decorationStats(editor);
    return last.count >= baseline.count + 10 ? last : false;
  }, {
    timeoutMs: 20_000,
    message: () => `no token decorations in the ${what} editor: ${last?.count ?? '?'} decoration (ced-*) elements, expected at least ${baseline.count + 10}`,
  });
}

async function expectStatusCount(t, file, what) {
  const expected = cliCount(t, file.startsWith('/') ? file : join(t.fixtureDir, file));
  const found = await t.waitFor(async () => {
    const s = statusCount(await t.wb.statusBarTexts());
    return s && s.count === expected ? s : false;
  }, {
    // Re-tokenizing a 60 KB file in the tokenizer thread after a settings change can take a while on a busy CI machine.
    timeoutMs: 45_000,
    message: () => `the status bar shows no token count equal to the CLI's ${expected} for ${what}`,
  }).catch(async (error) => {
    error.message += `; status bar: ${JSON.stringify((await t.wb.statusBarTexts()).map((i) => i.text))}`;
    throw error;
  });
  t.log(`status bar "${found.text}" = CLI count ${expected}`);
}

export default {
  name: 'token-view',
  description: 'token boundaries as decorations, token id on hover, status bar count = CLI count',
  timeoutMs: 150_000,
  async run(t) {
    let python;
    let baseline;
    await t.step('open shapes.py', async () => {
      python = await t.wb.openFile('shapes.py');
      baseline = await t.wb.decorationStats(python);
      await t.screenshot('python-opened');
    });
    await t.step(`run "${TOGGLE}": token decorations appear`, async () => {
      await t.wb.runCommand(TOGGLE);
      const stats = await waitForDecorations(t, python, baseline, 'Python');
      t.log(`${stats.count} decoration elements (${stats.styled} styled), types ${stats.types.join(', ')}`);
      await t.screenshot('python-token-boundaries');
    });
    await t.step('hover a token: the hover shows its id', async () => {
      const text = await t.wb.hoverWord(python, 'Rectangle', /\bid\b/i);
      t.log(`hover: ${text.replace(/\s+/g, ' ').slice(0, 120)}`);
      await t.screenshot('python-hover');
      await t.page.keyboard.press('Escape');
      await t.page.mouse.move(5, 5);
    });
    await t.step('status bar token count = `tokenwise tokens shapes.py --json`', async () => {
      await expectStatusCount(t, 'shapes.py', 'shapes.py');
      await t.screenshot('python-status-bar');
    });
    let ts;
    await t.step('open cart.ts: token decorations there too', async () => {
      ts = await t.wb.openFile('cart.ts');
      const stats = await waitForDecorations(t, ts, { count: 0 }, 'TypeScript');
      t.log(`${stats.count} decoration elements in cart.ts`);
      await t.screenshot('typescript-token-boundaries');
    });
    await t.step('status bar token count = `tokenwise tokens cart.ts --json`', async () => {
      await expectStatusCount(t, 'cart.ts', 'cart.ts');
      await t.screenshot('typescript-status-bar');
    });
    /** Picks `name` in "Tokenwise: Select Tokenizer…" and waits for the status bar to show it. */
    const selectTokenizer = async (name) => {
      const title = 'Tokenwise: Select Tokenizer…';
      await t.wb.paletteEntries(title, [title]);
      await t.wb.quickInput().locator('.monaco-list-row').filter({ has: t.page.locator('.label-name', { hasText: title }) }).first().click();
      await t.waitFor(async () => (await t.wb.quickInputLabels()).includes(name), { timeoutMs: 10_000, message: `the tokenizer picker does not list ${name}` });
      await t.wb.quickInput().locator('.monaco-list-row').filter({ has: t.page.locator('.label-name', { hasText: new RegExp(`^\\s*${name}\\s*$`) }) }).first().click();
      return t.waitFor(async () => (await t.wb.statusBarTexts()).find((i) => new RegExp(`Tokens: \\d+.*· ${name}`).test(i.text))?.text ?? false,
        { timeoutMs: 15_000, message: `the status bar does not show ${name} after picking it (the workspace pins tokenwise.tokenizer)` });
    };
    await t.step('Select Tokenizer… takes effect although the workspace pins tokenwise.tokenizer', async () => {
      // Issue 17 item 1: the fixture's .vscode/settings.json sets tokenwise.tokenizer; the pick used to go to user settings and change nothing.
      t.log(`status bar: ${await selectTokenizer('cl100k_base')}`);
      await t.screenshot('select-tokenizer-cl100k');
      t.log(`status bar: ${await selectTokenizer('o200k_base')}`);
    });
    await t.step('lowering tokens.maxFileSize applies to a file already open: "near view (large file)" without reopening', async () => {
      // Issue 17 item 7: the limit used to apply only after closing and reopening the file.
      const dir = join(t.resultsDir, 'tokens-large'); // a folder of its own: the file dialog lists it at once
      const file = join(dir, 'tokens-large.py');
      mkdirSync(dir, { recursive: true });
      const shapes = readFileSync(join(t.fixtureDir, 'shapes.py'), 'utf8');
      writeFileSync(file, Array.from({ length: 75 }, () => shapes).join('\n')); // ~60 KB: under the default 1 MB limit, over 10,000
      await t.wb.openPath(file);
      await expectStatusCount(t, file, 'the whole of tokens-large.py (under the default limit)');
      await updateMachineSettings(t, (s) => { s['tokenwise.tokens.maxFileSize'] = 10_000; });
      // The settings editor is closed again: tokens-large.py is the active editor, never reopened.
      const partial = await t.waitFor(async () => (await t.wb.statusBarTexts()).find((i) => /Tokens: \d[\d,]* near view \(large file\)/.test(i.text))?.text ?? false, {
        timeoutMs: 45_000, message: 'the status bar does not switch to "near view (large file)" for the open file after lowering tokenwise.tokens.maxFileSize',
      }).catch(async (error) => {
        error.message += `; status bar: ${JSON.stringify((await t.wb.statusBarTexts()).map((i) => i.text))}`;
        throw error;
      });
      t.log(`status bar after lowering the limit: ${partial}`);
      await t.screenshot('max-file-size-lowered');
      await updateMachineSettings(t, (s) => { delete s['tokenwise.tokens.maxFileSize']; });
      await expectStatusCount(t, file, 'tokens-large.py once the limit is back to its default');
      await t.wb.runCommand('View: Close Editor');
    });
    await t.step(`run "${TOGGLE}" again: the decorations go away`, async () => {
      await t.wb.runCommand(TOGGLE);
      await t.waitFor(async () => (await t.wb.decorationStats(ts)).count < 10, {
        timeoutMs: 15_000, message: 'token decorations are still shown after toggling off',
      });
      await t.screenshot('typescript-toggled-off');
    });
  },
};
