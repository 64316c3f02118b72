import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * localZoneName gives the local time zone's abbreviation ("UTC", "CET", "CEST") as Go's time.Now().Zone()
 * does for node_exporter: from the POSIX TZ rule in the footer of the zone file ($TZ under
 * /usr/share/zoneinfo, else /etc/localtime), choosing the standard or daylight name by the current offset.
 * When no zone file can be read it falls back to Intl's short name.
 */
export async function localZoneName(d: Date, offsetSeconds: number): Promise<string> {
  const tz = process.env['TZ'];
  if (tz === '' || tz === 'UTC' || tz === ':UTC') return 'UTC';
  const file = tz === undefined ? '/etc/localtime' : join('/usr/share/zoneinfo', tz.replace(/^:/, ''));
  try {
    const data = await readFile(file);
    const name = zoneNameFromFooter(data.toString('latin1'), offsetSeconds);
    if (name !== undefined) return name;
  } catch {
    // fall through to Intl
  }
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
    .formatToParts(d)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? 'UTC';
}

const POSIX_TZ = /^(<[^>]+>|[A-Za-z]{3,})([+-]?\d{1,2}(?::\d{1,2}){0,2})(<[^>]+>|[A-Za-z]{3,})?/;

/** zoneNameFromFooter reads the POSIX TZ string a TZif v2+ file ends with, e.g. `CET-1CEST,M3.5.0,M10.5.0/3`. */
export function zoneNameFromFooter(tzif: string, offsetSeconds: number): string | undefined {
  const trimmed = tzif.endsWith('\n') ? tzif.slice(0, -1) : tzif;
  const footer = trimmed.slice(trimmed.lastIndexOf('\n') + 1);
  const m = POSIX_TZ.exec(footer);
  if (m === null) return undefined;
  const unbracket = (s: string): string => s.replace(/^<(.*)>$/, '$1');
  const [h = '0', min = '0', sec = '0'] = m[2]!.replace(/^[+-]/, '').split(':');
  const sign = m[2]!.startsWith('-') ? -1 : 1;
  // POSIX offsets count west of Greenwich: CET-1 is one hour east.
  const stdOffset = -sign * (Number(h) * 3600 + Number(min) * 60 + Number(sec));
  if (m[3] === undefined || offsetSeconds === stdOffset) return unbracket(m[1]!);
  return unbracket(m[3]);
}
