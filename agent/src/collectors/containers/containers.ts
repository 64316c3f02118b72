import { constants, existsSync } from 'node:fs';
import { access, realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { MetricSet } from '../../metrics';
import type { Collector } from '../collector';
import { EngineError, engineGet, mapLimit } from './engine';

/** ContainersOptions are the container collector's settings. */
export interface ContainersOptions {
  /** sockets are the engines' API sockets tried (default defaultSockets(): Docker's and Podman's). */
  sockets?: readonly string[];
  /** concurrency bounds the stats requests in flight at once (default 4). */
  concurrency?: number;
  /** maxResponseBytes bounds one answer of the engine (default 8 MiB). */
  maxResponseBytes?: number;
  /** required (--collector.containers): fail when no engine answers, rather than report nothing. */
  required?: boolean;
}

/** ContainerSummary is the part of a /containers/json entry the collector reads (Docker and Podman agree). */
export interface ContainerSummary {
  Id: string;
  Names?: string[];
  Image?: string;
  Created?: number;
  State?: string;
}

/** ContainerStats is the part of /containers/{id}/stats the collector reads (cgroup v1 and v2 shapes). */
export interface ContainerStats {
  cpu_stats?: {
    cpu_usage?: { total_usage?: number; usage_in_usermode?: number; usage_in_kernelmode?: number };
  };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, Record<string, number>>;
  blkio_stats?: {
    io_service_bytes_recursive?: BlkioEntry[] | null;
    io_serviced_recursive?: BlkioEntry[] | null;
  };
}

interface BlkioEntry {
  op: string;
  value: number;
}

/**
 * defaultSockets are where Docker and Podman listen: Docker's /var/run/docker.sock (also where podman-docker
 * links Podman's), rootful Podman's, and the rootless ones in the user's runtime directory; on macOS Docker
 * Desktop's. Sockets that turn out to be one file are asked once.
 */
export function defaultSockets(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  if (platform === 'darwin') return ['/var/run/docker.sock', join(homedir(), '.docker/run/docker.sock')];
  if (platform !== 'linux') return [];
  const runtime = env['XDG_RUNTIME_DIR'] || `/run/user/${process.getuid?.() ?? 0}`;
  return [
    '/var/run/docker.sock',
    '/run/podman/podman.sock',
    join(runtime, 'podman/podman.sock'),
    join(runtime, 'docker.sock'),
  ];
}

/**
 * containersCollector reports every container of the Docker or Podman engines whose socket this agent may
 * open, with cAdvisor's names and its name/image/id labels: CPU, memory, network and block I/O of running
 * containers, container_last_seen and container_start_time_seconds, and vigie_container_running /
 * vigie_container_state for all of them. With no engine (no socket, or one nobody listens on) it reports
 * nothing and succeeds: most machines have none. Stats are asked with at most `concurrency` in flight, and
 * everything stops when the collector's signal aborts.
 */
export function containersCollector(opts: ContainersOptions = {}): Collector {
  const concurrency = opts.concurrency ?? 4;
  const maxBytes = opts.maxResponseBytes ?? 8 << 20;
  return {
    name: 'containers',
    async collect(out, signal) {
      const seen = new Set<string>();
      const candidates = opts.sockets ?? defaultSockets();
      let engines = 0;
      for (const socket of await usableSockets(candidates)) {
        let list: ContainerSummary[];
        try {
          list = await engineGet<ContainerSummary[]>(socket, '/containers/json?all=1', signal, maxBytes);
        } catch (err) {
          if (noEngine(err)) continue;
          throw err;
        }
        engines++;
        if (!Array.isArray(list)) throw new Error(`${socket} GET /containers/json: expected a list`);
        const fresh = list.filter((c) => typeof c.Id === 'string' && !seen.has(c.Id));
        for (const c of fresh) seen.add(c.Id);
        const stats = await mapLimit(fresh, concurrency, (c) =>
          c.State === 'running' ? containerStats(socket, c.Id, signal, maxBytes) : Promise.resolve(undefined),
        );
        const now = Date.now() / 1000;
        fresh.forEach((c, i) => writeContainer(out, c, stats[i], now));
      }
      if (engines === 0 && opts.required) {
        throw new Error(`no container engine answers on ${candidates.join(', ') || '(no socket set)'}`);
      }
    },
  };
}

/** usableSockets keeps the sockets this process may open, each real file once. */
async function usableSockets(candidates: readonly string[]): Promise<string[]> {
  const found = new Map<string, string>();
  for (const path of candidates) {
    // One stat(2) each: most machines have no engine, and this keeps their scrapes off the thread pool.
    if (!existsSync(path)) continue;
    try {
      await access(path, constants.R_OK | constants.W_OK);
      const real = await realpath(path);
      if (!found.has(real)) found.set(real, path);
    } catch {
      // absent or not ours to open: no engine here for this agent
    }
  }
  return [...found.values()];
}

/** noEngine says whether an error means that nothing listens on the socket (a stale socket file). */
function noEngine(err: unknown): boolean {
  const code = ((err as Error).cause as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ECONNREFUSED' || code === 'ENOENT';
}

/** containerStats asks one container's counters; a container that stopped or went away meanwhile gives none. */
async function containerStats(
  socket: string,
  id: string,
  signal: AbortSignal | undefined,
  maxBytes: number,
): Promise<ContainerStats | undefined> {
  try {
    return await engineGet<ContainerStats>(
      socket,
      `/containers/${encodeURIComponent(id)}/stats?stream=false&one-shot=true`,
      signal,
      maxBytes,
    );
  } catch (err) {
    if (err instanceof EngineError && (err.status === 404 || err.status === 409)) return undefined;
    throw err;
  }
}

/** writeContainer adds one container's series under cAdvisor's names. */
function writeContainer(
  out: MetricSet,
  c: ContainerSummary,
  s: ContainerStats | undefined,
  now: number,
): void {
  const labels = {
    id: c.Id,
    image: c.Image ?? '',
    name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
  };
  const state = c.State ?? 'unknown';
  out.gauge(
    'vigie_container_running',
    'Whether the container is running (1) or not (0).',
    state === 'running' ? 1 : 0,
    labels,
  );
  out.gauge(
    'vigie_container_state',
    "The container's state as its engine names it (running, exited, paused, ...).",
    1,
    {
      ...labels,
      state,
    },
  );
  if (typeof c.Created === 'number') {
    out.gauge(
      'container_start_time_seconds',
      'Start time of the container since unix epoch in seconds.',
      c.Created,
      labels,
    );
  }
  if (s === undefined) return;
  out.gauge('container_last_seen', 'Last time a container was seen by the exporter', now, labels);
  const cpu = s.cpu_stats?.cpu_usage;
  counter(
    out,
    'container_cpu_usage_seconds_total',
    'Cumulative cpu time consumed in seconds.',
    ns(cpu?.total_usage),
    {
      ...labels,
      cpu: 'total',
    },
  );
  counter(
    out,
    'container_cpu_user_seconds_total',
    'Cumulative user cpu time consumed in seconds.',
    ns(cpu?.usage_in_usermode),
    labels,
  );
  counter(
    out,
    'container_cpu_system_seconds_total',
    'Cumulative system cpu time consumed in seconds.',
    ns(cpu?.usage_in_kernelmode),
    labels,
  );
  const mem = s.memory_stats;
  const ms = mem?.stats ?? {};
  // cgroup v2 names first, then v1's; the working set is what `docker stats` shows: usage less inactive file pages.
  const inactiveFile = ms['inactive_file'] ?? ms['total_inactive_file'];
  gauge(
    out,
    'container_memory_usage_bytes',
    'Current memory usage in bytes, including all memory regardless of when it was accessed',
    mem?.usage,
    labels,
  );
  gauge(
    out,
    'container_memory_working_set_bytes',
    'Current working set in bytes.',
    mem?.usage === undefined ? undefined : Math.max(0, mem.usage - (inactiveFile ?? 0)),
    labels,
  );
  gauge(out, 'container_memory_rss', 'Size of RSS in bytes.', ms['anon'] ?? ms['rss'], labels);
  gauge(
    out,
    'container_memory_cache',
    'Number of bytes of page cache memory.',
    ms['file'] ?? ms['cache'],
    labels,
  );
  gauge(out, 'container_spec_memory_limit_bytes', 'Memory limit for the container.', mem?.limit, labels);
  for (const [iface, n] of Object.entries(s.networks ?? {})) {
    const l = { ...labels, interface: iface };
    for (const [dir, verb] of [
      ['receive', 'rx'],
      ['transmit', 'tx'],
    ] as const) {
      const while_ = dir === 'receive' ? 'receiving' : 'transmitting';
      const done = dir === 'receive' ? 'received' : 'transmitted';
      counter(
        out,
        `container_network_${dir}_bytes_total`,
        `Cumulative count of bytes ${done}`,
        n[`${verb}_bytes`],
        l,
      );
      counter(
        out,
        `container_network_${dir}_packets_total`,
        `Cumulative count of packets ${done}`,
        n[`${verb}_packets`],
        l,
      );
      counter(
        out,
        `container_network_${dir}_errors_total`,
        `Cumulative count of errors encountered while ${while_}`,
        n[`${verb}_errors`],
        l,
      );
      counter(
        out,
        `container_network_${dir}_packets_dropped_total`,
        `Cumulative count of packets dropped while ${while_}`,
        n[`${verb}_dropped`],
        l,
      );
    }
  }
  const bytes = s.blkio_stats?.io_service_bytes_recursive;
  const ops = s.blkio_stats?.io_serviced_recursive;
  counter(
    out,
    'container_fs_reads_bytes_total',
    'Cumulative count of bytes read',
    blkio(bytes, 'read'),
    labels,
  );
  counter(
    out,
    'container_fs_writes_bytes_total',
    'Cumulative count of bytes written',
    blkio(bytes, 'write'),
    labels,
  );
  counter(out, 'container_fs_reads_total', 'Cumulative count of reads completed', blkio(ops, 'read'), labels);
  counter(
    out,
    'container_fs_writes_total',
    'Cumulative count of writes completed',
    blkio(ops, 'write'),
    labels,
  );
}

/** blkio sums one operation over every device ("Read" under cgroup v1, "read" under v2); none when absent. */
function blkio(entries: BlkioEntry[] | null | undefined, op: string): number | undefined {
  if (!Array.isArray(entries)) return undefined;
  let sum = 0;
  for (const e of entries) if (e.op.toLowerCase() === op) sum += e.value;
  return sum;
}

function ns(v: number | undefined): number | undefined {
  return v === undefined ? undefined : v / 1e9;
}

function gauge(
  out: MetricSet,
  name: string,
  help: string,
  v: number | undefined,
  labels: Record<string, string>,
): void {
  if (typeof v === 'number' && Number.isFinite(v)) out.gauge(name, help, v, labels);
}

function counter(
  out: MetricSet,
  name: string,
  help: string,
  v: number | undefined,
  labels: Record<string, string>,
): void {
  if (typeof v === 'number' && Number.isFinite(v)) out.counter(name, help, v, labels);
}
