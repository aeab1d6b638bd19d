// Settings changes made the way a user makes them, through VS Code's settings.json editor
// (VS Code does not reliably pick up a settings file written behind its back).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function readSettings(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return {}; // not created yet
  }
}

/** Replaces the text of the open settings.json editor with `settings`, saves, waits for the file, closes it. */
async function saveInEditor(t, uriSuffix, file, settings, what) {
  const editor = t.page.locator(`.part.editor .monaco-editor[data-uri$="${uriSuffix}"]`).first();
  await editor.locator('.view-lines').waitFor({ state: 'visible', timeout: 15_000 });
  await editor.locator('.view-lines').click();
  await t.page.keyboard.press('Control+A');
  await t.page.keyboard.press('Delete');
  // One line, then whatever the editor added after it (auto-closed brackets, auto-indent) removed.
  await t.page.keyboard.insertText(JSON.stringify(settings));
  await t.page.keyboard.press('Control+Shift+End');
  await t.page.keyboard.press('Delete');
  await t.page.keyboard.press('Control+S');
  await t.waitFor(() => JSON.stringify(readSettings(file)) === JSON.stringify(settings), { timeoutMs: 10_000, message: `${what} was not saved with the new value` });
  await t.wb.runCommand('View: Close Editor');
}

/**
 * Rewrites the remote machine's settings: under code-server the extension runs "remotely", and
 * machine-scoped settings (model paths) are only read from there.
 */
export async function updateMachineSettings(t, change) {
  const file = join(t.userDataDir, 'Machine', 'settings.json');
  const settings = readSettings(file);
  change(settings);
  const labels = await t.wb.paletteEntries('Open Remote Settings (JSON)');
  const title = labels.find((l) => /Open Remote Settings \(JSON\)/.test(l));
  if (!title) throw new Error(`no "Open Remote Settings (JSON)" command: ${JSON.stringify(labels)}`);
  await t.wb.closeQuickInput();
  await t.wb.runCommand(title);
  await saveInEditor(t, 'settings.json', file, settings, 'settings.json');
}

/** Edits the profile's User settings through VS Code's own settings.json editor (resource settings apply from there). */
export async function updateUserSettings(t, change) {
  const file = join(t.userDataDir, 'User', 'settings.json');
  const settings = readSettings(file);
  change(settings);
  await t.wb.runCommand('Preferences: Open User Settings (JSON)');
  await saveInEditor(t, 'User/settings.json', file, settings, 'User settings.json');
}
