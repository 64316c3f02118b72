import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { LABEL_NAME_RE, type Labels } from '../common/labels';
import type { FileSDConfig } from '../config/api';
import type { Discoverer, TargetGroup } from './api';

/** FileSDError is a malformed file_sd file: where (1-based line and column) and what is wrong. */
export class FileSDError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
    this.name = 'FileSDError';
  }
}

/** FileSDOptions are the injected helpers of a FileSDDiscoverer. */
export interface FileSDOptions {
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
  /** debounceMs groups the burst of events an editor's save makes into one re-read (default 50 ms). */
  debounceMs?: number;
}

const EXTENSIONS = /\.(json|ya?ml)$/;

/**
 * FileSDDiscoverer reads Prometheus file_sd files: JSON or YAML lists of `{targets: [...], labels: {...}}`.
 * Patterns may glob in their last path element. Files are re-read when their folder changes (fs.watch) and
 * every refresh_interval (watching misses events on some file systems). Each group is sourced
 * `<file>:<index>` and carries `__meta_filepath`. A file that fails to parse keeps its previous groups and
 * the error is logged as `file:line:column: reason`; a deleted file's groups are sent empty (removed).
 */
export class FileSDDiscoverer implements Discoverer {
  private readonly patterns: { dir: string; re: RegExp; pattern: string }[];
  private readonly log: NonNullable<FileSDOptions['log']>;
  /** current groups per file, as last sent. */
  private readonly state = new Map<string, TargetGroup[]>();

  constructor(
    private readonly config: FileSDConfig,
    private readonly opts: FileSDOptions = {},
  ) {
    this.log = opts.log ?? (() => {});
    this.patterns = config.files.map((f, i) => {
      const pattern = resolve(f);
      const base = basename(pattern);
      if (!EXTENSIONS.test(base))
        throw new Error(`file_sd_configs files[${i}] "${f}": the file name must end in .json, .yml or .yaml`);
      if (/[*?[]/.test(dirname(pattern)))
        throw new Error(`file_sd_configs files[${i}] "${f}": only the last path element may hold a glob`);
      return { dir: dirname(pattern), re: globToRegExp(base), pattern };
    });
  }

  async run(signal: AbortSignal, send: (groups: TargetGroup[]) => void): Promise<void> {
    if (signal.aborted) return;
    let running: Promise<void> | undefined;
    let again = false;
    let sentFirst = false;
    // refresh runs one re-read at a time; events arriving meanwhile ask for exactly one more.
    const refresh = (): Promise<void> => {
      if (running !== undefined) {
        again = true;
        return running;
      }
      running = (async () => {
        do {
          again = false;
          const changed = await this.refresh();
          if (signal.aborted || (sentFirst && changed.length === 0)) continue;
          sentFirst = true;
          send(changed);
        } while (again && !signal.aborted);
      })()
        .catch((e) => this.log('error', `file_sd: refresh failed: ${(e as Error).message}`))
        .finally(() => (running = undefined));
      return running;
    };

    let debounce: NodeJS.Timeout | undefined;
    const onEvent = (): void => {
      clearTimeout(debounce);
      debounce = setTimeout(() => void refresh(), this.opts.debounceMs ?? 50);
    };
    // Watch before the first read, so an edit made while it runs is not missed.
    const watchers: FSWatcher[] = [];
    for (const dir of new Set(this.patterns.map((p) => p.dir))) {
      try {
        const w = watch(dir, onEvent);
        w.on('error', (e) => this.log('warn', `file_sd: watching ${dir} failed: ${e.message}; polling only`));
        watchers.push(w);
      } catch (e) {
        this.log('warn', `file_sd: cannot watch ${dir}: ${(e as Error).message}; polling only`);
      }
    }
    const poll =
      this.config.refresh_interval > 0
        ? setInterval(() => void refresh(), this.config.refresh_interval)
        : undefined;
    void refresh();
    await new Promise<void>((done) => signal.addEventListener('abort', () => done(), { once: true }));
    clearTimeout(debounce);
    clearInterval(poll);
    for (const w of watchers) w.close();
    await running;
  }

  /**
   * refresh re-reads every matching file and returns the groups that changed since the last call, removed
   * ones as empty groups; the first call returns every group.
   */
  async refresh(): Promise<TargetGroup[]> {
    const files = await this.listFiles();
    const changed: TargetGroup[] = [];
    const first = this.state.size === 0;
    for (const [file, old] of this.state) {
      if (files.includes(file)) continue;
      this.state.delete(file);
      for (const g of old) changed.push({ source: g.source, targets: [], labels: {} });
    }
    for (const file of files) {
      let groups: TargetGroup[];
      try {
        groups = parseFileSD(await readFile(file, 'utf8'), file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') groups = [];
        else {
          this.log('error', e instanceof FileSDError ? e.message : `${file}: ${(e as Error).message}`);
          continue; // keep the previous groups of this file
        }
      }
      const old = this.state.get(file) ?? [];
      this.state.set(file, groups);
      for (let i = 0; i < Math.max(old.length, groups.length); i++) {
        const g = groups[i];
        if (g === undefined) changed.push({ source: old[i]!.source, targets: [], labels: {} });
        else if (first || old[i] === undefined || JSON.stringify(old[i]) !== JSON.stringify(g))
          changed.push(g);
      }
    }
    return changed;
  }

  /** listFiles lists the files matching any pattern, sorted. */
  private async listFiles(): Promise<string[]> {
    const out = new Set<string>();
    for (const p of this.patterns) {
      let names: string[];
      try {
        names = await readdir(p.dir);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
          this.log('warn', `file_sd: cannot list ${p.dir}: ${(e as Error).message}`);
        continue;
      }
      for (const n of names) if (p.re.test(n)) out.add(join(p.dir, n));
    }
    return [...out].sort();
  }
}

/** globToRegExp compiles a file-name glob (`*`, `?`, `[abc]`, `[!abc]`) into an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  let re = '^';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += '[' + body.replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(re + '$');
}

/**
 * parseFileSD parses one file_sd file (JSON when it ends in .json, YAML otherwise) into groups. Throws
 * FileSDError naming line and column of the first problem.
 */
export function parseFileSD(text: string, file: string): TargetGroup[] {
  if (file.endsWith('.json')) {
    try {
      JSON.parse(text);
    } catch (e) {
      const m = /at position (\d+)/.exec((e as Error).message);
      const at = m !== null ? Number(m[1]) : text.length;
      const { line, col } = position(text, at);
      throw new FileSDError(
        file,
        line,
        col,
        `invalid JSON: ${(e as Error).message.replace(/ in JSON at position \d+.*$/, '')}`,
      );
    }
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const p = e.linePos?.[0] ?? { line: 1, col: 1 };
    throw new FileSDError(file, p.line, p.col, `invalid YAML: ${e.message.split('\n')[0]}`);
  }
  const fail = (node: Node | null | undefined, reason: string): never => {
    const p = lc.linePos(node?.range?.[0] ?? 0);
    throw new FileSDError(file, p.line, p.col, reason);
  };
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return [];
  if (!isSeq(root)) return fail(root, 'expected a list of target groups ([{targets: [...], labels: {...}}])');
  const groups: TargetGroup[] = [];
  root.items.forEach((item, i) => {
    if (!isMap(item)) return fail(item as Node, `group ${i}: expected a map with "targets" and "labels"`);
    const targets: Labels[] = [];
    const labels: Record<string, string> = {};
    for (const pair of item.items) {
      const key = pair.key as Node;
      const name = isScalar(key) ? String(key.value) : '';
      const value = pair.value as Node | null;
      if (name === 'targets') {
        if (value === null || (isScalar(value) && value.value === null)) continue;
        if (!isSeq(value)) return fail(value, `group ${i}: "targets" must be a list of "host:port" strings`);
        for (const t of value.items) {
          if (!isScalar(t) || typeof t.value !== 'string' || t.value === '')
            return fail(t as Node, `group ${i}: a target must be a non-empty "host:port" string`);
          targets.push({ __address__: t.value });
        }
      } else if (name === 'labels') {
        if (value === null || (isScalar(value) && value.value === null)) continue;
        if (!isMap(value)) return fail(value, `group ${i}: "labels" must be a map of label name to value`);
        for (const lp of value.items) {
          const ln = isScalar(lp.key) ? String(lp.key.value) : '';
          if (!LABEL_NAME_RE.test(ln)) return fail(lp.key as Node, `group ${i}: invalid label name "${ln}"`);
          const lv = lp.value as Node | null;
          if (!isScalar(lv) || lv.value === null || typeof lv.value === 'object')
            return fail(lv ?? (lp.key as Node), `group ${i}: label "${ln}" must have a string value`);
          labels[ln] = String(lv.value);
        }
      } else return fail(key, `group ${i}: unknown field "${name}" (expected "targets" or "labels")`);
    }
    labels.__meta_filepath = file;
    groups.push({ source: `${file}:${i}`, targets, labels });
  });
  return groups;
}

/** position converts a character offset into a 1-based line and column. */
function position(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++)
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  return { line, col: offset - start + 1 };
}
