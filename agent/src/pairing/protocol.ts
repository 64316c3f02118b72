/**
 * The pairing protocol shared by `vigie-agent` and the Vigie app (see docs/security.md): an Ed25519 keypair
 * per side, every scrape request signed by the app and every answer signed by the agent. It lives with the
 * agent because the agent is the smaller, standalone product; the app imports it from here.
 */
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  timingSafeEqual,
  verify,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** SERVICE_TYPE is the DNS-SD service type the agent announces. */
export const SERVICE_TYPE = 'vigie';
/** PROTOCOL_VERSION is sent in TXT records so later versions can change the protocol. */
export const PROTOCOL_VERSION = '1';

/** Headers of a signed request and its signed answer. */
export const HEADER = {
  /** key: the app's public key (base64url, raw 32 bytes), so an unpaired agent can pin it. */
  key: 'x-vigie-key',
  time: 'x-vigie-time',
  nonce: 'x-vigie-nonce',
  signature: 'x-vigie-signature',
  /** agentSignature: the agent's signature over the request nonce and the answer body's digest. */
  agentSignature: 'x-vigie-agent-signature',
  /** enroll: HMAC(enrollment token, nonce) in an identity answer, proving the agent knows the token. */
  enroll: 'x-vigie-enroll',
} as const;

/** IDENTITY_PATH serves the agent's identity to anyone: its id and public key, signed over a caller nonce. */
export const IDENTITY_PATH = '/vigie/identity';

/** DEFAULT_REPLAY_WINDOW_MS: a signed request older or newer than this is refused. */
export const DEFAULT_REPLAY_WINDOW_MS = 30_000;

/** Keypair is one side's identity. */
export interface Keypair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** publicRaw is the raw 32-byte public key, base64url: the form sent in headers and pinned. */
  publicRaw: string;
  fingerprint: string;
}

/** Identity is what an agent tells about itself at IDENTITY_PATH. */
export interface AgentIdentity {
  id: string;
  publicKey: string;
  fingerprint: string;
  hostname: string;
  os: string;
  version: string;
  /** paired tells whether an app key is pinned (then only that app may scrape). */
  paired: boolean;
}

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** publicKeyFromRaw rebuilds a KeyObject from the raw base64url form; throws on a malformed key. */
export function publicKeyFromRaw(raw: string): KeyObject {
  const bytes = Buffer.from(raw, 'base64url');
  if (bytes.length !== 32) throw new Error(`public key must be 32 bytes, got ${bytes.length}`);
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, bytes]), format: 'der', type: 'spki' });
}

/** rawPublicKey is the base64url raw form of an Ed25519 public key. */
export function rawPublicKey(key: KeyObject): string {
  const der = key.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32).toString('base64url');
}

/** fingerprint is the SSH-style `SHA256:<base64>` digest of a raw public key, short enough for a TXT record. */
export function fingerprint(publicRaw: string): string {
  const digest = createHash('sha256').update(Buffer.from(publicRaw, 'base64url')).digest('base64');
  return 'SHA256:' + digest.replace(/=+$/, '');
}

/** keypairFrom builds a Keypair from a private key. */
export function keypairFrom(privateKey: KeyObject): Keypair {
  const publicKey = createPublicKey(privateKey);
  const publicRaw = rawPublicKey(publicKey);
  return { privateKey, publicKey, publicRaw, fingerprint: fingerprint(publicRaw) };
}

/** generateKeypair makes a fresh Ed25519 keypair. */
export function generateKeypair(): Keypair {
  return keypairFrom(generateKeyPairSync('ed25519').privateKey);
}

/**
 * loadOrCreateKeypair reads a PKCS#8 PEM private key from path, or creates one there with mode 0600 (the
 * key is the side's identity: whoever reads it can impersonate it). A file that is not a key is an error
 * naming the file, never silently replaced.
 */
export function loadOrCreateKeypair(path: string): Keypair {
  let pem: string | undefined;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (pem !== undefined) {
    try {
      chmodSync(path, 0o600);
      return keypairFrom(createPrivateKey(pem));
    } catch (e) {
      throw new Error(`${path}: not an Ed25519 private key in PEM form (${(e as Error).message})`, {
        cause: e,
      });
    }
  }
  const kp = generateKeypair();
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, kp.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  return kp;
}

/** newNonce is 16 random bytes, base64url. */
export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

/** SignedRequest is what the app signs: it binds method, path, target agent, time and nonce. */
export interface SignedRequest {
  method: string;
  /** path with its query string, as sent on the request line. */
  path: string;
  agentId: string;
  time: number;
  nonce: string;
}

/** requestMessage is the exact byte string a request signature covers. */
export function requestMessage(r: SignedRequest): Buffer {
  return Buffer.from(`vigie-req-v1\n${r.method}\n${r.path}\n${r.agentId}\n${r.time}\n${r.nonce}`);
}

/** responseMessage is what the agent signs: the request nonce, its own id and the body's SHA-256. */
export function responseMessage(nonce: string, agentId: string, body: Buffer | string): Buffer {
  const digest = createHash('sha256').update(body).digest('hex');
  return Buffer.from(`vigie-resp-v1\n${nonce}\n${agentId}\n${digest}`);
}

/** signMessage signs with Ed25519 and returns base64url. */
export function signMessage(key: KeyObject, message: Buffer): string {
  return sign(null, message, key).toString('base64url');
}

/** verifyMessage checks an Ed25519 base64url signature; a malformed signature is simply invalid. */
export function verifyMessage(key: KeyObject, message: Buffer, signature: string): boolean {
  try {
    return verify(null, message, key, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

/** signedRequestHeaders builds the headers of a request to agentId signed by the app's keypair. */
export function signedRequestHeaders(
  kp: Keypair,
  r: Omit<SignedRequest, 'time' | 'nonce'>,
  now = Date.now(),
): Record<string, string> {
  const req: SignedRequest = { ...r, time: now, nonce: newNonce() };
  return {
    [HEADER.key]: kp.publicRaw,
    [HEADER.time]: String(req.time),
    [HEADER.nonce]: req.nonce,
    [HEADER.signature]: signMessage(kp.privateKey, requestMessage(req)),
  };
}

/** enrollProof is HMAC-SHA256(token, nonce + agent key): shows the agent knows the token without sending it. */
export function enrollProof(token: string, nonce: string, agentPublicRaw: string): string {
  return createHmac('sha256', token).update(`${nonce}\n${agentPublicRaw}`).digest('base64url');
}

/** checkEnrollProof compares a proof in constant time. */
export function checkEnrollProof(
  token: string,
  nonce: string,
  agentPublicRaw: string,
  proof: string,
): boolean {
  const want = Buffer.from(enrollProof(token, nonce, agentPublicRaw));
  const got = Buffer.from(proof);
  return want.length === got.length && timingSafeEqual(want, got);
}

/**
 * NonceCache remembers the nonces seen within the replay window, so a captured request cannot be replayed.
 * Its size is bounded: past maxEntries the oldest are forgotten (and requests older than the window are
 * refused by time anyway, so only a flood within one window can push one out).
 */
export class NonceCache {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly windowMs = DEFAULT_REPLAY_WINDOW_MS,
    private readonly maxEntries = 10_000,
  ) {}

  /** use records a nonce; false if it was already used within the window. */
  use(nonce: string, now = Date.now()): boolean {
    for (const [n, t] of this.seen) {
      if (t >= now - 2 * this.windowMs && this.seen.size <= this.maxEntries) break;
      this.seen.delete(n);
    }
    if (this.seen.has(nonce)) return false;
    this.seen.set(nonce, now);
    return true;
  }
}
