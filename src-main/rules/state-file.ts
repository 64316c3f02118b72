import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ActiveAlert } from './api';

/** PersistedAlerts maps `groupKey \0 ruleName \0 occurrence` to the rule's alerts. */
export type PersistedAlerts = Record<string, ActiveAlert[]>;

/**
 * AlertStateFile keeps the rules' alert state in one JSON file of the data folder, replaced atomically
 * (write then rename) so a crash leaves either the old or the new state, never half of one. It is small
 * (one entry per active alert), so rewriting it after an evaluation that changed something is cheap.
 */
export class AlertStateFile {
  private last = '';
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  async load(): Promise<PersistedAlerts> {
    try {
      const text = await readFile(this.path, 'utf8');
      this.last = text;
      const parsed = JSON.parse(text) as { version: number; alerts: PersistedAlerts };
      return parsed.version === 1 ? parsed.alerts : {};
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(`reading alert state ${this.path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** save writes the state when it differs from the last written; saves run one after the other. */
  save(alerts: PersistedAlerts): Promise<void> {
    const text = JSON.stringify({ version: 1, alerts });
    if (text === this.last) return this.writing;
    this.last = text;
    this.writing = this.writing.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      const tmp = `${this.path}.tmp`;
      await writeFile(tmp, text);
      await rename(tmp, this.path);
    });
    return this.writing;
  }
}
