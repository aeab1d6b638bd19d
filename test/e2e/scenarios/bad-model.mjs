// Bad input: a corrupt model named in the user settings gives one clear notification, and the
// token view keeps working. The setting is removed at the end and the shipped model comes back.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { updateMachineSettings } from '../lib/settings.mjs';

const TOGGLE = 'Tokenwise: Toggle Token Boundaries';

export default {
  name: 'bad-model',
  description: 'a corrupt model path gives a clear notification; the token view still works',
  timeoutMs: 120_000,
  async run(t) {
    const corrupt = join(t.resultsDir, 'corrupt-model');
    try {
      await steps(t, corrupt);
    } catch (error) {
      // Never leave the corrupt model path for the scenarios after this one.
      await updateMachineSettings(t, (s) => { delete s['tokenwise.modelPath']; }).catch(() => {});
      throw error;
    }
  },
};

async function steps(t, corrupt) {
  {
    await t.step('point tokenwise.modelPath at a model whose ONNX file is garbage', async () => {
      const shipped = join(t.repoRoot, 'models', 'tokenwise-code-small');
      mkdirSync(join(corrupt, 'onnx'), { recursive: true });
      for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(shipped, f), join(corrupt, f));
      writeFileSync(join(corrupt, 'onnx', 'model.onnx'), 'this is not an ONNX model\n'.repeat(100));
      await updateMachineSettings(t, (s) => { s['tokenwise.modelPath'] = corrupt; });
    });
    await t.step('a notification names the problem', async () => {
      const toast = t.page.locator('.notifications-toasts .notification-toast', { hasText: /Tokenwise: Model unavailable/ });
      await toast.first().waitFor({ state: 'visible', timeout: 45_000 }).catch(() => {
        throw new Error('no "Tokenwise: Model unavailable" notification after setting a corrupt model path');
      });
      const text = (await toast.first().innerText()).replace(/\s+/g, ' ');
      t.log(`notification: ${text.slice(0, 200)}`);
      if (!text.includes('model.onnx')) throw new Error(`the notification does not name the file: ${text}`);
      await t.screenshot('notification');
    });
    await t.step('the token view still works', async () => {
      const editor = await t.wb.openFile('cart.ts');
      // On unless an earlier scenario that failed midway left the token view on.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const wasOn = (await t.wb.decorationStats(editor)).count >= 10;
      if (!wasOn) await t.wb.runCommand(TOGGLE);
      await t.waitFor(async () => (await t.wb.decorationStats(editor)).count >= 10, {
        timeoutMs: 20_000, message: 'no token decorations while the model is broken',
      });
      const items = await t.wb.statusBarTexts();
      if (!items.some((i) => /Tokens: \d+/.test(i.text))) throw new Error(`no token count in the status bar: ${JSON.stringify(items.map((i) => i.text))}`);
      await t.screenshot('token-view-still-works');
      if (!wasOn) await t.wb.runCommand(TOGGLE);
    });
    await t.step('removing the setting brings the shipped model back', async () => {
      const before = (t.extensionLog().match(/execution provider: cpu/g) ?? []).length;
      await updateMachineSettings(t, (s) => { delete s['tokenwise.modelPath']; });
      await t.waitFor(() => (t.extensionLog().match(/execution provider: cpu/g) ?? []).length > before, {
        timeoutMs: 45_000, message: 'the shipped model did not load again after removing tokenwise.modelPath',
      });
    });
  }
}
