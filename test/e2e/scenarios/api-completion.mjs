// Repository API completion: the worker indexes the fixture workspace (log line), `inv.` in
// store.py lists the methods of Inventory (declared in inventory.py) with their signatures on top
// of the suggestion list, and "Tokenwise: Find API…" finds reorder_threshold from a paraphrase of
// its doc; choosing it inserts a call skeleton with the parameter names. Files are reverted after.
// From a test file (test_inventory.py) Find API… also lists the tests' helpers; from store.py not.
const nbsp = /\u00a0/g;

export default {
  name: 'api-completion',
  description: '`inv.` lists the project class\'s methods with signatures first; Find API… finds a function by a paraphrase of its doc',
  timeoutMs: 180_000,
  async run(t) {
    await t.step('the API index is built in the worker', async () => {
      const m = await t.waitForLog(/API index ready: (\d+) files, (\d+) symbols[^\n]*/, { timeoutMs: 90_000 });
      t.log(`log: ${m[0]}`);
      if (Number(m[1]) < 4) throw new Error(`only ${m[1]} files indexed`);
    });
    let editor;
    await t.step('`inv.` in store.py: Inventory\'s methods, with signatures, on top', async () => {
      editor = await t.wb.openFile('store.py');
      await editor.locator('.view-lines').click();
      await t.page.keyboard.press('Control+End');
      await t.page.keyboard.insertText('\ninv');
      await t.page.keyboard.type('.', { delay: 50 });
      // The fixture settings turn suggestions on trigger characters off: ask for them.
      await t.page.keyboard.press('Control+Space');
      const rows = t.page.locator('.editor-widget.suggest-widget .monaco-list-row');
      const list = await t.waitFor(async () => {
        const all = await rows.evaluateAll((els) => els.map((e) => ({ label: e.querySelector('.label-name')?.textContent ?? '', text: e.textContent ?? '', index: Number(e.getAttribute('data-index') ?? '0') })));
        all.sort((a, b) => a.index - b.index);
        return all.filter((r) => /Tokenwise · API/.test(r.text)).length >= 2 ? all : false;
      }, { timeoutMs: 30_000, message: 'no Tokenwise API items in the suggestion list after "inv."' });
      t.log(`suggestion list: ${JSON.stringify(list.map((l) => l.text.replace(nbsp, ' ')))}`);
      await t.screenshot('api-members');
      const top = list.slice(0, 2).map((r) => r.label.trim()).sort();
      if (JSON.stringify(top) !== JSON.stringify(['restock', 'withdraw'])) throw new Error(`the first rows are ${JSON.stringify(top)}, not Inventory's methods restock / withdraw`);
      const restock = list.find((r) => r.label.trim() === 'restock');
      if (!/sku: str, quantity: int = 1/.test(restock.text.replace(nbsp, ' '))) throw new Error(`restock's row does not show its signature: ${JSON.stringify(restock.text)}`);
      await t.page.keyboard.press('Escape');
    });
    await t.step('"Tokenwise: Find API…" finds reorder_threshold from a paraphrase and inserts a call skeleton', async () => {
      await t.page.keyboard.press('End');
      await t.page.keyboard.insertText('\nlevel = ');
      // The command opens its own quick pick (runCommand would wait for the palette to close).
      await t.wb.paletteEntries('Tokenwise: Find API', ['Tokenwise: Find API…']);
      await t.page.keyboard.press('Enter');
      await t.waitFor(async () => /Describe what you need/.test((await t.wb.quickInput().locator('input').first().getAttribute('placeholder')) ?? ''), { timeoutMs: 10_000, message: 'the Find API… picker did not open' });
      const input = t.wb.quickInput().locator('input').first();
      await input.fill('when should I order new goods');
      const labels = await t.waitFor(async () => {
        const l = await t.wb.quickInputLabels();
        return l.length && l[0] ? l : false;
      }, { timeoutMs: 20_000, message: 'Find API… shows no results' });
      t.log(`Find API results: ${JSON.stringify(labels)}`);
      await t.screenshot('find-api');
      if (labels[0] !== 'reorder_threshold') throw new Error(`the first result is ${JSON.stringify(labels[0])}, not reorder_threshold`);
      await t.page.keyboard.press('Enter');
      const line = await t.waitFor(async () => {
        const text = (await editor.locator('.view-lines').innerText()).replace(nbsp, ' ');
        return /level = reorder_threshold\(daily_sales, lead_days\)/.test(text) ? text : false;
      }, { timeoutMs: 10_000, message: 'no call skeleton "reorder_threshold(daily_sales, lead_days)" was inserted' });
      t.log('inserted: level = reorder_threshold(daily_sales, lead_days)');
      await t.screenshot('find-api-inserted');
      void line;
      await t.page.keyboard.press('Escape');
      // From store.py the test file's helper is no API.
      const fromStore = await findApi('an inventory that already holds units of an item');
      if (fromStore.includes('stocked_inventory')) throw new Error(`from store.py Find API… lists the test helper: ${JSON.stringify(fromStore)}`);
      await t.page.keyboard.press('Escape');
      await t.wb.runCommand('File: Revert File');
    });
    await t.step('Find API… from a test file also finds the tests\' helpers', async () => {
      await t.wb.openFile('test_inventory.py');
      // A request for the helper (a verb phrase): "an inventory that …" alone describes the class as well, a near tie.
      const labels = await findApi('build an inventory that already holds units of an item');
      t.log(`Find API results from test_inventory.py: ${JSON.stringify(labels)}`);
      if (labels[0] !== 'stocked_inventory') throw new Error(`the first result from a test file is ${JSON.stringify(labels[0])}, not the helper stocked_inventory`);
      await t.page.keyboard.press('Escape');
    });

    /** Opens Find API…, types the query and returns the result labels once there are some. */
    async function findApi(query) {
      await t.wb.paletteEntries('Tokenwise: Find API', ['Tokenwise: Find API…']);
      await t.page.keyboard.press('Enter');
      await t.waitFor(async () => /Describe what you need/.test((await t.wb.quickInput().locator('input').first().getAttribute('placeholder')) ?? ''), { timeoutMs: 10_000, message: 'the Find API… picker did not open' });
      await t.wb.quickInput().locator('input').first().fill(query);
      return t.waitFor(async () => {
        const l = await t.wb.quickInputLabels();
        return l.length && l[0] ? l : false;
      }, { timeoutMs: 20_000, message: `Find API… shows no results for "${query}"` });
    }
  },
};
