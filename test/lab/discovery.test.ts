import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab, labSkipReason } from './netns';
import { eventually, labHttp, startAgent, startFakeAgent, startVigie, tempDir, vigieUrl } from './support';

const skip = labSkipReason();

interface AgentJson {
  id: string;
  state: string;
  address: string;
  fingerprint: string;
  keyVerified: boolean;
  online: boolean;
  why: string;
  hostname: string;
  os: string;
  conflicts: { fingerprint: string; address: string }[];
}
interface TargetsJson {
  activeTargets: { labels: Record<string, string>; scrapeUrl: string; health: string; lastError: string }[];
  droppedTargets: { discoveredLabels: Record<string, string>; reason: string }[];
}

test(
  'lab: an agent is discovered by mDNS, pending until adopted, then scraped; keeps its identity across an IP change; an impostor is flagged; a goodbye marks it down',
  { skip, timeout: 180_000 },
  async (t) => {
    const lab = Lab.create(2);
    const vigieDir = tempDir('vigie');
    const agentDir = tempDir('agent');
    const fakeDir = tempDir('fake');
    t.after(async () => {
      await lab.teardown();
      for (const d of [vigieDir, agentDir, fakeDir]) d.remove();
    });
    const [h1, h2] = lab.hosts as [(typeof lab.hosts)[0], (typeof lab.hosts)[0]];
    const vigie = await startVigie(lab, vigieDir.dir);
    const agent = await startAgent(lab, h1, agentDir.dir);
    assert.match(agent.proc.stdout(), /waits for adoption: check this fingerprint/);

    const agents = async (): Promise<AgentJson[]> => {
      const r = await labHttp(lab.hub, vigieUrl('/api/vigie/agents'));
      assert.equal(r.status, 200);
      return (r.body as { data: AgentJson[] }).data;
    };
    const targets = async (): Promise<TargetsJson> => {
      const r = await labHttp(lab.hub, vigieUrl('/api/v1/targets?state=any'));
      return (r.body as { data: TargetsJson }).data;
    };
    const upValue = async (): Promise<string | undefined> => {
      const q = encodeURIComponent(`up{job="node"}`);
      const r = await labHttp(lab.hub, vigieUrl(`/api/v1/query?query=${q}`));
      const res = (
        r.body as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }
      ).data.result;
      return res[0]?.value[1];
    };

    // Discovered, key verified, pending; listed as a dropped target with the reason.
    const pending = await eventually('the agent pending with a verified key', async () => {
      const list = await agents();
      return list.find((a) => a.id === agent.id && a.keyVerified);
    });
    assert.equal(pending.state, 'pending');
    assert.equal(pending.address, `${h1.ip}:9740`);
    assert.match(pending.fingerprint, /^SHA256:/);
    assert.ok(pending.hostname !== '' && pending.os.startsWith('linux'));
    const dropped = (await targets()).droppedTargets.find(
      (d) => d.discoveredLabels.__meta_vigie_agent_id === agent.id,
    );
    assert.ok(dropped, 'the pending agent is a dropped target');
    assert.match(dropped.reason, /pending adoption/);
    assert.equal((await targets()).activeTargets.length, 0);

    // Adopt through the API: the app pins the key, the agent pins the app on the first scrape, up = 1.
    const adopted = await labHttp(
      lab.hub,
      vigieUrl(`/api/vigie/agents/${agent.id}/adopt`),
      'POST',
      JSON.stringify({ fingerprint: pending.fingerprint }),
    );
    assert.equal(adopted.status, 200, JSON.stringify(adopted.body));
    await eventually('up == 1', async () => ((await upValue()) === '1' ? true : undefined));
    await agent.proc.waitFor(/paired: the app key is pinned/);
    const active = (await targets()).activeTargets[0]!;
    const instance = active.labels.instance!;
    assert.equal(active.health, 'up');

    // Anyone else asking the paired agent for metrics gets 401.
    const stranger = await labHttp(h2, `http://${h1.ip}:9740/metrics`);
    assert.equal(stranger.status, 401);

    // IP change: the agent re-announces, Vigie follows it under the same identity (instance label).
    const newIp = lab.changeIp(h1);
    await eventually('the agent at its new address, scraped', async () => {
      const a = (await agents()).find((x) => x.id === agent.id);
      if (a?.address !== `${newIp}:9740`) return undefined;
      const tg = (await targets()).activeTargets.find(
        (x) => x.scrapeUrl.includes(newIp) && x.health === 'up',
      );
      return tg;
    });
    const moved = (await targets()).activeTargets.find((x) => x.scrapeUrl.includes(newIp))!;
    assert.equal(moved.labels.instance, instance);

    // An impostor announcing the same id with another key is flagged and not scraped.
    const fake = await startFakeAgent(lab, h2, fakeDir.dir, ['--fake-id', agent.id]);
    assert.equal(fake.id, agent.id);
    const flagged = await eventually('the impostor flagged', async () => {
      const a = (await agents()).find((x) => x.id === agent.id);
      return a !== undefined && a.conflicts.some((c) => c.address.startsWith(h2.ip)) ? a : undefined;
    });
    assert.equal(flagged.address, `${newIp}:9740`);
    assert.ok(!(await targets()).activeTargets.some((x) => x.scrapeUrl.includes(h2.ip)));

    // Goodbye: the agent stops cleanly, Vigie marks it offline with the reason, up = 0.
    await agent.proc.stop('SIGTERM');
    const gone = await eventually('the agent offline after its goodbye', async () => {
      const a = (await agents()).find((x) => x.id === agent.id);
      return a?.online === false ? a : undefined;
    });
    assert.match(gone.why, /goodbye/);
    await eventually('up == 0 with the goodbye as the error', async () => {
      const tg = (await targets()).activeTargets.find((x) => x.labels.instance === instance);
      return tg?.health === 'down' && /goodbye/.test(tg.lastError) && (await upValue()) === '0'
        ? true
        : undefined;
    });
    assert.equal(vigie.proc.exitCode, null);
  },
);

test(
  'lab: an agent started with the enrollment token is adopted without a click; one that dies silently expires (up 0, "record expired")',
  { skip, timeout: 120_000 },
  async (t) => {
    const lab = Lab.create(1);
    const vigieDir = tempDir('vigie');
    const agentDir = tempDir('agent');
    t.after(async () => {
      await lab.teardown();
      vigieDir.remove();
      agentDir.remove();
    });
    const token = join(vigieDir.dir, 'token');
    writeFileSync(token, 'lab-token-0123456789abcdef\n', { mode: 0o600 });
    await startVigie(lab, vigieDir.dir, [
      '--enrollment-token-file',
      token,
      '--mdns-query-interval',
      '1s',
      '--mdns-expire-after',
      '3s',
    ]);
    const agent = await startAgent(lab, lab.hosts[0]!, agentDir.dir, ['--enrollment-token-file', token]);
    const list = async (): Promise<AgentJson[]> =>
      ((await labHttp(lab.hub, vigieUrl('/api/vigie/agents'))).body as { data: AgentJson[] }).data;
    const adopted = await eventually('auto-adopted', async () =>
      (await list()).find((a) => a.id === agent.id && a.state === 'adopted'),
    );
    assert.equal((adopted as AgentJson & { adoptedBy: string }).adoptedBy, 'enrollment-token');
    const up = async (): Promise<string | undefined> => {
      const r = await labHttp(
        lab.hub,
        vigieUrl(`/api/v1/query?query=${encodeURIComponent('up{job="node"}')}`),
      );
      return (r.body as { data: { result: { value: [number, string] }[] } }).data.result[0]?.value[1];
    };
    await eventually('up == 1', async () => ((await up()) === '1' ? true : undefined));
    await agent.proc.stop('SIGKILL'); // no goodbye
    const gone = await eventually('expired', async () =>
      (await list()).find((a) => a.id === agent.id && !a.online),
    );
    assert.match(gone.why, /mDNS record expired/);
    await eventually('up == 0', async () => ((await up()) === '0' ? true : undefined));
  },
);
