import { test } from 'node:test';
import assert from 'node:assert/strict';
import { avahiSkipReason, runWithAvahi } from './avahi';
import { Lab, labSkipReason } from './netns';
import { eventually, labHttp, startAgent, startVigie, tempDir, vigieUrl } from './support';

const skip = labSkipReason() ?? avahiSkipReason();

test(
  'lab: Avahi (avahi-browse -rpt) sees the agent, and Vigie discovers a service published with avahi-publish-service',
  { skip, timeout: 180_000 },
  async (t) => {
    const lab = Lab.create(2);
    const dirs = [tempDir('vigie'), tempDir('agent'), tempDir('avahi-browse'), tempDir('avahi-publish')];
    t.after(async () => {
      await lab.teardown();
      for (const d of dirs) d.remove();
    });
    const [vigieDir, agentDir, browseDir, publishDir] = dirs as [
      ReturnType<typeof tempDir>,
      ReturnType<typeof tempDir>,
      ReturnType<typeof tempDir>,
      ReturnType<typeof tempDir>,
    ];
    const [h1, h2] = lab.hosts as [(typeof lab.hosts)[0], (typeof lab.hosts)[0]];
    await startVigie(lab, vigieDir.dir);
    const agent = await startAgent(lab, h1, agentDir.dir);

    // Avahi → agent: avahi-browse in h2 resolves the agent's service with its TXT record.
    const browse = runWithAvahi(
      lab,
      h2,
      browseDir.dir,
      `for i in $(seq 40); do avahi-browse -rpt _vigie._tcp | grep '^=' && exit 0; sleep 0.5; done; exit 1`,
    );
    const line = await browse.waitFor(/^=;eth0;IPv4;[^\n]*$/m, 60_000);
    const fields = line[0].split(';');
    assert.equal(fields[4], '_vigie._tcp');
    assert.equal(fields[7], h1.ip);
    assert.equal(fields[8], '9740');
    assert.match(fields[9]!, new RegExp(`"id=${agent.id}"`));
    assert.match(fields[9]!, /"fp=SHA256:[A-Za-z0-9+/]{43}"/);
    assert.equal(await browse.exited, 0);

    // avahi-publish-service → Vigie: a plain exporter appears as a target of the "mdns" job.
    const publish = runWithAvahi(
      lab,
      h2,
      publishDir.dir,
      `avahi-publish-service -s lab-exporter _prometheus-http._tcp 9100 path=/metrics`,
    );
    await publish.waitFor(/AVAHI-READY/, 30_000);
    const target = await eventually(
      'the Avahi-published exporter as a target',
      async () => {
        const r = await labHttp(lab.hub, vigieUrl('/api/v1/targets?state=active&scrapePool=mdns'));
        const list = (
          r.body as {
            data: { activeTargets: { scrapeUrl: string; discoveredLabels: Record<string, string> }[] };
          }
        ).data.activeTargets;
        return list.find((x) => x.discoveredLabels.__meta_mdns_instance === 'lab-exporter');
      },
      30_000,
    );
    assert.equal(target.scrapeUrl, `http://${h2.ip}:9100/metrics`);
  },
);
