import type { VigieConfig } from '../config/api';
import type { AgentRegistryApi } from '../pairing/api';
import type { Engine } from '../promql/api';
import type { ScrapeManager } from '../scrape/api';
import type { DocumentStore } from '../state/api';
import type { Querier, StorageStats } from '../storage/api';
import type { RuleManager } from '../rules/api';
import type { Router, TelegramSetup } from '../notify/api';
import type { ProbeManager } from '../probe/api';
import type { PackSettingConfig, ThresholdRuleConfig } from '../config/api';
import type { Secrets } from '../secrets/api';
import type { Access } from './access';

/** BuildInfo is what /api/v1/status/buildinfo reports; field names follow Prometheus's response. */
export interface BuildInfo {
  version: string;
  revision: string;
  branch: string;
  buildUser: string;
  buildDate: string;
  /** runtimeVersion is reported as Prometheus's `goVersion` (e.g. "node v20.19.0"). */
  runtimeVersion: string;
}

/**
 * WebDeps is everything the web app reads, as interfaces only, so the app runs the same behind a Node
 * listener, inside Electron's app:// protocol handler, and in tests with fakes.
 */
export interface WebDeps {
  querier: Querier;
  engine: Engine;
  scrape: Pick<ScrapeManager, 'targets'>;
  storageStats(): Promise<StorageStats>;
  buildInfo: BuildInfo;
  /** config returns the running configuration (it changes on reload). */
  config: () => VigieConfig;
  /** staticDir holds the renderer's built files; when absent or unbuilt, `/` explains how to build it. */
  staticDir?: string;
  /** ready tells whether the appliance finished starting (/-/ready answers 503 until then); default ready. */
  ready?: () => boolean;
  /** reload re-reads the configuration and rule files (`POST /-/reload`); it rejects with the reason. */
  reload?: () => Promise<void>;
  /** reloadStatus is the last reload's outcome, for runtimeinfo; default: loaded at start, successfully. */
  reloadStatus?: () => { success: boolean; time: number };
  /** startTime of the appliance in ms, for runtimeinfo; defaults to when the app was created. */
  startTime?: number;
  /** agents is the agent registry behind /api/vigie/agents; absent when mDNS discovery is off. */
  agents?: AgentRegistryApi;
  /** documents keeps the user's dashboards (/api/vigie/dashboards); absent, those routes answer 404. */
  documents?: DocumentStore;
  /** alerting is the rule manager, the alert router and the Telegram setup helper (routes-alerts.ts). */
  alerting?: { rules: Pick<RuleManager, 'groups' | 'alerts'>; router?: Router; telegram?: TelegramSetup };
  /** access is LAN access control (auth.ts); absent, every caller is trusted as before sharing existed. */
  access?: Access;
  /** secrets keeps the Telegram bot token the Settings page saves; absent, it cannot be saved. */
  secrets?: Secrets;
  /** ruleEditor applies the UI's threshold rules and default-pack settings to the running rules. */
  ruleEditor?: RuleEditor;
  /**
   * onAlertingSettingsChanged applies the Telegram chat (and token) the Settings page just saved or removed
   * to the running notifier; absent, it applies at the next start.
   */
  onAlertingSettingsChanged?: () => Promise<void>;
  /** setRetention changes the storage retention (ms) while running; absent, it applies at the next start. */
  setRetention?: (ms: number) => void;
  /** probes runs the app's own checks (/api/vigie/probes); absent, those routes answer 404. */
  probes?: ProbeManager;
  /** now is the clock (ms) used for default query times; tests pin it. */
  now?: () => number;
}

/** PackRuleView is one default-pack rule as the Settings page shows it: its effective settings. */
export interface PackRuleView {
  key: string;
  alert: string;
  expr: string;
  op: string;
  enabled: boolean;
  warn?: number;
  critical?: number;
  /** forMs is the effective `for` duration. */
  forMs: number;
}

/**
 * RuleEditor is how the web app changes the running rules without a restart: the UI's threshold rules
 * and default-pack overrides replace the previous ones; an invalid set throws and leaves them in place.
 */
export interface RuleEditor {
  apply(change: {
    thresholds?: ThresholdRuleConfig[];
    pack?: Record<string, PackSettingConfig>;
  }): Promise<void>;
  /** pack lists the default rule pack with its effective settings (empty when the pack is off). */
  pack(): PackRuleView[];
}
