// kill -9 of a process with undelivered notifications: the next process delivers every one of them, from
// the outbox rows in the appliance's DuckDB file (recovered from its write-ahead log).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseConfig } from '../../src-main/config/load';
import { createNotifier } from '../../src-main/notify/service';
import { openDuckDBStorage } from '../../src-main/storage/duckdb/index';
import { startBotApiStandIn } from '../fixtures/telegram/bot-api-stand-in';

const root = new URL('../..', import.meta.url).pathname;
const WRITER = join(root, 'test/fixtures/telegram/outbox-writer.ts');
const N = 20;

test('after kill -9, every notification stored in the outbox is delivered by the next process', async (t) => {
  const api = await startBotApiStandIn();
  const dir = mkdtempSync(join(tmpdir(), 'vigie-outbox-crash-'));
  api.fail('sendMessage', ...Array.from({ length: 100_000 }, () => ({ kind: 'status' as const, code: 502 })));
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, api.url, String(N)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  assert.equal((await lines.next()).value, `stored ${N}`);
  // It is retrying against failures when killed.
  await api.waitFor(() => api.calls.filter((c) => c.method === 'sendMessage').length > N, 20_000);
  child.kill('SIGKILL');
  await exited;
  assert.equal(api.messages().length, 0, 'nothing was delivered before the kill');
  api.clearFailures('sendMessage');

  const storage = await openDuckDBStorage({ dir, flushIntervalMs: 3_600_000 });
  const cfg = parseConfig(
    `alerting:
  route: { receiver: tg, group_by: [alertname], group_wait: 0s }
  receivers:
    - name: tg
      telegram_configs: [{ bot_token: "123456:TEST", chat_id: 42, api_url: "${api.url}" }]
`,
    'vigie.yml',
  );
  const n = await createNotifier({
    config: cfg.alerting,
    store: storage.documents(),
    bots: false,
    telegramMinIntervalMs: 0,
    log: () => {},
  });
  t.after(async () => {
    await n.stop();
    await storage.close();
  });
  await api.waitFor(() => api.messages().length >= N, 20_000);
  const names = api.messages().map((m) => /<b>(Crash\d+)<\/b>/.exec(m.text)?.[1]);
  assert.deepEqual(
    [...new Set(names)].sort(),
    Array.from({ length: N }, (_, i) => `Crash${i}`).sort(),
    'every alert arrived',
  );
  assert.equal(names.length, N, 'none twice');
});
