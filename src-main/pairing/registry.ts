import { fingerprint as fingerprintOf } from '../../agent/src/pairing/protocol';
import {
  AgentRegistryError,
  type AgentAdvert,
  type AgentRecord,
  type AgentDirectory,
  type AgentState,
} from './api';
import type { DocumentStore } from '../state/api';
import { AGENTS_KIND, loadRecords, migrateAgentsFile } from './registry-store';

/** VerifiedIdentity is what an agent proved at its identity endpoint. */
export interface VerifiedIdentity {
  publicKey: string;
  /** enrolled: the agent proved it knows the app's enrollment token. */
  enrolled: boolean;
}

/** AgentRegistryOptions inject persistence, the identity check and the clock. */
export interface AgentRegistryOptions {
  /**
   * store keeps the records (one document per agent, in the appliance's database); undefined keeps the
   * registry in memory (tests). Use AgentRegistry.open to start from what it holds.
   */
  store?: DocumentStore;
  /**
   * verify asks the agent at the advert's address to prove it holds the advertised key (a signed answer
   * over a fresh nonce); it rejects when it cannot.
   */
  verify: (advert: AgentAdvert) => Promise<VerifiedIdentity>;
  /** maxConflicts bounds the conflicts kept per agent (newest kept); 20 by default. */
  maxConflicts?: number;
  now?: () => number;
  log?: (level: 'info' | 'warn', message: string) => void;
}

/** ScrapeIdentity is what the signing fetcher needs to scrape an adopted agent at an address. */
export interface ScrapeIdentity {
  id: string;
  publicKey: string;
  /** down is why the agent must not be scraped now (goodbye, expired record), empty when it may be. */
  down: string;
}

/**
 * AgentRegistry keeps every agent ever discovered, its state (pending / adopted / rejected, persisted in
 * the database, one document per agent) and its live mDNS adverts. An agent's identity is its id and pinned key: a
 * known id advertised with another key is recorded as a conflict and never scraped; a goodbye or expiry of
 * its last advert marks it offline with the reason, which the scrape stage reports as the target's error.
 */
export class AgentRegistry implements AgentDirectory {
  private readonly records = new Map<string, AgentRecord>();
  /** adverts: live adverts by browser key (instance name @ source), each naming an agent id. */
  private readonly adverts = new Map<string, AgentAdvert & { seen: number }>();
  private readonly verifying = new Set<string>();
  private readonly listeners: (() => void)[] = [];
  private readonly now: () => number;
  private enrollment = false;
  private writes: Promise<void> = Promise.resolve();

  /** The constructor starts from `records` (loaded by open()), all offline until seen again. */
  constructor(
    private readonly opts: AgentRegistryOptions,
    records: readonly AgentRecord[] = [],
  ) {
    this.now = opts.now ?? Date.now;
    for (const r of records)
      this.records.set(r.id, { ...r, online: false, why: 'not seen since Vigie started' });
  }

  /**
   * open loads the registry from its store, importing `legacyFile` (pairing/agents.json of earlier
   * versions) once first; that file is then renamed `*.migrated`.
   */
  static async open(opts: AgentRegistryOptions & { legacyFile?: string }): Promise<AgentRegistry> {
    const { legacyFile, ...o } = opts;
    if (o.store === undefined) return new AgentRegistry(o);
    if (legacyFile !== undefined) {
      const n = await migrateAgentsFile(legacyFile, o.store);
      if (n > 0) o.log?.('info', `${n} agents moved from ${legacyFile} into the database`);
    }
    return new AgentRegistry(o, await loadRecords(o.store));
  }

  /** flush resolves once every change so far is stored (before the store closes). */
  flush(): Promise<void> {
    return this.writes;
  }

  /** setAutoAdopt turns on adoption of agents that prove the enrollment token. */
  setAutoAdopt(on: boolean): void {
    this.enrollment = on;
  }

  /** onChange registers a listener called after any change that can alter the scraped targets. */
  onChange(f: () => void): void {
    this.listeners.push(f);
  }

  list(): AgentRecord[] {
    return [...this.records.values()].sort((a, b) => a.firstSeen - b.firstSeen || (a.id < b.id ? -1 : 1));
  }

  get(id: string): AgentRecord | undefined {
    return this.records.get(id);
  }

  /** observe records an mDNS advert (new or refreshed) under its browser key. */
  observe(key: string, advert: AgentAdvert): void {
    const now = this.now();
    const rec = this.records.get(advert.id);
    if (rec !== undefined && rec.publicKey !== '' && fingerprintOf(rec.publicKey) !== advert.fingerprint) {
      this.flag(rec, advert.fingerprint, advert.address, now);
      this.adverts.delete(key);
      return;
    }
    this.adverts.set(key, { ...advert, seen: now });
    if (rec === undefined) {
      this.records.set(advert.id, {
        id: advert.id,
        state: 'pending',
        hostname: advert.hostname,
        os: advert.os,
        version: advert.version,
        address: advert.address,
        fingerprint: advert.fingerprint,
        publicKey: '',
        online: true,
        why: '',
        firstSeen: now,
        lastSeen: now,
        conflicts: [],
      });
      this.opts.log?.(
        'info',
        `agent ${advert.id} (${advert.hostname}, ${advert.fingerprint}) discovered at ${advert.address}`,
      );
      this.save(this.records.get(advert.id)!);
      this.changed();
    } else if (rec.publicKey !== '' && rec.address !== advert.address) {
      // A verified agent seen at a new address moves only once the answer there proves the pinned key:
      // a copied advert (same id and fingerprint) cannot pull the agent's scrapes to another machine.
      this.startMoveCheck(advert);
    } else {
      const moved = rec.address !== advert.address || !rec.online;
      Object.assign(rec, {
        hostname: advert.hostname,
        os: advert.os,
        version: advert.version,
        address: advert.address,
        fingerprint: advert.fingerprint,
        online: true,
        why: '',
        lastSeen: now,
      });
      if (moved) {
        this.save(rec);
        this.changed();
      }
    }
    const r = this.records.get(advert.id)!;
    if (r.publicKey === '' && r.state !== 'rejected') this.startVerify(advert);
  }

  /** forget drops an advert after a goodbye or expiry; the agent goes offline when it was its last. */
  forget(key: string, why: 'goodbye' | 'expired'): void {
    const advert = this.adverts.get(key);
    if (advert === undefined) return;
    this.adverts.delete(key);
    // A goodbye means the agent leaves, whatever address its older adverts came from (e.g. before an IP change).
    if (why === 'goodbye') for (const [k, a] of this.adverts) if (a.id === advert.id) this.adverts.delete(k);
    const rec = this.records.get(advert.id);
    if (rec === undefined) return;
    const others = [...this.adverts.values()].filter((a) => a.id === advert.id);
    if (others.length > 0) {
      const latest = others.reduce((a, b) => (a.seen >= b.seen ? a : b));
      if (!others.some((a) => a.address === rec.address)) this.startMoveCheck(latest);
      return;
    }
    const at = new Date(this.now()).toISOString();
    rec.online = false;
    rec.why =
      why === 'goodbye' ? `agent said goodbye (mDNS) at ${at}` : `agent's mDNS record expired at ${at}`;
    this.opts.log?.('info', `agent ${rec.id} (${rec.hostname}) offline: ${rec.why}`);
    this.changed();
  }

  adopt(id: string, expectedFingerprint?: string): AgentRecord {
    const rec = this.mustGet(id);
    if (rec.state === 'rejected')
      throw new AgentRegistryError(`agent ${id} was rejected; rejected agents stay rejected`, 409);
    if (expectedFingerprint !== undefined && expectedFingerprint !== rec.fingerprint)
      throw new AgentRegistryError(
        `agent ${id} presents fingerprint ${rec.fingerprint}, not ${expectedFingerprint}`,
        409,
      );
    if (rec.publicKey === '')
      throw new AgentRegistryError(`agent ${id} has not proven it holds its key yet; retry in a moment`, 409);
    if (rec.state !== 'adopted') this.setState(rec, 'adopted', 'api');
    return rec;
  }

  reject(id: string): AgentRecord {
    const rec = this.mustGet(id);
    if (rec.state !== 'rejected') this.setState(rec, 'rejected');
    return rec;
  }

  /**
   * remove forgets an agent altogether: its record and adverts go, so it is no longer scraped (its series
   * get staleness markers). One still on the LAN comes back as pending at its next advert, which is also
   * how a rejection is undone; retired machines simply stay gone.
   */
  remove(id: string): AgentRecord {
    const rec = this.mustGet(id);
    this.records.delete(id);
    for (const [k, a] of this.adverts) if (a.id === id) this.adverts.delete(k);
    this.opts.log?.('info', `agent ${id} (${rec.hostname}) removed from the registry`);
    const store = this.opts.store;
    if (store !== undefined)
      this.writes = this.writes
        .then(() => store.delete(AGENTS_KIND, id))
        .then(
          () => undefined,
          (e: unknown) => this.opts.log?.('warn', `agent ${id}: deleting its record failed: ${String(e)}`),
        );
    this.changed();
    return rec;
  }

  /** scrapeIdentity is what scraping agent id needs; undefined unless it is adopted. */
  scrapeIdentity(id: string): ScrapeIdentity | undefined {
    const r = this.records.get(id);
    if (r === undefined || r.state !== 'adopted') return undefined;
    return { id: r.id, publicKey: r.publicKey, down: r.online ? '' : r.why };
  }

  /** flagResponse records that an answer at an address was not signed by the pinned key. */
  flagResponse(id: string, address: string, reason: string): void {
    const rec = this.records.get(id);
    if (rec !== undefined) this.flag(rec, `(answer: ${reason})`, address, this.now());
  }

  private flag(rec: AgentRecord, fingerprint: string, address: string, now: number): void {
    const known = rec.conflicts.find((c) => c.fingerprint === fingerprint && c.address === address);
    if (known !== undefined) {
      known.at = now;
      return;
    }
    rec.conflicts.push({ fingerprint, address, at: now });
    const max = this.opts.maxConflicts ?? 20;
    if (rec.conflicts.length > max) rec.conflicts.splice(0, rec.conflicts.length - max);
    this.opts.log?.(
      'warn',
      `agent ${rec.id} (${rec.hostname}) is impersonated at ${address}: key ${fingerprint} is not the pinned ${rec.fingerprint}`,
    );
    this.save(rec);
    this.changed();
  }

  private setState(rec: AgentRecord, state: AgentState, by?: string): void {
    rec.state = state;
    rec.adoptedBy = state === 'adopted' ? by : undefined;
    this.opts.log?.('info', `agent ${rec.id} (${rec.hostname}) ${state}${by ? ` by ${by}` : ''}`);
    this.save(rec);
    this.changed();
  }

  private startVerify(advert: AgentAdvert): void {
    if (this.verifying.has(advert.id)) return;
    this.verifying.add(advert.id);
    this.opts
      .verify(advert)
      .then((v) => {
        const rec = this.records.get(advert.id);
        if (rec === undefined || rec.publicKey !== '') return;
        if (fingerprintOf(v.publicKey) !== advert.fingerprint) {
          this.flag(rec, fingerprintOf(v.publicKey), advert.address, this.now());
          return;
        }
        rec.publicKey = v.publicKey;
        rec.fingerprint = advert.fingerprint;
        if (v.enrolled && this.enrollment && rec.state === 'pending')
          this.setState(rec, 'adopted', 'enrollment-token');
        else {
          this.save(rec);
          this.changed();
        }
      })
      .catch((e: unknown) =>
        this.opts.log?.(
          'warn',
          `agent ${advert.id} at ${advert.address}: identity check failed: ${String(e)}`,
        ),
      )
      .finally(() => this.verifying.delete(advert.id));
  }

  /** startMoveCheck re-verifies a known key at an advert's new address before the agent moves there. */
  private startMoveCheck(advert: AgentAdvert): void {
    const key = `move:${advert.id}@${advert.address}`;
    if (this.verifying.has(key)) return;
    this.verifying.add(key);
    this.opts
      .verify(advert)
      .then((v) => {
        const rec = this.records.get(advert.id);
        if (rec === undefined) return;
        if (v.publicKey !== rec.publicKey) {
          this.flag(rec, fingerprintOf(v.publicKey), advert.address, this.now());
          return;
        }
        Object.assign(rec, { address: advert.address, online: true, why: '', lastSeen: this.now() });
        this.save(rec);
        this.changed();
      })
      .catch((e: unknown) => {
        const rec = this.records.get(advert.id);
        if (rec !== undefined) this.flag(rec, `(no proof of key: ${String(e)})`, advert.address, this.now());
      })
      .finally(() => this.verifying.delete(key));
  }

  private mustGet(id: string): AgentRecord {
    const rec = this.records.get(id);
    if (rec === undefined) throw new AgentRegistryError(`no agent with id "${id}"`, 404);
    return rec;
  }

  private changed(): void {
    for (const f of this.listeners) f();
  }

  /** save stores a record's current state; writes run in order, a failure is logged (kept in memory). */
  private save(rec: AgentRecord): void {
    const store = this.opts.store;
    if (store === undefined) return;
    const doc = structuredClone(rec);
    this.writes = this.writes
      .then(() => store.put(AGENTS_KIND, doc.id, doc))
      .then(
        () => undefined,
        (e: unknown) => this.opts.log?.('warn', `agent ${doc.id}: storing its record failed: ${String(e)}`),
      );
  }
}
