// The packaged extension activates in VS Code and contributes its commands.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export default {
  name: 'activation',
  description: 'the .vsix activates (log line with its version) and its commands are in the palette',
  timeoutMs: 90_000,
  async run(t) {
    const { version } = JSON.parse(readFileSync(join(t.repoRoot, 'package.json'), 'utf8'));
    await t.step('the Tokenwise log says "Tokenwise <version> activated"', async () => {
      const match = await t.waitForLog(new RegExp(`Tokenwise ${version.replace(/\./g, '\\.')} activated[^\\n]*`), { timeoutMs: 60_000 });
      t.log(`log: ${match[0]}`);
    });
    await t.step('the command palette lists the Tokenwise commands', async () => {
      const expected = ['Tokenwise: Show Log', 'Tokenwise: Toggle Token Boundaries'];
      const labels = await t.wb.paletteEntries('Tokenwise', expected);
      t.log(`palette: ${labels.join(' | ')}`);
      await t.screenshot('command-palette');
      await t.wb.closeQuickInput();
    });
    await t.step('"Tokenwise: Show Log" shows the output channel', async () => {
      await t.wb.runCommand('Tokenwise: Show Log');
      const output = t.page.locator('.part.panel .monaco-editor .view-lines');
      await t.waitFor(async () => /activated/.test(await output.innerText().catch(() => '')), {
        timeoutMs: 15_000, message: 'the Output panel does not show the Tokenwise log',
      });
      await t.screenshot('output-log');
      await t.wb.runCommand('View: Hide Panel');
    });
  },
};
