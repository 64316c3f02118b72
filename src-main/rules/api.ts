import type { Labels } from '../common/labels';

/** AlertState is an alert's place in Prometheus's state machine. */
export type AlertState = 'inactive' | 'pending' | 'firing';

/** ActiveAlert is one alert instance of an alerting rule, as /api/v1/alerts and the UI show it. */
export interface ActiveAlert {
  labels: Labels;
  annotations: Labels;
  state: AlertState;
  /** activeAt is when the expression first returned this series (ms); firedAt when `for` was met. */
  activeAt: number;
  firedAt: number;
  /** resolvedAt is when it stopped firing, 0 while it still fires. */
  resolvedAt: number;
  /** keepFiringSince is when the expression stopped returning it while keep_firing_for holds it, else 0. */
  keepFiringSince: number;
  value: number;
  /** lastSentAt is when it was last handed to the notifier (ms), 0 never. */
  lastSentAt: number;
}

/** RuleHealth is the last evaluation's outcome, as Prometheus's rules API reports it. */
export type RuleHealth = 'ok' | 'err' | 'unknown';

/** RuleStatus is one rule as the rules API shows it. */
export interface RuleStatus {
  type: 'alerting' | 'recording';
  name: string;
  query: string;
  durationMs: number;
  keepFiringForMs: number;
  labels: Labels;
  annotations: Labels;
  alerts: ActiveAlert[];
  health: RuleHealth;
  lastError: string;
  lastEvaluation: number;
  evaluationMs: number;
}

/** GroupStatus is one rule group as the rules API shows it. */
export interface GroupStatus {
  name: string;
  file: string;
  intervalMs: number;
  rules: RuleStatus[];
  lastEvaluation: number;
  evaluationMs: number;
}

/**
 * NotifierAlert is what rules hand to the notifier each evaluation: Alertmanager's posted alert (startsAt,
 * endsAt, generatorURL). endsAt in the past means resolved; otherwise it is a lease renewed every send.
 */
export interface NotifierAlert {
  labels: Labels;
  annotations: Labels;
  startsAt: number;
  endsAt: number;
  generatorURL: string;
}

/** AlertSink takes the alerts a rule evaluation wants notified (the notify stage's router, in the appliance). */
export type AlertSink = (alerts: NotifierAlert[]) => void;

/** RuleManager runs the rule groups of the configuration; see rules/manager.ts. */
export interface RuleManager {
  /** update (re)loads rule groups, keeping the state of alerts whose group and rule still exist. */
  update(files: readonly string[]): Promise<void>;
  groups(): GroupStatus[];
  alerts(): ActiveAlert[];
  stop(): Promise<void>;
}
