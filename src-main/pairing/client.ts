import type { IncomingHttpHeaders } from 'node:http';
import {
  checkEnrollProof,
  enrollProof,
  fingerprint as fingerprintOf,
  HEADER,
  IDENTITY_PATH,
  newNonce,
  publicKeyFromRaw,
  responseMessage,
  signedRequestHeaders,
  verifyMessage,
  type AgentIdentity,
  type Keypair,
} from '../../agent/src/pairing/protocol';
import type { AgentAdvert } from './api';
import type { ScrapeIdentity, VerifiedIdentity } from './registry';

/** ScrapeFetchOptions and ScrapeAnswer mirror the scrape stage's fetcher types (src-main/scrape/http.ts). */
export interface ScrapeFetchOptions {
  timeoutMs: number;
  bodySizeLimit: number;
  signal?: AbortSignal;
  headers?: Readonly<Record<string, string>>;
}
export interface ScrapeAnswer {
  body: string;
  contentType: string;
  bytes: number;
  headers?: IncomingHttpHeaders;
}
/** ScrapeFetcher is the scrape stage's Fetcher, structurally. */
export interface ScrapeFetcher {
  fetch(url: string, opts: ScrapeFetchOptions): Promise<ScrapeAnswer>;
}

/**
 * AGENT_PARAM is the scrape URL parameter naming the agent a target is (set by discovery as
 * `__param_vigie_agent`): the fetcher signs for that agent and checks its key, whatever the address says.
 * The agent ignores it; the signature covers it.
 */
export const AGENT_PARAM = 'vigie_agent';

/** AgentLookup is the registry's part the signing fetcher needs. */
export interface AgentLookup {
  scrapeIdentity(id: string): ScrapeIdentity | undefined;
  flagResponse(id: string, address: string, reason: string): void;
}

/**
 * SigningFetcher wraps the scrape stage's HTTP fetcher: a scrape of an adopted agent carries the app's
 * signature (method, path, agent id, time, nonce) and its answer must carry the agent's signature over that
 * nonce and the body, by the key pinned at adoption. An answer that fails the check is flagged on the agent
 * and fails the scrape (`up` 0, lastError says why). URLs without AGENT_PARAM (static targets, plain
 * exporters) pass through untouched.
 */
export class SigningFetcher implements ScrapeFetcher {
  constructor(
    private readonly base: ScrapeFetcher,
    private readonly keypair: Keypair,
    private readonly agents: AgentLookup,
    /** enrollmentToken lets an agent started with the same token pin this app on its first scrape. */
    private readonly enrollmentToken?: string,
  ) {}

  async fetch(url: string, opts: ScrapeFetchOptions): Promise<ScrapeAnswer> {
    const u = new URL(url);
    const id = u.searchParams.get(AGENT_PARAM);
    if (id === null) return this.base.fetch(url, opts);
    const agent = this.agents.scrapeIdentity(id);
    if (agent === undefined) throw new Error(`agent ${id} is not adopted`);
    if (agent.down !== '') throw new Error(agent.down);
    const headers = signedRequestHeaders(this.keypair, {
      method: 'GET',
      path: u.pathname + u.search,
      agentId: agent.id,
    });
    if (this.enrollmentToken !== undefined)
      headers[HEADER.enroll] = enrollProof(
        this.enrollmentToken,
        headers[HEADER.nonce]!,
        this.keypair.publicRaw,
      );
    const res = await this.base.fetch(url, { ...opts, headers: { ...opts.headers, ...headers } });
    const sig = res.headers?.[HEADER.agentSignature];
    const msg = responseMessage(headers[HEADER.nonce]!, agent.id, res.body);
    if (typeof sig !== 'string' || !verifyMessage(publicKeyFromRaw(agent.publicKey), msg, sig)) {
      const why = typeof sig !== 'string' ? 'unsigned answer' : 'bad answer signature';
      this.agents.flagResponse(agent.id, u.host, why);
      throw new Error(
        `${why}: the answer at ${u.host} is not signed by the key pinned for agent ${agent.id} (impersonation?)`,
      );
    }
    return res;
  }
}

/** VerifyOptions bound the identity check. */
export interface VerifyOptions {
  enrollmentToken?: string;
  timeoutMs?: number;
}

/**
 * verifyAgentIdentity asks the agent at an advert's address for its identity over a fresh nonce and checks
 * that the answer is signed by a key whose fingerprint is the advertised one and names the advertised id.
 * Only then may the key be pinned. The enrollment proof, when present, is checked against the app's token.
 */
export async function verifyAgentIdentity(
  advert: AgentAdvert,
  o: VerifyOptions = {},
): Promise<VerifiedIdentity> {
  const nonce = newNonce();
  const url = `${advert.scheme}://${advert.address}${IDENTITY_PATH}?nonce=${nonce}`;
  const res = await fetch(url, { signal: AbortSignal.timeout(o.timeoutMs ?? 5000), redirect: 'error' });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  if (body.length > 64 * 1024) throw new Error(`${url}: identity answer too large`);
  let id: Partial<AgentIdentity>;
  try {
    id = JSON.parse(body) as Partial<AgentIdentity>;
  } catch {
    throw new Error(`${url}: identity answer is not JSON`);
  }
  if (id.id !== advert.id)
    throw new Error(`${url}: answers as agent ${String(id.id)}, advertised ${advert.id}`);
  if (typeof id.publicKey !== 'string') throw new Error(`${url}: identity has no publicKey`);
  const fp = fingerprintOf(id.publicKey);
  if (fp !== advert.fingerprint)
    throw new Error(`${url}: key ${fp} is not the advertised ${advert.fingerprint}`);
  const sig = res.headers.get(HEADER.agentSignature) ?? '';
  if (!verifyMessage(publicKeyFromRaw(id.publicKey), responseMessage(nonce, advert.id, body), sig))
    throw new Error(`${url}: identity answer is not signed by its key`);
  const proof = res.headers.get(HEADER.enroll);
  const enrolled =
    o.enrollmentToken !== undefined &&
    proof !== null &&
    checkEnrollProof(o.enrollmentToken, nonce, id.publicKey, proof);
  return { publicKey: id.publicKey, enrolled };
}
