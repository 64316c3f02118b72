/** AgentState is where an agent stands with this app: only adopted agents are scraped. */
export type AgentState = 'pending' | 'adopted' | 'rejected';

/** AgentAdvert is one agent as mDNS announced it (the TXT record plus where the answer came from). */
export interface AgentAdvert {
  id: string;
  fingerprint: string;
  hostname: string;
  os: string;
  version: string;
  scheme: 'http' | 'https';
  metricsPath: string;
  /** address is host:port to scrape. */
  address: string;
  /** instance is the DNS-SD instance name. */
  instance: string;
}

/** AgentConflict is an advert that claimed a known agent id with another key: flagged, never scraped. */
export interface AgentConflict {
  fingerprint: string;
  address: string;
  at: number;
}

/** AgentRecord is one discovered agent as `GET /api/vigie/agents` lists it. */
export interface AgentRecord {
  id: string;
  state: AgentState;
  hostname: string;
  os: string;
  version: string;
  /** address is the last address it was seen at (host:port). */
  address: string;
  fingerprint: string;
  /** publicKey is the verified raw key (base64url); empty until the agent proved it holds the key. */
  publicKey: string;
  /** online is false after a goodbye or when its record expired; `why` says which. */
  online: boolean;
  why: string;
  firstSeen: number;
  lastSeen: number;
  /** adoptedBy says how it was adopted: "api" or "enrollment-token". */
  adoptedBy?: string;
  conflicts: AgentConflict[];
}

/** AgentRegistryApi is what the web app may do with agents. */
export interface AgentRegistryApi {
  list(): AgentRecord[];
  get(id: string): AgentRecord | undefined;
  /**
   * adopt pins the agent's verified key, so it gets scraped; with expectedFingerprint, only if that is the
   * key it presents. Throws AgentRegistryError (404 unknown, 409 rejected / key not yet verified / mismatch).
   */
  adopt(id: string, expectedFingerprint?: string): AgentRecord;
  reject(id: string): AgentRecord;
  /** remove forgets the agent (404 when unknown); one still advertising comes back as pending. */
  remove(id: string): AgentRecord;
}

/** AgentRegistryError is a refused registry action; status is the HTTP status the API answers with. */
export class AgentRegistryError extends Error {
  constructor(
    message: string,
    readonly status: 404 | 409,
  ) {
    super(message);
    this.name = 'AgentRegistryError';
  }
}

/** AgentDirectory is the registry as discovery feeds and reads it. */
export interface AgentDirectory extends AgentRegistryApi {
  /** observe records an advert (new or refreshed) under the browser's key for it. */
  observe(key: string, advert: AgentAdvert): void;
  /** forget drops an advert after a goodbye or expiry. */
  forget(key: string, why: 'goodbye' | 'expired'): void;
  /** onChange is called after any change that can alter the scraped targets. */
  onChange(f: () => void): void;
}
