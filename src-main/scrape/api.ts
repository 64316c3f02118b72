import type { Labels } from '../common/labels';
import type { ScrapeConfig } from '../config/api';
import type { TargetGroup } from '../discovery/api';

/** TargetHealth as Prometheus's targets API spells it. */
export type TargetHealth = 'up' | 'down' | 'unknown';

/** TargetStatus is one scraped target as the targets API and the UI show it. */
export interface TargetStatus {
  job: string;
  scrapeUrl: string;
  /** discoveredLabels: the target's labels as discovered, `__` labels included. */
  discoveredLabels: Labels;
  /** labels: the labels every stored series of the target gets (job, instance, group labels). */
  labels: Labels;
  health: TargetHealth;
  /** lastError: empty when the last scrape succeeded; names line and column for a parse failure. */
  lastError: string;
  /** lastScrape: ms since the epoch, 0 before the first scrape. */
  lastScrape: number;
  /** lastScrapeDuration in seconds. */
  lastScrapeDuration: number;
  scrapeInterval: number;
  scrapeTimeout: number;
}

/** DroppedTarget is a discovered target that is not scraped, with why (e.g. an agent pending adoption). */
export interface DroppedTarget {
  job: string;
  discoveredLabels: Labels;
  reason: string;
}

/**
 * ScrapeManager runs one scrape loop per target. Discovery feeds it target groups per job; it diffs them
 * against running loops so an unchanged target keeps its loop, its series cache and its schedule.
 */
export interface ScrapeManager {
  /** applyConfig sets the jobs; loops of removed jobs stop (writing staleness markers). */
  applyConfig(configs: readonly ScrapeConfig[]): void;
  /** sync replaces the groups of a job that share a source with these. */
  sync(job: string, groups: readonly TargetGroup[]): void;
  targets(): { active: TargetStatus[]; dropped: DroppedTarget[] };
  /** stop ends every loop, marking their series stale, and waits for in-flight appends. */
  stop(): Promise<void>;
}

// The exposition parser, for stages that read exposition text outside a scrape (`vigie import`).
export { createParser, ExpositionError, type ExpositionParser } from './exposition/parser';
