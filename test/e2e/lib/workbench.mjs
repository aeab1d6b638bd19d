// Helpers that drive the VS Code workbench (code-server in Chromium) through its DOM, the way a
// user does: keyboard, command palette, quick open, mouse. Every wait has a timeout and fails with a
// message saying what was expected and what was seen.

/** Polls `probe` until it returns a truthy value; throws `message(lastValue)` after timeoutMs. */
export async function waitFor(probe, { timeoutMs = 15_000, intervalMs = 200, message = 'condition not met' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const seen = last instanceof Error ? `error: ${last.message}` : JSON.stringify(last);
      throw new Error(`${typeof message === 'function' ? message(last) : message} (waited ${timeoutMs / 1000} s; last seen: ${seen?.slice(0, 500)})`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export class Workbench {
  /** @param {import('playwright-core').Page} page */
  constructor(page) {
    this.page = page;
  }

  async waitUntilReady(timeoutMs = 60_000) {
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
    await this.page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
    // The explorer shows the folder once the remote file system is connected.
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: timeoutMs });
  }

  quickInput() {
    return this.page.locator('.quick-input-widget');
  }

  /** Opens the quick input through F1 and types `text` (">…" for commands, a file name for files). */
  async openQuickInput(text) {
    const widget = this.quickInput();
    if (!(await widget.isVisible())) {
      await this.page.keyboard.press('F1');
      await widget.waitFor({ state: 'visible', timeout: 10_000 }).catch(() => {
        throw new Error('the command palette did not open on F1');
      });
    }
    const input = widget.locator('input').first();
    await input.fill(text);
    return widget;
  }

  /** Texts of the visible quick input rows (label + description, e.g. "Tokenwise: Show Log"). */
  async quickInputLabels() {
    return this.quickInput().locator('.monaco-list-row .label-name').allTextContents()
      .then((labels) => labels.map((l) => l.replace(/\s+/g, ' ').trim()));
  }

  async closeQuickInput() {
    if (await this.quickInput().isVisible()) await this.page.keyboard.press('Escape');
    await this.quickInput().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {});
  }

  /** Command palette entries matching `filter`; waits until every label in `expected` is listed. */
  async paletteEntries(filter, expected = [], timeoutMs = 15_000) {
    await this.openQuickInput(`>${filter}`);
    return waitFor(async () => {
      const labels = await this.quickInputLabels();
      return expected.every((e) => labels.includes(e)) && labels.length > 0 ? labels : false;
    }, { timeoutMs, message: `command palette for "${filter}" does not list ${JSON.stringify(expected)}` })
      .catch(async (error) => {
        error.message += `; listed: ${JSON.stringify(await this.quickInputLabels())}`;
        throw error;
      });
  }

  /** Runs a command by its palette title, e.g. "Tokenwise: Toggle Token Boundaries". */
  async runCommand(title, timeoutMs = 15_000) {
    await this.paletteEntries(title, [title], timeoutMs);
    const row = this.quickInput().locator('.monaco-list-row').filter({
      has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(title)}\\s*$`) }),
    }).first();
    await row.click();
    await this.quickInput().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {
      throw new Error(`the command palette stayed open after choosing "${title}"`);
    });
  }

  /** Opens a workspace file through quick open and waits until its editor shows text. */
  async openFile(relativePath, timeoutMs = 20_000) {
    const name = relativePath.split('/').pop();
    await this.openQuickInput(relativePath);
    await waitFor(async () => (await this.quickInputLabels()).some((l) => l === name),
      { timeoutMs, message: `quick open does not find ${relativePath}` });
    const row = this.quickInput().locator('.monaco-list-row').filter({
      has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(name)}\\s*$`) }),
    }).first();
    await row.click();
    const editor = this.editor(relativePath);
    await editor.locator('.view-lines .view-line').first().waitFor({ state: 'visible', timeout: timeoutMs }).catch(() => {
      throw new Error(`the editor of ${relativePath} did not show text`);
    });
    return editor;
  }

  /**
   * Opens a file by its absolute path (outside the workspace too) through "File: Open File...",
   * which shows VS Code's simple file dialog in the quick input, and waits until its editor shows text.
   */
  async openPath(path, timeoutMs = 20_000) {
    const name = path.split('/').pop();
    const title = 'File: Open File...';
    await this.paletteEntries(title, [title]);
    await this.quickInput().locator('.monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: /^\s*File: Open File\.\.\.\s*$/ }) }).first().click();
    const input = this.quickInput().locator('input').first();
    await waitFor(async () => (await input.inputValue().catch(() => '')).startsWith('/'), { timeoutMs: 10_000, message: 'the file dialog did not open' });
    // The dialog fills in its start folder asynchronously: type the path until it sticks, then OK.
    await waitFor(async () => {
      if ((await input.inputValue().catch(() => '')) !== path) await input.fill(path);
      await new Promise((r) => setTimeout(r, 300));
      const visible = await this.quickInput().locator('.monaco-list-row', { hasText: name }).count();
      return visible > 0 && (await input.inputValue().catch(() => '')) === path;
    }, { timeoutMs: 15_000, message: `could not type ${path} into the file dialog` });
    await this.quickInput().locator('.monaco-button', { hasText: /^\s*OK\s*$/ }).first().click();
    const editor = this.editor(name);
    await editor.locator('.view-lines .view-line').first().waitFor({ state: 'visible', timeout: timeoutMs }).catch(() => {
      throw new Error(`the editor of ${path} did not show text`);
    });
    return editor;
  }

  /** The visible code editor whose model URI ends with `relativePath`. */
  editor(relativePath) {
    return this.page.locator(`.part.editor .monaco-editor[data-uri$="/${relativePath}"], .part.editor [data-uri$="/${relativePath}"] .monaco-editor`)
      .filter({ has: this.page.locator('.view-lines') }).first();
  }

  /** Decoration elements (classes `ced-…`, made by TextEditorDecorationTypes) in an editor's visible lines. */
  async decorationStats(editor) {
    return editor.evaluate((root) => {
      const nodes = [...root.querySelectorAll('.view-lines [class*="ced-"], .view-overlays [class*="ced-"]')];
      const classes = new Set();
      for (const n of nodes) for (const c of n.classList) if (c.startsWith('ced-')) classes.add(c.replace(/-\d+$/, ''));
      const styled = nodes.filter((n) => {
        const s = getComputedStyle(n);
        return s.backgroundColor !== 'rgba(0, 0, 0, 0)' || s.borderStyle !== 'none' || s.outlineStyle !== 'none'
          || s.textDecorationLine !== 'none';
      }).length;
      return { count: nodes.length, styled, types: [...classes] };
    });
  }

  /**
   * Screen coordinates of the middle of the `occurrence`-th match of `word` in an editor's rendered
   * text (across decoration spans), or null when it is not rendered.
   */
  async wordPosition(editor, word, occurrence = 0) {
    return editor.evaluate((root, [w, occ]) => {
      const lines = root.querySelectorAll('.view-lines .view-line');
      let seen = 0;
      for (const line of lines) {
        const text = line.textContent ?? '';
        let at = text.indexOf(w);
        while (at !== -1) {
          if (seen++ === occ) {
            const range = document.createRange();
            const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
            let offset = 0;
            let startSet = false;
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              const len = node.textContent.length;
              if (!startSet && at < offset + len) { range.setStart(node, at - offset); startSet = true; }
              if (startSet && at + w.length <= offset + len) { range.setEnd(node, at + w.length - offset); break; }
              offset += len;
            }
            const rect = range.getBoundingClientRect();
            return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2, width: rect.width };
          }
          at = text.indexOf(w, at + 1);
        }
      }
      return null;
    }, [word, occurrence]);
  }

  /** Moves the mouse over `word` in the editor and waits for a hover whose text matches `pattern`. */
  async hoverWord(editor, word, pattern, timeoutMs = 15_000) {
    const pos = await this.wordPosition(editor, word);
    if (!pos) throw new Error(`"${word}" is not rendered in the editor`);
    const hover = this.page.locator('.monaco-hover:visible');
    return waitFor(async () => {
      // Leave and re-enter the word: a hover is triggered by mouse movement over the text.
      await this.page.mouse.move(pos.x, pos.y - 60);
      await this.page.mouse.move(pos.x - 1, pos.y, { steps: 3 });
      await this.page.mouse.move(pos.x, pos.y);
      const deadline = Date.now() + 2_500;
      while (Date.now() < deadline) {
        const now = await hover.allInnerTexts().catch(() => []);
        const match = now.find((t) => pattern.test(t));
        if (match) return match;
        await new Promise((r) => setTimeout(r, 150));
      }
      return false;
    }, { timeoutMs, intervalMs: 0, message: `no hover matching ${pattern} over "${word}"` })
      .catch(async (error) => {
        error.message += `; hovers shown: ${JSON.stringify(await hover.allInnerTexts().catch(() => []))}`;
        throw error;
      });
  }

  /** Texts of the status bar items (icons removed). */
  async statusBarTexts() {
    const items = await this.page.locator('.part.statusbar .statusbar-item').evaluateAll((els) =>
      els.map((e) => ({ text: (e.textContent ?? '').replace(/\s+/g, ' ').trim(), label: e.querySelector('a')?.getAttribute('aria-label') ?? e.getAttribute('aria-label') ?? '' })));
    return items.filter((i) => i.text || i.label);
  }

  /**
   * Runs "View: Close All Editors" and dismisses widgets, to start a scenario from a clean editor
   * area. A scenario that failed half-way may leave a modified file: its "Do you want to save the
   * changes…?" dialog would block every later scenario (F1 no longer opens the palette), so its
   * changes are discarded ("Don't Save"), never written to the fixture.
   */
  async reset() {
    await this.page.keyboard.press('Escape').catch(() => {});
    await this.closeQuickInput().catch(() => {});
    const dirty = await this.page.locator('.part.editor .tab.dirty').count().catch(() => 0);
    await this.runCommand('View: Close All Editors').catch(() => {});
    const dialog = this.page.locator('.monaco-dialog-box');
    for (let i = 0; i < dirty; i++) {
      // One dialog per modified file (or one listing them all).
      const shown = await dialog.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
      if (!shown) break;
      await dialog.locator('.monaco-button', { hasText: /^\s*Don.t Save\s*$/ }).first().click().catch(() => this.page.keyboard.press('Escape'));
      await dialog.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {});
    }
    await this.page.mouse.move(5, 5).catch(() => {});
  }
}

export function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
