/** Issue 17 item 1: Select Tokenizer… writes where the value takes effect. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { settingTargetInEffect } from '../../../src/editor/settingsSchema';

test('settingTargetInEffect: the workspace folder or workspace value that overrides the user one, else user', () => {
  assert.equal(settingTargetInEffect({ globalValue: 'o200k_base', workspaceValue: 'o200k_base' } as never), 'workspace');
  assert.equal(settingTargetInEffect({ workspaceValue: 'cl100k_base', workspaceFolderValue: 'o200k_base' }), 'workspaceFolder');
  assert.equal(settingTargetInEffect({ globalValue: 'cl100k_base' } as never), 'user');
  assert.equal(settingTargetInEffect({}), 'user');
});
