import { join } from 'node:path';
import type { MetricSet } from '../../metrics';
import type { Collector } from '../collector';
import { type LinuxPaths, parseNumber, readOptional, readText } from './paths';

/** DEFAULT_NETDEV_DEVICE_EXCLUDE is the installed node_exporter 1.5's default --collector.netdev.device-exclude. */
export const DEFAULT_NETDEV_DEVICE_EXCLUDE = '^lo$';

const RX = ['bytes', 'packets', 'errs', 'drop', 'fifo', 'frame', 'compressed', 'multicast'] as const;
const TX = ['bytes', 'packets', 'errs', 'drop', 'fifo', 'colls', 'carrier', 'compressed'] as const;

/** NetdevOptions are the netdev collector's settings. */
export interface NetdevOptions {
  deviceExclude?: string;
}

/**
 * netdevCollector exposes node_network_{receive,transmit}_*_total{device} from /proc/net/dev, whose columns
 * are the netlink counters node_exporter 1.5 reads, already folded the way its "legacy" names fold them;
 * receive_nohandler, which /proc/net/dev lacks, comes from sysfs's statistics/rx_nohandler.
 */
export function netdevCollector(paths: LinuxPaths, opts: NetdevOptions = {}): Collector {
  const exclude = new RegExp(opts.deviceExclude ?? DEFAULT_NETDEV_DEVICE_EXCLUDE);
  return {
    name: 'netdev',
    async collect(out) {
      const file = join(paths.procfs, 'net/dev');
      const devices = parseNetDev(await readText(file), file, out, exclude);
      for (const device of devices) {
        const raw = await readOptional(join(paths.sysfs, 'class/net', device, 'statistics/rx_nohandler'));
        if (raw === undefined) continue;
        const v = Number(raw.trim());
        if (!Number.isNaN(v)) counter(out, 'receive_nohandler', v, device);
      }
    },
  };
}

function counter(out: MetricSet, stat: string, v: number, device: string): void {
  out.counter(`node_network_${stat}_total`, `Network device statistic ${stat}.`, v, { device });
}

/** parseNetDev reads /proc/net/dev (two header lines, then `name: 8 rx + 8 tx columns`) and returns the devices kept. */
export function parseNetDev(text: string, file: string, out: MetricSet, exclude: RegExp): string[] {
  const devices: string[] = [];
  const lines = text.split('\n');
  for (let i = 2; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.lastIndexOf(':');
    if (colon < 0) continue;
    const device = line.slice(0, colon).trim();
    if (exclude.test(device)) continue;
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    if (f.length < 16) throw new Error(`${file}:${i + 1}: ${device}: expected 16 columns, got ${f.length}`);
    for (let k = 0; k < 8; k++) {
      counter(
        out,
        `receive_${RX[k]}`,
        parseNumber(f[k], `${file}:${i + 1}: ${device} column ${k + 1}`),
        device,
      );
      counter(
        out,
        `transmit_${TX[k]}`,
        parseNumber(f[k + 8], `${file}:${i + 1}: ${device} column ${k + 9}`),
        device,
      );
    }
    devices.push(device);
  }
  return devices;
}
