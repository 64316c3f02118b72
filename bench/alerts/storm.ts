// bench/alerts/storm.ts: a storm of 500 alerts to one Telegram chat, through the router and the durable
// outbox (in a DuckDB file) to the local Bot API stand-in, which answers some sends with 429 retry_after.
// It prints the messages sent, the alerts they cover, the time taken, the highest send rate seen, and
// checks that no alert is missing. Telegram's limits (about 1 message/s to a chat, 20/min to a group)
// make a full run take minutes, so `--scale N` divides the per-chat spacing by N (default 10) and the
// figures are also printed as they would be at the real limits (retry_after waits are not scaled).
//   node --import tsx bench/alerts/storm.ts [--alerts 500] [--names 10] [--scale 10] [--chat private|group] [--429 3]
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src-main/config/load';
import { createNotifier } from '../../src-main/notify/service';
import { openDuckDBStorage } from '../../src-main/storage/duckdb/index';
import { startBotApiStandIn } from '../../test/fixtures/telegram/bot-api-stand-in';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
}

const ALERTS = Number(arg('alerts', '500'));
const NAMES = Number(arg('names', '10'));
const SCALE = Number(arg('scale', '10'));
const CHAT = arg('chat', 'private') === 'group' ? -1001234567890 : 42;
const TOO_MANY = Number(arg('429', '3'));
/** REAL_GAP_MS is Vigie's spacing per chat at Telegram's limits: 1 s private, 3 s (20/min) group. */
const REAL_GAP_MS = CHAT < 0 ? 3000 : 1000;
const GAP_MS = REAL_GAP_MS / SCALE;

/** maxInWindow is the largest number of sends within any window of `ms`. */
function maxInWindow(ts: number[], ms: number): number {
  let best = 0;
  for (let i = 0, j = 0; i < ts.length; i++) {
    while (ts[i]! - ts[j]! >= ms) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

async function main(): Promise<void> {
  const api = await startBotApiStandIn();
  const dir = await mkdtemp(join(tmpdir(), 'vigie-bench-storm-'));
  const storage = await openDuckDBStorage({ dir });
  // 429 with retry_after 1 s, on the first send and then spread over the run (after every few messages).
  const tooManyAt = Array.from({ length: TOO_MANY }, (_, i) => i * 7);
  const inject = (): void => {
    while (tooManyAt.length > 0 && api.messages().length >= tooManyAt[0]!) {
      tooManyAt.shift();
      api.fail('sendMessage', {
        kind: 'status',
        code: 429,
        retryAfter: 1,
        description: 'Too Many Requests: retry after 1',
      });
    }
  };
  inject();
  const cfg = parseConfig(
    `alerting:
  route: { receiver: tg, group_by: [alertname], group_wait: 0s, group_interval: 5m, repeat_interval: 4h }
  receivers:
    - name: tg
      telegram_configs: [{ bot_token: "123456:TEST", chat_id: ${CHAT}, api_url: "${api.url}" }]
`,
    'storm.yml',
  );
  const n = await createNotifier({
    config: cfg.alerting,
    store: storage.documents(),
    bots: false,
    telegramMinIntervalMs: GAP_MS,
    log: (level, m) => level === 'error' && console.error(m),
  });
  const now = Date.now();
  const expected = new Set<string>();
  const alerts = Array.from({ length: ALERTS }, (_, i) => {
    const name = `Storm${i % NAMES}`;
    const instance = `host-${String(Math.floor(i / NAMES)).padStart(3, '0')}.lab.example:9100`;
    expected.add(`${name} ${instance}`);
    return {
      labels: { alertname: name, instance, severity: i % 3 === 0 ? 'critical' : 'warning' },
      annotations: { summary: `${instance} needs attention (${name})` },
      startsAt: now,
      endsAt: now + 3_600_000,
      generatorURL: '',
    };
  });
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  n.receive(alerts);
  const covered = (): Set<string> => {
    const seen = new Set<string>();
    for (const m of api.messages()) {
      const name = /<b>(Storm\d+)<\/b>/.exec(m.text)?.[1];
      for (const [, inst] of m.text.matchAll(/<code>([^<]+)<\/code>/g)) seen.add(`${name} ${inst}`);
    }
    return seen;
  };
  await api.waitFor(() => (inject(), covered().size >= expected.size), 60 * 60_000);
  const t1 = Date.now();
  const cpu = process.cpuUsage(cpu0);
  const msgs = api.messages();
  const ts = msgs.map((m) => m.at);
  let minGap = Infinity;
  for (let i = 1; i < ts.length; i++) minGap = Math.min(minGap, ts[i]! - ts[i - 1]!);
  const tooMany = api.calls.filter((c) => c.method === 'sendMessage' && !c.answered).length;
  const missing = [...expected].filter((k) => !covered().has(k));
  const longest = Math.max(...msgs.map((m) => m.text.length));
  const waits = TOO_MANY * 1000;
  const realSeconds = ((msgs.length - 1) * REAL_GAP_MS + waits) / 1000;
  console.log(
    `storm: ${ALERTS} alerts (${NAMES} alert names, group_by alertname) to ${CHAT < 0 ? 'a group' : 'a private'} chat ${CHAT}`,
  );
  console.log(
    `  per-chat spacing: ${GAP_MS} ms (Telegram-safe ${REAL_GAP_MS} ms divided by --scale ${SCALE}); ${tooMany} sends answered 429 retry_after=1s`,
  );
  console.log(`  messages sent:     ${msgs.length} (longest ${longest} of 4096 characters)`);
  console.log(
    `  alerts covered:    ${covered().size} of ${expected.size}; missing: ${missing.length === 0 ? 'none' : missing.slice(0, 5).join(', ')}`,
  );
  console.log(
    `  duration:          ${((t1 - t0) / 1000).toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU`,
  );
  console.log(`  smallest gap:      ${minGap} ms between two messages to the chat (floor ${GAP_MS} ms)`);
  const perSecond = maxInWindow(ts, 1000 / SCALE);
  const perMinute = maxInWindow(ts, 60_000 / SCALE);
  console.log(
    `  max rate observed: ${perSecond} in any ${1000 / SCALE} ms and ${perMinute} in any ${60 / SCALE} s window` +
      ` = ${perSecond}/s and ${perMinute}/min at real time (Telegram: ~1/s per chat, 20/min per group)`,
  );
  console.log(
    `  at Telegram's real limits this storm takes about ${realSeconds.toFixed(0)} s (${msgs.length} messages × ${REAL_GAP_MS / 1000} s + ${waits / 1000} s of retry_after)`,
  );
  console.log(
    `  machine load (1/5/15 min): ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  await n.stop();
  await storage.close();
  await api.close();
  await rm(dir, { recursive: true, force: true });
  if (missing.length > 0) process.exitCode = 1;
}

await main();
