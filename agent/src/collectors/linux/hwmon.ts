import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { MetricSet } from '../../metrics';
import type { Collector } from '../collector';
import { type LinuxPaths, readOptional, readSlowOptional } from './paths';

const SENSOR_FILE = /^([^0-9]+)([0-9]*)(?:_(.+))?$/;
const SENSOR_TYPES = new Set([
  'vrm',
  'beep_enable',
  'update_interval',
  'in',
  'cpu',
  'fan',
  'pwm',
  'temp',
  'curr',
  'power',
  'energy',
  'humidity',
  'intrusion',
]);

/** cleanName lowercases and replaces what is not [a-z0-9:_] by `_`, trimming `_`, as node_exporter's hwmon does. */
export function cleanName(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9:_]/g, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * hwmonCollector exposes /sys/class/hwmon the way node_exporter 1.5 does: node_hwmon_temp_celsius{chip,sensor}
 * and the other temperature/fan/voltage/power readings in base units, node_hwmon_sensor_label, and
 * node_hwmon_chip_names. Machines without hwmon (VMs) get nothing, and the collector still succeeds.
 */
export function hwmonCollector(paths: LinuxPaths): Collector {
  return {
    name: 'hwmon',
    async collect(out) {
      const base = join(paths.sysfs, 'class/hwmon');
      let entries: string[];
      try {
        entries = await readdir(base);
      } catch {
        return;
      }
      for (const e of entries.sort()) {
        const dir = join(base, e);
        const st = await stat(dir).catch(() => undefined);
        if (st?.isDirectory() === true) await collectChip(dir, out);
      }
    },
  };
}

/** chipName prefers the stable device path (`platform_coretemp_0`), then the `name` file, then `hwmonN`. */
async function chipName(dir: string): Promise<string> {
  const dev = await realpath(join(dir, 'device')).catch(() => undefined);
  if (dev !== undefined) {
    const name = cleanName(basename(dev));
    const type = cleanName(basename(dirname(dev)));
    if (type !== '' && name !== '') return `${type}_${name}`;
    if (name !== '') return name;
  }
  const n = cleanName((await readOptional(join(dir, 'name'))) ?? '');
  if (n !== '') return n;
  return cleanName(basename(await realpath(dir)));
}

async function readSensors(dir: string, data: Map<string, Map<string, string>>): Promise<void> {
  let files: string[];
  try {
    files = await readdir(dir);
  } catch {
    return;
  }
  for (const f of files) {
    const m = SENSOR_FILE.exec(f);
    if (m === null || !SENSOR_TYPES.has(m[1]!)) continue;
    const value = await readSlowOptional(join(dir, f));
    if (value === undefined) continue;
    const sensor = m[1]! + (m[2] === '' ? '0' : String(Number(m[2])));
    let props = data.get(sensor);
    if (props === undefined) data.set(sensor, (props = new Map()));
    props.set(m[3] ?? '', value.replace(/\n$/, ''));
  }
}

async function collectChip(dir: string, out: MetricSet): Promise<void> {
  const chip = await chipName(dir);
  const human = cleanName((await readOptional(join(dir, 'name'))) ?? '');
  if (human !== '')
    out.gauge('node_hwmon_chip_names', 'Annotation metric for human-readable chip names', 1, {
      chip,
      chip_name: human,
    });
  const data = new Map<string, Map<string, string>>();
  await readSensors(dir, data);
  await readSensors(join(dir, 'device'), data);
  for (const [sensor, props] of data) {
    const type = SENSOR_FILE.exec(sensor)![1]!;
    const labels = { chip, sensor };
    const label = props.get('label');
    if (label !== undefined) {
      out.gauge('node_hwmon_sensor_label', 'Label for given chip and sensor', 1, {
        chip,
        label: label.trim(),
        sensor,
      });
    }
    for (const [element, raw] of props) {
      if (element === 'label') continue;
      const v = Number(raw);
      if (raw.trim() === '' || Number.isNaN(v)) continue;
      emitReading(type, element, props.has(''), v, labels, out);
    }
  }
}

/** emitReading names and scales one sensor file the way node_exporter's hwmon collector does. */
function emitReading(
  type: string,
  element: string,
  hasBare: boolean,
  v: number,
  labels: Record<string, string>,
  out: MetricSet,
): void {
  if (type === 'beep_enable')
    return out.gauge('node_hwmon_beep_enabled', 'Hardware beep enabled', v === 1 ? 1 : 0, labels);
  if (type === 'vrm')
    return out.gauge('node_hwmon_voltage_regulator_version', 'Hardware voltage regulator', v, labels);
  if (type === 'update_interval') {
    return out.gauge(
      'node_hwmon_update_interval_seconds',
      'Hardware monitor update interval',
      v * 0.001,
      labels,
    );
  }
  let name = `node_hwmon_${type}`;
  if (element === 'input') {
    if (hasBare) name += '_input';
  } else if (element !== '') name += '_' + cleanName(element);
  if (element === 'fault' || element === 'alarm') {
    return out.gauge(name, `Hardware sensor ${element} status (${type})`, v, labels);
  }
  if (element === 'beep')
    return out.gauge(name + '_enabled', 'Hardware monitor sensor has beeping enabled', v, labels);
  if (type === 'in' || type === 'cpu')
    return out.gauge(name + '_volts', `Hardware monitor for voltage (${element})`, v * 0.001, labels);
  if (type === 'temp' && element !== 'type') {
    return out.gauge(name + '_celsius', `Hardware monitor for temperature (${element})`, v * 0.001, labels);
  }
  if (type === 'curr')
    return out.gauge(name + '_amps', `Hardware monitor for current (${element})`, v * 0.001, labels);
  if (type === 'energy') {
    return out.counter(
      name + '_joule_total',
      `Hardware monitor for joules used so far (${element})`,
      v / 1e6,
      labels,
    );
  }
  if (type === 'power' && element === 'accuracy') {
    return out.gauge(name, 'Hardware monitor power meter accuracy, as a ratio', v / 1e6, labels);
  }
  if (type === 'power' && /^average_interval(_min|_max)?$/.test(element)) {
    return out.gauge(
      name + '_seconds',
      `Hardware monitor power usage update interval (${element})`,
      v * 0.001,
      labels,
    );
  }
  if (type === 'power')
    return out.gauge(
      name + '_watt',
      `Hardware monitor for power usage in watts (${element})`,
      v / 1e6,
      labels,
    );
  if (type === 'humidity') {
    return out.gauge(
      name,
      `Hardware monitor for humidity, as a ratio (multiply with 100.0 to get the humidity as a percentage) (${element})`,
      v / 1e6,
      labels,
    );
  }
  if (type === 'fan' && ['input', 'min', 'max', 'target'].includes(element)) {
    return out.gauge(
      name + '_rpm',
      `Hardware monitor for fan revolutions per minute (${element})`,
      v,
      labels,
    );
  }
  out.gauge(name, `Hardware monitor ${type} element ${element}`, v, labels);
}
