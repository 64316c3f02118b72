// access.ts: who may use the appliance from the LAN — the sharing switch, the password (scrypt hash),
// read-only tokens (SHA-256 hashes) and login sessions. Everything secret lives in the Secrets store; only
// ids, names and dates ever leave this module.
import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Secrets } from '../secrets/api';

/** AccessOptions are the limits of sessions and logins; every one has a default. */
export interface AccessOptions {
  /** sessionTtlMs is how long a login lasts (default 7 days). */
  sessionTtlMs?: number;
  /** maxSessions bounds the sessions kept in memory; the oldest goes first (default 1000). */
  maxSessions?: number;
  /** minPasswordLength refuses shorter passwords (default 8). */
  minPasswordLength?: number;
  /** maxTokens bounds the read-only tokens (default 100). */
  maxTokens?: number;
  /** scrypt cost parameters (default N=16384, r=8, p=1, as OWASP's minimum). */
  scrypt?: { N: number; r: number; p: number };
  now?: () => number;
}

/** TokenInfo is a read-only token as listed: never the token itself. */
export interface TokenInfo {
  id: string;
  name: string;
  created: number;
}

interface StoredToken extends TokenInfo {
  hash: string;
}

/** SECRET names in the Secrets store. */
const PASSWORD = 'lan.password';
const TOKENS = 'lan.tokens';
const ENABLED = 'lan.enabled';

/** TOKEN_PREFIX marks Vigie read-only tokens, so a leaked one is recognisable in logs and scanners. */
const TOKEN_PREFIX = 'vro_';

function scryptAsync(pw: string, salt: Buffer, len: number, o: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(pw, salt, len, { ...o, maxmem: 128 * o.N! * o.r! * 2 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('base64url');

/**
 * Access holds the LAN access state. Passwords are hashed with scrypt and a random salt; tokens are 256
 * random bits, so a plain SHA-256 of them is enough and cheap to check on every kiosk request. Sessions
 * live in memory only: a restart asks LAN users to log in again, which is the safe side.
 */
export class Access {
  readonly #sessions = new Map<string, number>();
  readonly #ttl: number;
  readonly #maxSessions: number;
  readonly #minLength: number;
  readonly #maxTokens: number;
  readonly #cost: { N: number; r: number; p: number };
  readonly #now: () => number;

  constructor(
    private readonly secrets: Secrets,
    o: AccessOptions = {},
  ) {
    this.#ttl = o.sessionTtlMs ?? 7 * 24 * 3600_000;
    this.#maxSessions = o.maxSessions ?? 1000;
    this.#minLength = o.minPasswordLength ?? 8;
    this.#maxTokens = o.maxTokens ?? 100;
    this.#cost = o.scrypt ?? { N: 16384, r: 8, p: 1 };
    this.#now = o.now ?? Date.now;
  }

  /** sharing tells whether LAN access control is on (LAN requests then need a login or a token). */
  get sharing(): boolean {
    return this.secrets.get(ENABLED) === '1';
  }

  get hasPassword(): boolean {
    return this.secrets.get(PASSWORD) !== undefined;
  }

  /** setSharing turns LAN sharing on or off; on needs a password first, so the LAN is never left open. */
  setSharing(on: boolean): void {
    if (on && !this.hasPassword) throw new Error('set a password before turning LAN sharing on');
    if (on) this.secrets.set(ENABLED, '1');
    else this.secrets.delete(ENABLED);
  }

  /** setPassword replaces the LAN password and ends every session made with the old one. */
  async setPassword(password: string): Promise<void> {
    if (password.length < this.#minLength)
      throw new Error(`password: at least ${this.#minLength} characters`);
    const salt = randomBytes(16);
    const { N, r, p } = this.#cost;
    const key = await scryptAsync(password, salt, 32, { N, r, p });
    this.secrets.set(PASSWORD, `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`);
    this.#sessions.clear();
  }

  /** verifyPassword checks a password against the stored hash, in constant time. */
  async verifyPassword(password: string): Promise<boolean> {
    const stored = this.secrets.get(PASSWORD);
    if (stored === undefined) return false;
    const [kind, N, r, p, salt, hash] = stored.split('$');
    if (kind !== 'scrypt' || hash === undefined) return false;
    const want = Buffer.from(hash, 'base64');
    const got = await scryptAsync(password, Buffer.from(salt!, 'base64'), want.length, {
      N: Number(N),
      r: Number(r),
      p: Number(p),
    });
    return timingSafeEqual(want, got);
  }

  /** createSession starts a login session and returns its id (the cookie value). */
  createSession(): string {
    const id = randomBytes(32).toString('base64url');
    if (this.#sessions.size >= this.#maxSessions) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest !== undefined) this.#sessions.delete(oldest);
    }
    this.#sessions.set(id, this.#now() + this.#ttl);
    return id;
  }

  /** sessionValid tells whether a session id is live; expired ones are dropped on sight. */
  sessionValid(id: string | undefined): boolean {
    if (id === undefined || id === '') return false;
    const until = this.#sessions.get(id);
    if (until === undefined) return false;
    if (until <= this.#now()) {
      this.#sessions.delete(id);
      return false;
    }
    return true;
  }

  endSession(id: string | undefined): void {
    if (id !== undefined) this.#sessions.delete(id);
  }

  get sessionTtlMs(): number {
    return this.#ttl;
  }

  #tokens(): StoredToken[] {
    const text = this.secrets.get(TOKENS);
    if (text === undefined) return [];
    try {
      const v: unknown = JSON.parse(text);
      return Array.isArray(v) ? (v as StoredToken[]) : [];
    } catch {
      return [];
    }
  }

  /** listTokens lists the read-only tokens by id, name and creation time. */
  listTokens(): TokenInfo[] {
    return this.#tokens().map(({ id, name, created }) => ({ id, name, created }));
  }

  /** createToken makes a read-only token; the token itself is returned this once and never again. */
  createToken(name: string): TokenInfo & { token: string } {
    const n = name.trim();
    if (n === '' || n.length > 100) throw new Error('name: 1 to 100 characters');
    const list = this.#tokens();
    if (list.length >= this.#maxTokens)
      throw new Error(`at most ${this.#maxTokens} tokens: revoke one first`);
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const info = { id: randomBytes(6).toString('hex'), name: n, created: this.#now() };
    this.secrets.set(TOKENS, JSON.stringify([...list, { ...info, hash: sha256(token) }]));
    return { ...info, token };
  }

  /** revokeToken deletes a token; true when it existed. */
  revokeToken(id: string): boolean {
    const list = this.#tokens();
    const rest = list.filter((t) => t.id !== id);
    if (rest.length === list.length) return false;
    this.secrets.set(TOKENS, JSON.stringify(rest));
    return true;
  }

  /** tokenValid tells whether a presented token is one of the read-only tokens. */
  tokenValid(token: string | undefined): boolean {
    if (token === undefined || !token.startsWith(TOKEN_PREFIX)) return false;
    const h = Buffer.from(sha256(token));
    return this.#tokens().some((t) => {
      const s = Buffer.from(t.hash);
      return s.length === h.length && timingSafeEqual(s, h);
    });
  }
}
