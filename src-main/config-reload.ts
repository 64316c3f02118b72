import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import type { VigieConfig } from './config/api';

/** ReloadLog prints one line of the appliance's log. */
type ReloadLog = (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;

/** ReloadStatus is what /api/v1/status/runtimeinfo reports of the last reload, as Prometheus does. */
export interface ReloadStatus {
  success: boolean;
  /** time of the last successful load (ms since the epoch). */
  time: number;
  /** error of the last failed reload, kept until one succeeds. */
  error?: string;
}

/** ConfigReloaderOptions wire the reloader to the configuration loader and to the running stages. */
export interface ConfigReloaderOptions {
  /** configFile is the YAML file `--config` named; without one only the rule files are watched. */
  configFile?: string;
  /** initial is the configuration the appliance started with. */
  initial: VigieConfig;
  load: (file: string) => Promise<VigieConfig>;
  /** apply makes a new configuration live; it throws, leaving the old one running, when it cannot. */
  apply: (config: VigieConfig, ruleFiles: string[]) => Promise<void>;
  log: ReloadLog;
  /** debounceMs groups the burst of events an editor's save makes into one reload. */
  debounceMs?: number;
}

/**
 * expandRuleFiles resolves rule_files the way Prometheus does: a glob names every file it matches (none is
 * fine), a plain path names itself (a missing one is an error when the rules load).
 */
export async function expandRuleFiles(patterns: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of patterns) {
    if (!isDynamicPattern(p)) out.push(p);
    else out.push(...(await glob(p, { absolute: true, onlyFiles: true })).sort());
  }
  return [...new Set(out)];
}

/**
 * ConfigReloader re-reads the configuration and rule files on SIGHUP, on `POST /-/reload` and when one of
 * them changes on disk, and applies it live. A bad file is reported with its file:line and nothing changes:
 * the running configuration and every stored sample and alert state stay as they were. Reloads run one at
 * a time; a change seen during a reload starts another after it.
 */
export class ConfigReloader {
  private config: VigieConfig;
  private ruleFiles: string[] = [];
  private last: ReloadStatus = { success: true, time: Date.now() };
  private chain: Promise<void> = Promise.resolve();
  private checksum = '';
  private watchers = new Map<string, FSWatcher>();
  private debounce: NodeJS.Timeout | undefined;
  private readonly onHangup = (): void => {
    this.reload('SIGHUP').catch(() => undefined);
  };

  constructor(private readonly o: ConfigReloaderOptions) {
    this.config = o.initial;
  }

  /** current is the configuration in force. */
  current(): VigieConfig {
    return this.config;
  }

  status(): ReloadStatus {
    return { ...this.last };
  }

  /** start watches the files and listens for SIGHUP (POSIX); ruleFiles are the expanded rule_files. */
  async start(ruleFiles: string[]): Promise<void> {
    this.ruleFiles = ruleFiles;
    this.checksum = await this.sum();
    this.rewatch();
    if (process.platform !== 'win32') process.on('SIGHUP', this.onHangup);
  }

  stop(): void {
    process.off('SIGHUP', this.onHangup);
    clearTimeout(this.debounce);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  /** reload loads and applies the files now; it rejects with the reason when they are refused. */
  reload(reason: string): Promise<void> {
    const run = this.chain.then(() => this.load(reason));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async load(reason: string): Promise<void> {
    try {
      const config = this.o.configFile !== undefined ? await this.o.load(this.o.configFile) : this.config;
      const ruleFiles = await expandRuleFiles(config.rule_files);
      await this.o.apply(config, ruleFiles);
      this.config = config;
      this.ruleFiles = ruleFiles;
      this.last = { success: true, time: Date.now() };
      this.o.log('info', `config: reloaded (${reason})`);
      this.rewatch();
      this.checksum = await this.sum();
    } catch (e) {
      const error = (e as Error).message;
      this.last = { ...this.last, success: false, error };
      this.o.log('error', `config: reload (${reason}) refused, the running configuration stays:\n${error}`);
      throw e;
    }
  }

  /** files are the ones whose change triggers a reload. */
  private files(): string[] {
    return [...(this.o.configFile !== undefined ? [resolve(this.o.configFile)] : []), ...this.ruleFiles];
  }

  /**
   * sum fingerprints the files (a glob's matches included) so that a save that changes nothing, or a touch,
   * reloads nothing, while a new file matching a rule glob does.
   */
  private async sum(): Promise<string> {
    const h = createHash('sha256');
    const rules = await expandRuleFiles(this.config.rule_files);
    const files = [...(this.o.configFile !== undefined ? [resolve(this.o.configFile)] : []), ...rules];
    for (const f of files) h.update(f).update(await readFile(f).catch(() => Buffer.from('\0missing')));
    return h.digest('hex');
  }

  /**
   * rewatch watches the folders that hold the files (and glob patterns' folders): editors save by writing a
   * new file and renaming it over the old one, which a watch on the file itself would miss.
   */
  private rewatch(): void {
    const dirs = new Set(this.files().map((f) => dirname(f)));
    for (const p of this.config.rule_files) if (isDynamicPattern(p)) dirs.add(staticDir(p));
    for (const [dir, w] of this.watchers)
      if (!dirs.has(dir)) {
        w.close();
        this.watchers.delete(dir);
      }
    for (const dir of dirs) {
      if (this.watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: false }, () => this.changed());
        w.on('error', () => undefined);
        this.watchers.set(dir, w);
      } catch (e) {
        this.o.log('warn', `config: cannot watch ${dir} for changes (${(e as Error).message}); use SIGHUP`);
      }
    }
  }

  /**
   * changed reloads once the files have settled: the same fingerprint twice, debounceMs apart. A save that
   * writes in several steps (truncate, then write) is never read half done; an empty config file is a save
   * in progress, not a configuration.
   */
  private changed(): void {
    clearTimeout(this.debounce);
    const wait = this.o.debounceMs ?? 300;
    this.debounce = setTimeout(() => {
      void this.chain.then(async () => {
        const first = await this.sum().catch(() => this.checksum);
        if (first === this.checksum) return;
        await new Promise((r) => setTimeout(r, wait));
        const empty =
          this.o.configFile !== undefined &&
          (await stat(this.o.configFile).catch(() => undefined))?.size === 0;
        if (empty || (await this.sum().catch(() => '')) !== first) return this.changed();
        await this.reload('file changed').catch(() => undefined);
      });
    }, wait);
    this.debounce.unref();
  }
}

/** staticDir is the folder part of a glob before its first wildcard segment. */
function staticDir(pattern: string): string {
  const parts = resolve(pattern).split('/');
  const i = parts.findIndex((s) => isDynamicPattern(s));
  return parts.slice(0, i < 0 ? parts.length - 1 : i).join('/') || '/';
}
