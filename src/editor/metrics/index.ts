/** The compression metrics surface: the "Show Compression Metrics" command and its panel (revived after a reload). */
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { EngineClient } from '../engine';
import { registerPanelSerializer } from '../panels/panel';
import { MetricsPanel, isMetricsPanelState, metricsViewType } from './panel';

export function registerMetricsPanel(context: vscode.ExtensionContext, services: Services, engine: EngineClient): vscode.Disposable {
  let current: MetricsPanel | undefined;
  const adopt = (panel: MetricsPanel) => {
    current = panel;
    panel.onDidDispose(() => {
      if (current === panel) current = undefined;
    });
    return panel;
  };
  const disposable = vscode.Disposable.from(
    services.commands.register([
      {
        id: 'tokenwise.showMetrics',
        run: () => {
          if (current) {
            current.reveal();
            void current.refresh();
          } else adopt(MetricsPanel.create(services, engine));
        },
      },
    ]),
    registerPanelSerializer(services, metricsViewType, isMetricsPanelState, (panel, state) => void adopt(new MetricsPanel(services, engine, panel, state))),
    { dispose: () => current?.dispose() },
  );
  context.subscriptions.push(disposable);
  return disposable;
}
