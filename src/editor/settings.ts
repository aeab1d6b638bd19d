import * as vscode from 'vscode';

/**
 * Reads a setting that must only come from the user's own (machine/user) settings: paths to
 * executables or models and server URLs. Workspace values are ignored so an untrusted repository
 * cannot point Tokenwise at a file of its choosing.
 */
export function machineSetting<T>(key: string): T | undefined {
  const inspected = vscode.workspace.getConfiguration('tokenwise').inspect<T>(key);
  return inspected?.globalValue ?? inspected?.defaultValue;
}

/** Reads a setting, falling back to the default (and reporting once) when its type is wrong. */
export function setting<T>(key: string, isValid: (value: unknown) => value is T, report: (message: string) => void): T {
  const config = vscode.workspace.getConfiguration('tokenwise');
  const value = config.get<unknown>(key);
  if (isValid(value)) return value;
  const fallback = config.inspect<T>(key)?.defaultValue as T;
  report(`Setting tokenwise.${key} has an invalid value ${JSON.stringify(value)}; using ${JSON.stringify(fallback)}.`);
  return fallback;
}
