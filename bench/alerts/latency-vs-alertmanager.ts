// bench/alerts/latency-vs-alertmanager.ts: time from a metric crossing its threshold to the Telegram stand-in
// receiving the message, Vigie (`vigie serve --no-mdns`) beside Debian's Prometheus + Alertmanager, both
// with scrape and evaluation intervals of 10 s, `for: 0s` and `group_wait: 0s` (Alertmanager's other
// settings at their defaults). Everything listens on 127.0.0.1 (Alertmanager's cluster port is off), data
// in a temp folder, every process stopped at the end. Target for Vigie: ≤ 2 scrape intervals (20 s).
// A small exporter serves `bench_value{trial="k"}`; each trial flips it to 1 under a new `trial` label (a new
// alert group, so group_wait applies rather than group_interval) at a random phase of the scrape interval.
//   node --import tsx bench/alerts/latency-vs-alertmanager.ts [--trials 5] [--timeout 90]
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBotApiStandIn } from '../../test/fixtures/telegram/bot-api-stand-in';
import { freePort, waitFor } from '../ingest/net';
import { Processes } from '../ingest/processes';
import { startPrometheus } from '../ingest/prometheus';
import { startVigie } from '../ingest/vigie';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

const TRIALS = arg('trials', 5);
const TIMEOUT_S = arg('timeout', 90);
const INTERVAL_S = 10;
const TOKEN = '123456:TEST';
const CHAT = 42;
const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';
const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');

const RULES = `groups:
  - name: bench
    rules:
      - alert: BenchValueHigh
        expr: bench_value > 0
        for: 0s
        labels:
          severity: critical
        annotations:
          summary: 'bench trial {{ $labels.trial }} fired'
`;

const receiver = (apiUrl: string) => `receivers:
  - name: tg
    telegram_configs:
      - bot_token: '${TOKEN}'
        chat_id: ${CHAT}
        api_url: ${apiUrl}
`;
const ROUTE = `route:
  receiver: tg
  group_by: [alertname, trial]
  group_wait: 0s
`;

/** Exporter serves bench_value for the current trial: 0 before the flip, 1 after. */
function startExporter(): Promise<{ port: number; set(trial: number, v: number): void; close(): void }> {
  let trial = 0;
  let value = 0;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(`# TYPE bench_value gauge\nbench_value{trial="${trial}"} ${value}\n`);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        set: (t, v) => ([trial, value] = [t, v]),
        close: () => server.close(),
      }),
    ),
  );
}

/** Recorder is a pass-through in front of the stand-in that notes each message's text and arrival. */
interface Recorder {
  url: string;
  messages: { text: string; at: number }[];
  close(): void;
}

/**
 * startRecorder forwards every request to the stand-in unchanged and records sendMessage texts, whatever
 * the body's encoding: Alertmanager's client posts JSON, Vigie's multipart/url-encoded forms.
 */
function startRecorder(target: string): Promise<Recorder> {
  const messages: Recorder['messages'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const body = Buffer.concat(chunks);
      const ct = req.headers['content-type'] ?? '';
      void (async () => {
        if (/sendMessage$/.test(req.url ?? '') && body.length > 0) {
          let text = '';
          if (ct.includes('json'))
            text = String((JSON.parse(body.toString()) as { text?: unknown }).text ?? '');
          else
            text = String(
              (await new Response(body, { headers: { 'content-type': ct } }).formData()).get('text') ?? '',
            );
          messages.push({ text, at });
        }
        const r = await fetch(target + (req.url ?? ''), {
          method: req.method,
          headers: ct !== '' ? { 'content-type': ct } : {},
          ...(body.length > 0 ? { body } : {}),
        });
        res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
        res.end(Buffer.from(await r.arrayBuffer()));
      })().catch((e: unknown) => {
        res.writeHead(502);
        res.end(String(e));
      });
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        messages,
        close: () => server.close(),
      }),
    ),
  );
}

/** received is when a recorder first saw a message about trial k (undefined while none). */
function received(rec: Recorder, k: number): number | undefined {
  const re = new RegExp(`trial\\D{0,5}${k}(?!\\d)`);
  return rec.messages.find((m) => re.test(m.text))?.at;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-latency-'));
  const procs = new Processes();
  const exporter = await startExporter();
  const vigieApi = await startBotApiStandIn({ token: TOKEN });
  const amApi = await startBotApiStandIn({ token: TOKEN });
  const vigieRec = await startRecorder(vigieApi.url);
  const amRec = await startRecorder(amApi.url);
  const onExit = () => procs.killAllNow();
  process.once('exit', onExit);
  // Stop the children on Ctrl-C or `timeout` too ('exit' handlers do not run on a signal).
  const onSignal = () => {
    procs.killAllNow();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const rulesFile = join(dir, 'rules.yml');
    writeFileSync(rulesFile, RULES);
    const scrape = `global:
  scrape_interval: ${INTERVAL_S}s
  evaluation_interval: ${INTERVAL_S}s
rule_files: ['${rulesFile}']
scrape_configs:
  - job_name: bench
    static_configs:
      - targets: ['127.0.0.1:${exporter.port}']
`;
    // Alertmanager, then Prometheus pointing at it.
    const amDir = join(dir, 'alertmanager');
    mkdirSync(amDir);
    writeFileSync(join(amDir, 'alertmanager.yml'), ROUTE + receiver(amRec.url));
    const amPort = await freePort();
    const am = await procs.start('alertmanager', ALERTMANAGER_BIN, [
      `--config.file=${join(amDir, 'alertmanager.yml')}`,
      `--storage.path=${amDir}`,
      `--web.listen-address=127.0.0.1:${amPort}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ]);
    await waitFor(
      'alertmanager',
      async () => ((await fetch(`http://127.0.0.1:${amPort}/-/ready`)).ok ? true : undefined),
      {
        timeoutMs: 60_000,
        abort: () => (am.hasExited() ? `exited: ${am.output().slice(-500)}` : undefined),
      },
    );
    const promDir = join(dir, 'prometheus');
    mkdirSync(promDir);
    await startPrometheus(
      procs,
      promDir,
      scrape +
        `alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['127.0.0.1:${amPort}']\n`,
    );
    const vigieDir = join(dir, 'vigie');
    mkdirSync(vigieDir);
    await startVigie(procs, ROOT, vigieDir, scrape + `alerting:\n${indent(ROUTE + receiver(vigieRec.url))}`, {
      withoutRules: true,
    });
    // Let both scrape the exporter's 0 a couple of times before the first flip.
    await sleep(2 * INTERVAL_S * 1000);
    const results: { vigie?: number; am?: number }[] = [];
    for (let k = 1; k <= TRIALS; k++) {
      // A random phase of the scrape interval, so the trials sample the whole scrape/evaluation cycle.
      await sleep(Math.random() * INTERVAL_S * 1000);
      const flip = Date.now();
      exporter.set(k, 1);
      const deadline = flip + TIMEOUT_S * 1000;
      while (
        Date.now() < deadline &&
        (received(vigieRec, k) === undefined || received(amRec, k) === undefined)
      )
        await sleep(100);
      const v = received(vigieRec, k);
      const a = received(amRec, k);
      results.push({ vigie: v && v - flip, am: a && a - flip });
      console.log(`trial ${k}: Vigie ${fmt(v && v - flip)}, Prometheus + Alertmanager ${fmt(a && a - flip)}`);
      exporter.set(k, 0);
    }
    const summary = (xs: (number | undefined)[]) => {
      const got = xs.filter((x): x is number => x !== undefined).sort((a, b) => a - b);
      if (got.length === 0) return 'no message received';
      return `median ${fmt(got[Math.floor(got.length / 2)])}, max ${fmt(got[got.length - 1])} (${got.length}/${xs.length} received)`;
    };
    console.log(
      `threshold crossed → Telegram stand-in, scrape and evaluation every ${INTERVAL_S} s, for: 0s, group_wait: 0s, ${TRIALS} trials`,
    );
    console.log(
      `  Vigie:                     ${summary(results.map((r) => r.vigie))} (target ≤ ${2 * INTERVAL_S} s)`,
    );
    console.log(`  Prometheus + Alertmanager: ${summary(results.map((r) => r.am))}`);
    console.log(
      `  load average: ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    await procs.stopAll();
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    exporter.close();
    vigieRec.close();
    amRec.close();
    await vigieApi.close();
    await amApi.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => (l === '' ? l : `  ${l}`))
    .join('\n');
}

function fmt(ms: number | undefined): string {
  return ms === undefined ? 'none' : `${(ms / 1000).toFixed(1)} s`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

await main();
