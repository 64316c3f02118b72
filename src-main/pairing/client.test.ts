import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { AgentPairing } from '../../agent/src/pairing/pairing';
import { generateKeypair } from '../../agent/src/pairing/protocol';
import { pairingGuard } from '../../agent/src/pairing/server';
import { startAgentServer } from '../../agent/src/server';
import { ScrapeHttpClient } from '../scrape/http';
import type { AgentAdvert } from './api';
import { SigningFetcher, verifyAgentIdentity, type ScrapeFetcher } from './client';
import { AgentRegistry } from './registry';

const TOKEN = 'lab-enrollment-token-0123';

/** agentOnLoopback runs a paired agent server (no collectors, no mDNS) on 127.0.0.1 for the test. */
async function agentOnLoopback(t: TestContext, enrollToken?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-client-'));
  const pairing = new AgentPairing({ stateDir: dir, version: '0.1.0', enrollToken });
  const server = await startAgentServer({
    host: '127.0.0.1',
    port: 0,
    guard: pairingGuard(pairing),
    collectors: [],
  });
  const http = new ScrapeHttpClient();
  t.after(async () => {
    http.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const address = new URL(server.url).host;
  const advert: AgentAdvert = {
    id: pairing.id,
    fingerprint: pairing.keypair.fingerprint,
    hostname: 'box',
    os: 'linux',
    version: '0.1.0',
    scheme: 'http',
    metricsPath: '/metrics',
    address,
    instance: 'box-x',
  };
  return { pairing, address, advert, http, url: `http://${address}/metrics?vigie_agent=${pairing.id}` };
}

const OPTS = { timeoutMs: 5000, bodySizeLimit: 0 };

async function adoptedRegistry(advert: AgentAdvert, token?: string): Promise<AgentRegistry> {
  const r = new AgentRegistry({ verify: (a) => verifyAgentIdentity(a, { enrollmentToken: token }) });
  r.observe('k', advert);
  for (let i = 0; i < 100 && r.get(advert.id)!.publicKey === ''; i++)
    await new Promise((res) => setTimeout(res, 20));
  r.adopt(advert.id);
  return r;
}

test('an adopted agent is scraped with signed requests and answers; others get 401', async (t) => {
  const a = await agentOnLoopback(t);
  const registry = await adoptedRegistry(a.advert);
  const app = new SigningFetcher(a.http, generateKeypair(), registry);
  const res = await app.fetch(a.url, OPTS);
  assert.match(res.body, /^# HELP process_/m);
  assert.ok(a.pairing.paired, 'the first signed scrape pinned the app');
  await assert.rejects(a.http.fetch(a.url, OPTS), /HTTP status 401/);
  await assert.rejects(
    new SigningFetcher(a.http, generateKeypair(), registry).fetch(a.url, OPTS),
    /HTTP status 401/,
  );
  assert.ok((await app.fetch(a.url, OPTS)).bytes > 0, 'the paired app keeps scraping');
});

test('an answer altered on the way (or from another key) fails the scrape and flags the agent', async (t) => {
  const a = await agentOnLoopback(t);
  const registry = await adoptedRegistry(a.advert);
  const tamper: ScrapeFetcher = {
    fetch: async (url, o) => {
      const r = await a.http.fetch(url, o);
      return { ...r, body: r.body.replace(/ \d+(\.\d+)?$/m, ' 12345') };
    },
  };
  await assert.rejects(
    new SigningFetcher(tamper, generateKeypair(), registry).fetch(a.url, OPTS),
    /bad answer signature.*impersonation/,
  );
  assert.equal(registry.get(a.pairing.id)!.conflicts.length, 1);
  const plain: ScrapeFetcher = {
    fetch: async () => ({ body: 'x 1\n', contentType: 'text/plain', bytes: 4 }),
  };
  await assert.rejects(
    new SigningFetcher(plain, generateKeypair(), registry).fetch(a.url, OPTS),
    /unsigned answer/,
  );
  // An offline agent fails with the reason, without a request.
  registry.forget('k', 'goodbye');
  await assert.rejects(
    new SigningFetcher(plain, generateKeypair(), registry).fetch(a.url, OPTS),
    /agent said goodbye/,
  );
  // A URL naming an agent that is not adopted fails; URLs naming no agent pass through untouched.
  await assert.rejects(
    new SigningFetcher(plain, generateKeypair(), registry).fetch(
      'http://10.9.9.9:1/metrics?vigie_agent=zz',
      OPTS,
    ),
    /agent zz is not adopted/,
  );
  assert.equal(
    (await new SigningFetcher(plain, generateKeypair(), registry).fetch('http://10.9.9.9:1/metrics', OPTS))
      .body,
    'x 1\n',
  );
});

test('verifyAgentIdentity checks id, key fingerprint, signature and the enrollment proof', async (t) => {
  const a = await agentOnLoopback(t, TOKEN);
  assert.deepEqual(await verifyAgentIdentity(a.advert, { enrollmentToken: TOKEN }), {
    publicKey: a.pairing.keypair.publicRaw,
    enrolled: true,
  });
  assert.equal(
    (await verifyAgentIdentity(a.advert, { enrollmentToken: 'another-token-123456' })).enrolled,
    false,
  );
  assert.equal((await verifyAgentIdentity(a.advert)).enrolled, false);
  await assert.rejects(verifyAgentIdentity({ ...a.advert, id: 'other' }), /answers as agent/);
  await assert.rejects(
    verifyAgentIdentity({ ...a.advert, fingerprint: generateKeypair().fingerprint }),
    /is not the advertised/,
  );
  // With the token on both sides, the app is pinned by its first scrape; without the token, it is not.
  const registry = await adoptedRegistry(a.advert, TOKEN);
  await assert.rejects(new SigningFetcher(a.http, generateKeypair(), registry).fetch(a.url, OPTS), /401/);
  assert.ok(!a.pairing.paired);
  await new SigningFetcher(a.http, generateKeypair(), registry, TOKEN).fetch(a.url, OPTS);
  assert.ok(a.pairing.paired);
});
