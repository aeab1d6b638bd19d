// Remote inference: `tokenwise serve` started by the test on a free loopback port; VS Code is
// pointed at it with tokenwise.backend = vllm (machine settings); typing mid-word shows ghost text
// that came over HTTP (the server logs the completion requests), the status bar names the server
// kind and its tooltip the probed capabilities; with tokenwise.remote.instruct = on, "Find API…"
// asks the server's chat endpoint for a call and shows it (grounded) or why it was rejected,
// next to the search results. The settings are restored and the server stopped.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { updateMachineSettings, updateUserSettings } from '../lib/settings.mjs';

const nbsp = /\u00a0/g;

async function ghostText(editor) {
  return editor.evaluate((root) => {
    // With the word-suggest popup open (default settings) the ghost text is a preview of its selection.
    const inline = [...root.querySelectorAll('.view-lines .ghost-text-decoration, .view-lines .ghost-text-decoration-preview')].map((p) => p.textContent ?? '').join('');
    const below = [...root.querySelectorAll('.ghost-text .view-line')].map((p) => p.textContent ?? '');
    return [inline, ...below].join('\n');
  });
}

export default {
  name: 'remote-completion',
  description: 'VS Code completes against tokenwise serve (vLLM API) on a free loopback port',
  timeoutMs: 180_000,
  async run(t) {
    const model = join(t.repoRoot, 'models', 'tokenwise-code-small');
    const server = spawn(process.execPath, [join(t.repoRoot, 'dist', 'cli.js'), 'serve', '--port', '0', '--host', '127.0.0.1', '--model', model, '--provider', 'cpu', '--threads', '1', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let requests = '';
    server.stdout.on('data', (d) => (stdout += d));
    server.stderr.on('data', (d) => (requests += d));
    try {
      let url;
      await t.step('start tokenwise serve on a free loopback port', async () => {
        url = await t.waitFor(() => {
          const line = stdout.split('\n').find((l) => l.startsWith('{'));
          return line ? JSON.parse(line).url : false;
        }, { timeoutMs: 60_000, message: `tokenwise serve did not start: ${requests.slice(-500)}` });
        if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) throw new Error(`unexpected server URL ${url}`);
        t.log(`server: ${url}`);
      });
      await t.step('point Tokenwise at it (tokenwise.backend = vllm)', async () => {
        await updateMachineSettings(t, (s) => {
          s['tokenwise.backend'] = 'vllm';
          s['tokenwise.remote.url'] = url;
          s['tokenwise.remote.tokenizerPath'] = join(model, 'tokenizer.json');
          // Find API…'s "call for this context" asks the chat endpoint (serve renders a plain transcript).
          s['tokenwise.remote.instruct'] = 'on';
        });
        // The test's server is the shipped model on one shared CPU thread, one HTTP round trip per
        // beam step (~2.4 s for this statement completion): the default 500 ms cap would cut every
        // beam. A resource setting: it applies from User settings (not the machine file).
        await updateUserSettings(t, (s) => {
          s['tokenwise.completion.timeoutMs'] = 8000;
          // The shipped model's confidence in this spot (0.29) is just under the default gate (0.3);
          // this scenario is about the transport, not the gate (tested in the unit tests).
          s['tokenwise.completion.minConfidence'] = 0;
          // Tokenwise's own ranked-identifier popup (issue 13, its own scenario) would offer
          // `value` here, and the inline suggestion then only extends the popup's choice.
          s['tokenwise.completion.identifiers.enabled'] = false;
        });
        await t.waitForLog(new RegExp(`remote: vllm at ${url.replace(/[.]/g, '\\.')}, model tokenwise-code-small`), { timeoutMs: 60_000 });
        await t.waitForLog(/remote: tokenizer\.json agrees with the server/, { timeoutMs: 10_000 });
        const items = await t.wb.statusBarTexts();
        const item = items.find((i) => /tokenwise-code-small · vllm/.test(i.text));
        if (!item) throw new Error(`no remote model in the status bar: ${JSON.stringify(items.map((i) => i.text))}`);
      });
      let editor;
      await t.step('type mid-word: ghost text comes from the server', async () => {
        const before = (requests.match(/POST \/v1\/completions 200/g) ?? []).length;
        editor = await t.wb.openFile('shapes.py');
        await editor.locator('.view-lines').click();
        await t.page.keyboard.press('Control+End');
        await t.page.keyboard.press('Enter');
        await t.page.keyboard.type('def triple(value):', { delay: 30 });
        await t.page.keyboard.press('Enter');
        // Indented by VS Code's auto-indent (default settings); mid-word where the shipped model's
        // suggestion parses (`return val` → `ue`), so the completion gate lets it through.
        await t.page.keyboard.type('return val', { delay: 60 });
        // The word-suggest popup (on by default) now offers Tokenwise's ranked `value`; with it
        // selected the inline completion extends `value`, after which the model has nothing to
        // add (`return value` ends the line), so no ghost text would show. Close the popup and ask
        // for the inline suggestion (Alt+\), as a user does: the completion of `val` itself.
        await t.page.keyboard.press('Escape');
        await t.page.keyboard.press('Alt+Backslash');
        const shown = await t.waitFor(async () => {
          const g = (await ghostText(editor)).replace(nbsp, ' ');
          return g.trim() ? g : false;
        }, { timeoutMs: 40_000, message: 'no ghost text from the remote backend after typing "return val"' });
        t.log(`ghost text: ${JSON.stringify(shown)}`);
        const after = (requests.match(/POST \/v1\/completions 200/g) ?? []).length;
        if (after <= before) throw new Error('the ghost text did not come from tokenwise serve (no /v1/completions request)');
        t.log(`server handled ${after - before} /v1/completions requests`);
        await t.screenshot('remote-ghost-text');
        const items = await t.wb.statusBarTexts();
        const status = items.find((i) => /\b(exact|heal|naive)\b.*ms/.test(i.text));
        if (!status) throw new Error(`no completion timing in the status bar: ${JSON.stringify(items.map((i) => i.text))}`);
        t.log(`status bar: ${status.text}`);
        if (!/\bexact\b/.test(status.text)) throw new Error(`the remote completion was not exact: ${status.text}`);
      });
      await t.step('Find API… asks the server model for a call: a grounded one is offered first, a rejected one says why; the search results stay', async () => {
        await t.page.keyboard.press('Escape');
        await t.page.keyboard.press('End');
        await t.page.keyboard.press('Enter');
        await t.page.keyboard.insertText('total = ');
        const before = (requests.match(/POST \/v1\/chat\/completions 200/g) ?? []).length;
        await t.wb.paletteEntries('Tokenwise: Find API', ['Tokenwise: Find API…']);
        await t.page.keyboard.press('Enter');
        const input = t.wb.quickInput().locator('input').first();
        await t.waitFor(async () => /Describe what you need/.test((await input.getAttribute('placeholder')) ?? ''), { timeoutMs: 10_000, message: 'the Find API… picker did not open' });
        await input.fill('sum the areas of all shapes');
        const outcome = await t.waitFor(async () => {
          const labels = await t.wb.quickInputLabels();
          const title = ((await t.wb.quickInput().locator('.quick-input-title').textContent().catch(() => '')) ?? '').trim();
          if (labels[0]?.startsWith('✨ Call for this context:')) return { labels, title, call: labels[0] };
          if (/^No call for this context/.test(title)) return { labels, title };
          return false;
        }, { timeoutMs: 60_000, message: 'Find API… showed neither a call from the server model nor why there is none' });
        t.log(`Find API with the server model: title ${JSON.stringify(outcome.title)}, items ${JSON.stringify(outcome.labels.slice(0, 4))}`);
        await t.screenshot('find-api-answer');
        const after = (requests.match(/POST \/v1\/chat\/completions 200/g) ?? []).length;
        if (after <= before) throw new Error('Find API… did not ask the server\'s /v1/chat/completions');
        if (!outcome.labels.includes('total_area')) throw new Error(`the search results are gone: ${JSON.stringify(outcome.labels)}`);
        if (outcome.call) {
          await t.page.keyboard.press('Enter');
          const call = outcome.call.replace(/^✨ Call for this context:\s*/, '').trim();
          await t.waitFor(async () => (await editor.locator('.view-lines').innerText()).replace(nbsp, ' ').includes(`total = ${call}`), { timeoutMs: 10_000, message: `the grounded call ${call} was not inserted` });
        } else {
          if (/\n/.test(outcome.title)) throw new Error(`the rejection is not one line: ${JSON.stringify(outcome.title)}`);
          await t.page.keyboard.press('Escape');
        }
      });
      await t.step('revert the file and go back to the embedded model', async () => {
        await t.page.keyboard.press('Escape');
        await t.wb.runCommand('File: Revert File');
        const count = (t.extensionLog().match(/execution provider: cpu/g) ?? []).length;
        await updateMachineSettings(t, (s) => {
          delete s['tokenwise.backend'];
          delete s['tokenwise.remote.url'];
          delete s['tokenwise.remote.tokenizerPath'];
          delete s['tokenwise.remote.instruct'];
        });
        await updateUserSettings(t, (s) => {
          delete s['tokenwise.completion.timeoutMs'];
          delete s['tokenwise.completion.minConfidence'];
          delete s['tokenwise.completion.identifiers.enabled'];
        });
        await t.waitFor(() => (t.extensionLog().match(/execution provider: cpu/g) ?? []).length > count, { timeoutMs: 45_000, message: 'the embedded model did not come back' });
      });
    } catch (error) {
      // Never leave Tokenwise pointed at a server that is about to stop: every later scenario
      // that needs the model (the metrics panel's bits per byte) would fail too.
      await t.screenshot('failed-before-cleanup').catch(() => {});
      await t.page.keyboard.press('Escape').catch(() => {});
      await t.wb.runCommand('File: Revert File').catch(() => {});
      await updateMachineSettings(t, (s) => {
        delete s['tokenwise.backend'];
        delete s['tokenwise.remote.url'];
        delete s['tokenwise.remote.tokenizerPath'];
        delete s['tokenwise.remote.instruct'];
      }).catch(() => {});
      await updateUserSettings(t, (s) => {
        delete s['tokenwise.completion.timeoutMs'];
        delete s['tokenwise.completion.minConfidence'];
        delete s['tokenwise.completion.identifiers.enabled'];
      }).catch(() => {});
      throw error;
    } finally {
      server.kill('SIGINT');
    }
  },
};
