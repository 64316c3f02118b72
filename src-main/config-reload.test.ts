import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config/load';
import type { VigieConfig } from './config/api';
import { ConfigReloader, expandRuleFiles } from './config-reload';

/** until polls a condition (file events arrive on their own time) for at most timeoutMs. */
async function until(what: string, ok: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** save writes a file the way editors do: a new file renamed over the old one. */
function save(path: string, text: string): void {
  writeFileSync(`${path}.new`, text);
  renameSync(`${path}.new`, path);
}

function setup(t: { after: (f: () => void) => void }): { dir: string; cfg: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-reloader-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'rules'));
  const cfg = join(dir, 'vigie.yml');
  writeFileSync(cfg, `global:\n  scrape_interval: 15s\nrule_files: ['rules/*.yml']\n`);
  return { dir, cfg };
}

test('expandRuleFiles expands globs in order and keeps plain paths, missing or not', async (t) => {
  const { dir } = setup(t);
  writeFileSync(join(dir, 'rules', 'b.yml'), '');
  writeFileSync(join(dir, 'rules', 'a.yml'), '');
  writeFileSync(join(dir, 'rules', 'c.txt'), '');
  assert.deepEqual(await expandRuleFiles([join(dir, 'rules/*.yml'), join(dir, 'gone.yml')]), [
    join(dir, 'rules', 'a.yml'),
    join(dir, 'rules', 'b.yml'),
    join(dir, 'gone.yml'),
  ]);
});

test('ConfigReloader applies a changed file, ignores a touch, refuses a bad file keeping the old config, and reloads on SIGHUP', async (t) => {
  const { dir, cfg } = setup(t);
  const applied: { config: VigieConfig; rules: string[] }[] = [];
  const logs: string[] = [];
  const initial = await loadConfig(cfg);
  const reloader = new ConfigReloader({
    configFile: cfg,
    initial,
    load: loadConfig,
    apply: async (config, rules) => void applied.push({ config, rules }),
    log: (_l, m) => logs.push(m),
    debounceMs: 20,
  });
  await reloader.start(await expandRuleFiles(initial.rule_files));
  t.after(() => reloader.stop());

  // A new rule file matching the glob reloads with it in the list.
  writeFileSync(join(dir, 'rules', 'a.yml'), 'groups: []\n');
  await until('the new rule file', () => applied.length === 1);
  assert.deepEqual(applied[0]!.rules, [join(dir, 'rules', 'a.yml')]);

  // A touch changes no content: no reload.
  utimesSync(cfg, new Date(), new Date(Date.now() + 5000));
  writeFileSync(join(dir, 'rules', 'a.yml'), 'groups: []\n');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(applied.length, 1);

  // A bad value is refused with file:line; status says so and the running config stays.
  const running = reloader.current();
  save(cfg, `global:\n  scrape_interval: soon\nrule_files: ['rules/*.yml']\n`);
  await until('the refusal', () => reloader.status().success === false);
  assert.match(reloader.status().error ?? '', /vigie\.yml:2/);
  assert.equal(reloader.current(), running);
  assert.equal(applied.length, 1);

  // Fixed, then SIGHUP: applied, status success.
  save(cfg, `global:\n  scrape_interval: 5s\nrule_files: ['rules/*.yml']\n`);
  await until('the fixed file', () => reloader.current().global.scrape_interval === 5000);
  assert.equal(reloader.status().success, true, JSON.stringify([reloader.status(), logs]));
  const n = applied.length;
  process.emit('SIGHUP', 'SIGHUP');
  await until('the SIGHUP reload', () => logs.some((l) => l.includes('reloaded (SIGHUP)')));
  assert.equal(applied.length, n + 1);
});

test('ConfigReloader.reload rejects with the reason when apply refuses, and one reload runs at a time', async (t) => {
  const { cfg } = setup(t);
  let active = 0;
  let most = 0;
  let refuse = true;
  const reloader = new ConfigReloader({
    configFile: cfg,
    initial: await loadConfig(cfg),
    load: loadConfig,
    apply: async () => {
      most = Math.max(most, ++active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
      if (refuse) throw new Error('job_name "node" is taken');
    },
    log: () => undefined,
  });
  await assert.rejects(reloader.reload('test'), /job_name "node" is taken/);
  refuse = false;
  await Promise.all([reloader.reload('a'), reloader.reload('b'), reloader.reload('c')]);
  assert.equal(most, 1);
  assert.equal(reloader.status().success, true);
});
