import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricSet } from '../../metrics';
import type { Collector } from '../collector';
import { parseListUnits, parseShow, parseSystemdVersion, type SystemdUnit } from './parse';

/**
 * DEFAULT_UNIT_INCLUDE lists the services a lab usually cares about (remote access, time, logging, web,
 * databases, containers, file sharing, DNS, VPN, virtualisation, Vigie itself), so the default payload stays
 * at a few dozen series; node_exporter includes every unit (".+"), which is a flag away. Failed units outside
 * the list still show in node_systemd_units{state="failed"}.
 */
export const DEFAULT_UNIT_INCLUDE =
  '(ssh|sshd|cron|crond|cronie|rsyslog|chrony|chronyd|ntp|ntpsec|NetworkManager|networking' +
  '|systemd-(journald|logind|networkd|resolved|timesyncd|udevd)|docker|containerd|podman|nginx|apache2|httpd' +
  '|caddy|haproxy|postgresql(@.+)?|mysql|mariadb|redis(-server)?|mongod|smbd|nmbd|nfs-server|named|bind9' +
  '|unbound|dnsmasq|pihole-FTL|tailscaled|wg-quick@.+|fail2ban|libvirtd|kubelet|k3s|smartd|zfs-zed' +
  '|prometheus|prometheus-node-exporter|grafana-server|vigie-agent)\\.service';

/** DEFAULT_UNIT_EXCLUDE is node_exporter 1.5's: units that are not services a person starts or stops. */
export const DEFAULT_UNIT_EXCLUDE = '.+\\.(automount|device|mount|scope|slice|target)';

/** UNIT_STATES are node_exporter's unitStatesName: one node_systemd_unit_state series per state per unit. */
export const UNIT_STATES = ['active', 'activating', 'deactivating', 'inactive', 'failed'] as const;

/** Systemctl runs `systemctl ARGS` and gives its standard output; it rejects with a message that says why. */
export type Systemctl = (args: readonly string[], signal?: AbortSignal) => Promise<string>;

/** SystemdOptions are the systemd collector's settings (node_exporter's --collector.systemd.* flags). */
export interface SystemdOptions {
  /** unitInclude: units whose whole name matches are reported one by one (default DEFAULT_UNIT_INCLUDE). */
  unitInclude?: string;
  /** unitExclude: units whose whole name matches are not (default DEFAULT_UNIT_EXCLUDE). */
  unitExclude?: string;
  /** systemctl is the program run (default `systemctl` on the PATH). */
  systemctl?: string;
  /** maxOutputBytes bounds what one systemctl call may print (default 16 MiB). */
  maxOutputBytes?: number;
  /**
   * required (--collector.systemd): fail when systemd is not the init system. By default such a machine
   * (Alpine, a container, WSL) reports no systemd series and success 1, so it raises no alert for what it
   * cannot have.
   */
  required?: boolean;
}

/**
 * execSystemctl runs systemctl in the C locale, without pager or colours, so its output is stable to parse;
 * a failure names the command and carries systemctl's own message ("Failed to connect to bus: ...").
 */
export function execSystemctl(program = 'systemctl', maxOutputBytes = 16 << 20): Systemctl {
  return (args, signal) =>
    new Promise((resolve, reject) => {
      execFile(
        program,
        [...args],
        {
          signal,
          maxBuffer: maxOutputBytes,
          env: { ...process.env, LC_ALL: 'C', SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '' },
        },
        (err, stdout, stderr) => {
          if (err === null) return resolve(stdout);
          const why = stderr.trim().split('\n')[0] || err.message;
          reject(new Error(`${program} ${args[0]}: ${why}`, { cause: err }));
        },
      );
    });
}

/**
 * systemdCollector reports systemd's units with node_exporter's names: node_systemd_unit_state{name,state,type}
 * (for each included unit, one series per state, 1 for the current one; type is a service's Type), the
 * node_systemd_units{state} summary over every loaded unit, node_systemd_system_running and
 * node_systemd_version. It asks systemctl (no D-Bus library needed): three short runs per scrape. Where
 * systemd is not PID 1 (runDir has no systemd/system, as sd_booted checks) it runs nothing: it reports no
 * series, or, when required, fails at once (node_scrape_collector_success{collector="systemd"} 0).
 */
export function systemdCollector(
  opts: SystemdOptions = {},
  runDir = '/run',
  systemctl: Systemctl = execSystemctl(opts.systemctl, opts.maxOutputBytes),
): Collector {
  const include = new RegExp(`^(?:${opts.unitInclude ?? DEFAULT_UNIT_INCLUDE})$`);
  const exclude = new RegExp(`^(?:${opts.unitExclude ?? DEFAULT_UNIT_EXCLUDE})$`);
  const booted = join(runDir, 'systemd/system');
  return {
    name: 'systemd',
    async collect(out, signal) {
      if (!existsSync(booted)) {
        if (opts.required) throw new Error(`systemd is not the init system here (no ${booted})`);
        return;
      }
      const [listed, manager] = await Promise.all([
        systemctl(['list-units', '--all', '--plain', '--full', '--no-legend', '--no-pager'], signal),
        systemctl(['show', '--property=Version,SystemState', '--no-pager'], signal),
      ]);
      const all = parseListUnits(listed);
      const units = all.filter(
        (u) => u.loadState === 'loaded' && include.test(u.name) && !exclude.test(u.name),
      );
      const types = await unitTypes(systemctl, units, signal);
      writeMetrics(out, all, units, types, parseShow(manager)[0] ?? {});
    },
  };
}

/** unitTypes asks for the Type of the included services and mounts (what node_exporter puts in `type`). */
async function unitTypes(
  systemctl: Systemctl,
  units: readonly SystemdUnit[],
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const typed = units.filter((u) => u.name.endsWith('.service') || u.name.endsWith('.mount'));
  const types = new Map<string, string>();
  if (typed.length === 0) return types;
  const shown = await systemctl(
    ['show', '--property=Id,Type', '--no-pager', '--', ...typed.map((u) => u.name)],
    signal,
  );
  for (const block of parseShow(shown)) {
    if (block['Id'] !== undefined) types.set(block['Id'], block['Type'] ?? '');
  }
  return types;
}

function writeMetrics(
  out: MetricSet,
  all: readonly SystemdUnit[],
  units: readonly SystemdUnit[],
  types: ReadonlyMap<string, string>,
  manager: Record<string, string>,
): void {
  for (const u of units) {
    const type = types.get(u.name) ?? '';
    for (const state of UNIT_STATES) {
      out.gauge('node_systemd_unit_state', 'Systemd unit', u.activeState === state ? 1 : 0, {
        name: u.name,
        state,
        type,
      });
    }
  }
  const summary = new Map<string, number>(UNIT_STATES.map((s) => [s, 0]));
  for (const u of all) summary.set(u.activeState, (summary.get(u.activeState) ?? 0) + 1);
  for (const [state, n] of summary) {
    out.gauge('node_systemd_units', 'Summary of systemd unit states', n, { state });
  }
  if (manager['SystemState'] !== undefined) {
    out.gauge(
      'node_systemd_system_running',
      "Whether the system is operational (see 'systemctl is-system-running')",
      manager['SystemState'] === 'running' ? 1 : 0,
    );
  }
  if (manager['Version'] !== undefined) {
    out.gauge('node_systemd_version', 'Detected systemd version', parseSystemdVersion(manager['Version']), {
      version: manager['Version'],
    });
  }
}
