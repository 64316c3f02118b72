import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname as osHostname, platform, release } from 'node:os';
import { join } from 'node:path';
import {
  checkEnrollProof,
  DEFAULT_REPLAY_WINDOW_MS,
  enrollProof,
  HEADER,
  loadOrCreateKeypair,
  NonceCache,
  publicKeyFromRaw,
  requestMessage,
  responseMessage,
  signMessage,
  verifyMessage,
  type AgentIdentity,
  type Keypair,
} from './protocol';

/** AgentPairingOptions say where the agent keeps its identity and what it trusts. */
export interface AgentPairingOptions {
  /** stateDir holds agent.key (0600) and agent.json (id and the pinned app key). */
  stateDir: string;
  version: string;
  /**
   * enrollToken, when set, is the secret shared with the app: the agent proves it knows it (so the app may
   * auto-adopt it) and pins only an app that proves it too.
   */
  enrollToken?: string;
  replayWindowMs?: number;
  hostname?: string;
  now?: () => number;
}

/** Authorization is the verdict on one request: allowed (with its nonce to sign the answer) or refused. */
export type Authorization = { ok: true; nonce: string; pinned: boolean } | { ok: false; reason: string };

interface StateFile {
  id: string;
  appKey?: string;
  pairedAt?: number;
}

/** HeaderBag is the request headers as node:http gives them. */
export type HeaderBag = Record<string, string | string[] | undefined>;

/**
 * AgentPairing is the agent's side of trust on first adoption: a persisted id and keypair; until an app is
 * pinned, metrics are refused and only the identity is served; the first validly signed request (carrying
 * the enrollment proof when a token is set) pins that app's key, and from then on only that key is served.
 */
export class AgentPairing {
  readonly id: string;
  readonly keypair: Keypair;
  private appKey: string | undefined;
  private readonly statePath: string;
  private readonly nonces: NonceCache;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: AgentPairingOptions) {
    mkdirSync(opts.stateDir, { recursive: true, mode: 0o700 });
    this.keypair = loadOrCreateKeypair(join(opts.stateDir, 'agent.key'));
    this.statePath = join(opts.stateDir, 'agent.json');
    const state = readState(this.statePath);
    this.id = state?.id ?? randomUUID();
    this.appKey = state?.appKey;
    if (state === undefined) this.save();
    this.windowMs = opts.replayWindowMs ?? DEFAULT_REPLAY_WINDOW_MS;
    this.nonces = new NonceCache(this.windowMs);
    this.now = opts.now ?? Date.now;
  }

  /** paired tells whether an app key is pinned. */
  get paired(): boolean {
    return this.appKey !== undefined;
  }

  identity(): AgentIdentity {
    return {
      id: this.id,
      publicKey: this.keypair.publicRaw,
      fingerprint: this.keypair.fingerprint,
      hostname: this.opts.hostname ?? osHostname(),
      os: `${platform()} ${release()}`,
      version: this.opts.version,
      paired: this.paired,
    };
  }

  /**
   * identityAnswer is the body and headers of GET /vigie/identity?nonce=N: the identity, signed over the
   * caller's nonce (so the caller knows the answer comes from the key's holder), plus the enrollment proof.
   */
  identityAnswer(nonce: string): { body: string; headers: Record<string, string> } {
    const body = JSON.stringify(this.identity());
    const headers: Record<string, string> = {
      [HEADER.agentSignature]: signMessage(this.keypair.privateKey, responseMessage(nonce, this.id, body)),
    };
    if (this.opts.enrollToken !== undefined && nonce !== '')
      headers[HEADER.enroll] = enrollProof(this.opts.enrollToken, nonce, this.keypair.publicRaw);
    return { body, headers };
  }

  /** authorize checks a request's signature, time and nonce against the pinned app key (pinning the first). */
  authorize(method: string, path: string, headers: HeaderBag): Authorization {
    const h = (name: string): string => {
      const v = headers[name];
      return (Array.isArray(v) ? v[0] : v) ?? '';
    };
    const key = h(HEADER.key);
    const signature = h(HEADER.signature);
    const nonce = h(HEADER.nonce);
    const time = Number(h(HEADER.time));
    if (key === '' || signature === '' || nonce === '')
      return { ok: false, reason: this.paired ? 'request is not signed' : 'agent is not paired yet' };
    if (this.appKey !== undefined && key !== this.appKey)
      return { ok: false, reason: 'agent is paired with another app' };
    if (!Number.isFinite(time) || Math.abs(this.now() - time) > this.windowMs)
      return { ok: false, reason: `request time is outside the ${this.windowMs / 1000}s replay window` };
    let pub;
    try {
      pub = publicKeyFromRaw(key);
    } catch (e) {
      return { ok: false, reason: `bad ${HEADER.key}: ${(e as Error).message}` };
    }
    const msg = requestMessage({ method, path, agentId: this.id, time, nonce });
    if (!verifyMessage(pub, msg, signature)) return { ok: false, reason: 'bad request signature' };
    if (!this.nonces.use(nonce, this.now())) return { ok: false, reason: 'replayed nonce' };
    let pinned = false;
    if (this.appKey === undefined) {
      const token = this.opts.enrollToken;
      if (token !== undefined && !checkEnrollProof(token, nonce, key, h(HEADER.enroll)))
        return { ok: false, reason: 'pairing needs the enrollment token' };
      this.appKey = key;
      this.save();
      pinned = true;
    }
    return { ok: true, nonce, pinned };
  }

  /** signAnswer is the x-vigie-agent-signature of an answer body to the request that carried nonce. */
  signAnswer(nonce: string, body: Buffer | string): string {
    return signMessage(this.keypair.privateKey, responseMessage(nonce, this.id, body));
  }

  /** unpair forgets the pinned app key (the `--unpair` escape hatch when the app's key was lost). */
  unpair(): void {
    this.appKey = undefined;
    this.save();
  }

  /** pairingHint is the one line `vigie-agent` prints on start. */
  pairingHint(): string {
    const who = `agent ${this.id} (${this.keypair.fingerprint})`;
    return this.paired
      ? `vigie-agent: ${who} is paired; it answers only the app that adopted it`
      : `vigie-agent: ${who} waits for adoption: check this fingerprint in Vigie → Agents before adopting`;
  }

  private save(): void {
    const state: StateFile = {
      id: this.id,
      appKey: this.appKey,
      pairedAt: this.appKey ? Date.now() : undefined,
    };
    const tmp = this.statePath + '.tmp';
    writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
    renameSync(tmp, this.statePath);
  }
}

/** readState reads agent.json; a corrupt file is an error naming it, never silently reset. */
function readState(path: string): StateFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const v = JSON.parse(text) as Partial<StateFile>;
    if (typeof v.id !== 'string' || v.id === '') throw new Error('field "id" must be a non-empty string');
    if (v.appKey !== undefined && typeof v.appKey !== 'string')
      throw new Error('field "appKey" must be a string');
    return { id: v.id, appKey: v.appKey, pairedAt: v.pairedAt };
  } catch (e) {
    throw new Error(`${path}: invalid agent state: ${(e as Error).message}`, { cause: e });
  }
}
