/** SystemdUnit is one line of `systemctl list-units`: what D-Bus ListUnits gives node_exporter. */
export interface SystemdUnit {
  readonly name: string;
  /** loadState: loaded, not-found, masked, bad-setting, error, ... */
  readonly loadState: string;
  /** activeState: active, activating, deactivating, inactive, failed, reloading, ... */
  readonly activeState: string;
  readonly subState: string;
}

/**
 * parseListUnits reads `systemctl list-units --all --plain --full --no-legend --no-pager`: one unit per line,
 * UNIT LOAD ACTIVE SUB DESCRIPTION separated by runs of spaces (unit names cannot hold spaces; the
 * description can, and is not needed). Some versions still print a "●" before units that failed or were
 * not found; it is skipped. A line with fewer than four fields is an error naming the line.
 */
export function parseListUnits(text: string): SystemdUnit[] {
  const units: SystemdUnit[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const fields = lines[i]!.trim().split(/\s+/);
    if (fields[0] === '') continue;
    if (fields[0] === '●' || fields[0] === '*') fields.shift();
    if (fields.length < 4) {
      throw new Error(
        `systemctl list-units, line ${i + 1}: expected UNIT LOAD ACTIVE SUB, got ${JSON.stringify(lines[i])}`,
      );
    }
    units.push({
      name: fields[0]!,
      loadState: fields[1]!,
      activeState: fields[2]!,
      subState: fields[3]!,
    });
  }
  return units;
}

/**
 * parseShow reads `systemctl show --property=...` output: KEY=VALUE lines, one block per unit (or one for
 * the manager), blocks separated by an empty line.
 */
export function parseShow(text: string): Array<Record<string, string>> {
  const blocks: Array<Record<string, string>> = [];
  let cur: Record<string, string> | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      cur = undefined;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    if (cur === undefined) blocks.push((cur = {}));
    cur[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return blocks;
}

/** parseSystemdVersion reads the number node_exporter reports from a Version such as "252.39-1~deb12u2". */
export function parseSystemdVersion(version: string): number {
  const m = /[0-9]{3,}(\.[0-9]+)?/.exec(version);
  return m === null ? 0 : Number(m[0]);
}
