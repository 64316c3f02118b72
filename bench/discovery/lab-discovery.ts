// bench/discovery/lab-discovery.ts: discovery and pairing figures in the lab LAN (test/lab/, needs root).
//  1. Time from `vigie-agent` start (the bundle, as installed) to its first sample stored in Vigie, with
//     auto-adoption by enrollment token: the distribution over N starts (fresh identity each time).
//  2. M agents (several per namespace) started first, then `vigie serve`: time until all are discovered,
//     verified, adopted and scraped (`up` 1); then the hub's CPU while discovery is steady.
// Figures are noisy on a shared machine. Run: node --import tsx bench/discovery/lab-discovery.ts [starts=20] [agents=50]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_NODE_FLAGS, buildAgent } from '../../agent/build.js';
import { Lab, labSkipReason, type LabHost, type LabProcess } from '../../test/lab/netns';
import { eventually, labHttp, startVigie, tempDir, vigieUrl } from '../../test/lab/support';

const STARTS = Number(process.argv[2] ?? 20);
const AGENTS = Number(process.argv[3] ?? 50);
const PER_NAMESPACE = 5;
const TOKEN = 'bench-enrollment-token-0123456789';

const skip = labSkipReason();
if (skip !== undefined) {
  console.log(`skipped: ${skip}`);
  process.exit(0);
}

const bundle = await buildAgent();
const hosts = Math.max(2, Math.ceil(AGENTS / PER_NAMESPACE));
const lab = Lab.create(hosts);
const dir = tempDir('bench');
const cleanup = async (): Promise<void> => {
  await lab.teardown();
  dir.remove();
};
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));
const tokenFile = join(dir.dir, 'token');
writeFileSync(tokenFile, TOKEN + '\n', { mode: 0o600 });

/** agent starts the bundled agent in a host on a port, with a fresh state folder; resolves with its id. */
async function agent(host: LabHost, port: number, name: string): Promise<{ proc: LabProcess; id: string }> {
  const proc = lab.spawn(host, process.execPath, [
    ...AGENT_NODE_FLAGS,
    bundle,
    '--listen',
    `0.0.0.0:${port}`,
    '--state-dir',
    join(dir.dir, name),
    '--mdns-interface',
    'eth0',
    '--enrollment-token-file',
    tokenFile,
  ]);
  const m = await proc.waitFor(/agent (\S+) \(SHA256:/, 90_000);
  return { proc, id: m[1]! };
}

/** firstSampleAt is the timestamp (ms) of the agent's first stored `up` sample, once there is one. */
async function firstSampleAt(id: string): Promise<number | undefined> {
  const q = encodeURIComponent(`up{instance=~".*-${id.slice(0, 8)}"}[5m]`);
  const r = await labHttp(lab.hub, vigieUrl(`/api/v1/query?query=${q}`));
  const res = (r.body as { data?: { result: { values: [number, string][] }[] } }).data?.result ?? [];
  const v = res[0]?.values.find((s) => s[1] === '1');
  return v === undefined ? undefined : v[0] * 1000;
}

function cpuTicks(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]);
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

try {
  // 1. Start-to-first-sample, one agent at a time.
  const vigie = await startVigie(lab, join(dir.dir, 'vigie1'), ['--enrollment-token-file', tokenFile]);
  const times: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const t0 = Date.now();
    const a = await agent(lab.hosts[0]!, 9740, `start-${i}`);
    const at = await eventually('first sample', () => firstSampleAt(a.id), 20_000).catch(
      async (e: unknown) => {
        const agents = await labHttp(lab.hub, vigieUrl('/api/vigie/agents'));
        const targets = await labHttp(lab.hub, vigieUrl('/api/v1/targets'));
        console.log(
          JSON.stringify(agents.body),
          JSON.stringify(targets.body),
          vigie.stderr().slice(-3000),
          a.proc.stdout(),
          a.proc.stderr(),
        );
        throw e;
      },
    );
    times.push(at - t0);
    await a.proc.stop('SIGTERM');
  }
  await vigie.stop('SIGTERM');
  console.log(`agent start → first sample stored, ${STARTS} starts (ms):`);
  console.log(
    `  min ${Math.min(...times)}  p50 ${quantile(times, 0.5)}  p90 ${quantile(times, 0.9)}  max ${Math.max(...times)}`,
  );
  console.log(`  all: ${times.join(' ')}`);

  // 2. Many agents at once.
  // Started in batches of 10: 50 Node processes booting at once on 2 shared cores would take minutes.
  for (let i = 0; i < AGENTS; i += 10) {
    const batch: Promise<unknown>[] = [];
    for (let j = i; j < Math.min(AGENTS, i + 10); j++)
      batch.push(agent(lab.hosts[j % hosts]!, 9740 + Math.floor(j / hosts), `many-${j}`));
    await Promise.all(batch);
  }
  const t0 = Date.now();
  // A 5 s interval here: 50 agents collecting every second would saturate the 2 shared cores by themselves.
  const hub = await startVigie(lab, join(dir.dir, 'vigie2'), ['--enrollment-token-file', tokenFile], '5s');
  const listening = Date.now();
  await eventually(
    `${AGENTS} agents up`,
    async () => {
      const q = encodeURIComponent(`count(up{job="node"} == 1)`);
      const r = await labHttp(lab.hub, vigieUrl(`/api/v1/query?query=${q}`));
      const n = Number(
        (r.body as { data: { result: { value: [number, string] }[] } }).data.result[0]?.value[1] ?? 0,
      );
      return n >= AGENTS ? n : undefined;
    },
    60_000,
  );
  const done = Date.now();
  const q = encodeURIComponent(`up{job="node"}[5m]`);
  const all = await labHttp(lab.hub, vigieUrl(`/api/v1/query?query=${q}`));
  const firsts = (all.body as { data: { result: { values: [number, string][] }[] } }).data.result.map(
    (r) => r.values.find((v) => v[1] === '1')![0] * 1000,
  );
  // When each agent was discovered, adopted and first scraped, in ms after Vigie listened.
  const at = (re: RegExp): number[] =>
    hub
      .stderr()
      .split('\n')
      .filter((l) => re.test(l))
      .map((l) => Date.parse(l.slice(0, 24)) - listening)
      .sort((a, b) => a - b);
  const spread = (xs: number[]): string =>
    xs.length === 0 ? '-' : `${xs[0]}…${xs[xs.length - 1]} ms (p50 ${quantile(xs, 0.5)})`;
  console.log(`  discovered: ${spread(at(/ discovered at /))}; adopted: ${spread(at(/ adopted by /))}`);
  console.log(`  first samples: ${spread(firsts.map((f) => f - listening).sort((a, b) => a - b))}`);
  console.log(
    `${AGENTS} agents in ${hosts} namespaces: last first sample ${Math.max(...firsts) - listening} ms after ` +
      `Vigie listened (${Math.max(...firsts) - t0} ms after its start; all visible to queries after ${done - listening} ms)`,
  );
  const pid = hub.proc.pid!;
  const c0 = cpuTicks(pid);
  const w0 = Date.now();
  await new Promise((r) => setTimeout(r, 10_000));
  const cpu = ((cpuTicks(pid) - c0) * 10) / (Date.now() - w0);
  console.log(
    `hub CPU over 10 s of steady discovery + 5 s scrapes of ${AGENTS} agents: ${(cpu * 100).toFixed(1)}% of one core`,
  );
} finally {
  await cleanup();
}
