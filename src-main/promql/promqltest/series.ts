import { unquoteString, parseDurationMs, isDurationText } from '../literals';
import type { Labels } from '../../common/labels';

/** SeriesValue is one expanded point of a test series: a number, a stale marker, or a gap (`_`). */
export type SeriesValue = number | 'stale' | null;

/** LoadValue is a point of a loaded series, where native histogram points are only marked as such. */
export type LoadValue = SeriesValue | 'histogram';

/**
 * expandLoadValues expands a load line's values, keeping the slots of native histogram points (`{{…}}`,
 * `{{…}}xN`, `{{…}}+{{…}}xN`) as 'histogram' so that float points of mixed series keep their times.
 */
export function expandLoadValues(text: string): LoadValue[] {
  const out: LoadValue[] = [];
  let rest = text.trim();
  while (rest !== '') {
    if (rest.startsWith('{{')) {
      const m = /^\{\{[^}]*\}\}(?:[-+]\{\{[^}]*\}\})?(?:x(\d+))?/.exec(rest);
      if (m === null) throw new Error(`bad native histogram value in ${JSON.stringify(text)}`);
      const n = m[1] === undefined ? 1 : Number(m[1]) + 1;
      for (let i = 0; i < n; i++) out.push('histogram');
      rest = rest.slice(m[0].length).trim();
      continue;
    }
    const tok = /^\S+/.exec(rest)![0];
    out.push(...expandValues(tok));
    rest = rest.slice(tok.length).trim();
  }
  return out;
}

/** parseTestTime parses a test script time (`50m`, `0`, `-1m`, `1.5`) into ms. */
export function parseTestTime(text: string): number {
  const t = text.trim();
  const neg = t.startsWith('-');
  const body = neg ? t.slice(1) : t;
  const ms = isDurationText(body) ? parseDurationMs(body) : Math.round(Number(body) * 1000);
  if (Number.isNaN(ms)) throw new Error(`invalid time ${JSON.stringify(text)}`);
  return neg ? -ms : ms;
}

/** parseSeriesDesc splits `name{a="b"} values…` into labels and the rest of the line. */
export function parseSeriesDesc(line: string): { labels: Labels; rest: string } {
  let i = 0;
  const s = line.trim();
  const labels: Record<string, string> = {};
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(s);
  if (
    nameMatch !== null &&
    s[nameMatch[0].length] !== undefined &&
    !/^(stale|nan|inf)$/i.test(nameMatch[0])
  ) {
    labels.__name__ = nameMatch[0];
    i = nameMatch[0].length;
  }
  if (s[i] === '{') {
    i++;
    for (;;) {
      while (s[i] === ' ' || s[i] === ',') i++;
      if (s[i] === '}') {
        i++;
        break;
      }
      let name: string;
      if (s[i] === '"') {
        const end = stringEnd(s, i);
        name = unquoteString(s.slice(i, end));
        i = end;
      } else {
        const m = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(s.slice(i));
        if (m === null) throw new Error(`bad label name at column ${i + 1} of ${JSON.stringify(line)}`);
        name = m[0];
        i += name.length;
      }
      while (s[i] === ' ') i++;
      if (s[i] === ',' || s[i] === '}') {
        labels.__name__ = name;
        continue;
      }
      if (s[i] !== '=') throw new Error(`expected "=" at column ${i + 1} of ${JSON.stringify(line)}`);
      i++;
      while (s[i] === ' ') i++;
      const end = stringEnd(s, i);
      labels[name] = unquoteString(s.slice(i, end));
      i = end;
    }
  }
  return { labels, rest: s.slice(i).trim() };
}

function stringEnd(s: string, i: number): number {
  const q = s[i];
  if (q !== '"' && q !== "'" && q !== '`') throw new Error(`expected a quoted string at column ${i + 1}`);
  let j = i + 1;
  while (j < s.length && s[j] !== q) j += s[j] === '\\' && q !== '`' ? 2 : 1;
  return j + 1;
}

function parseValue(tok: string): number {
  const t = tok.toLowerCase();
  if (t === 'inf' || t === '+inf') return Infinity;
  if (t === '-inf') return -Infinity;
  if (t === 'nan') return NaN;
  const v = Number(tok);
  if (tok.trim() === '' || Number.isNaN(v)) throw new Error(`invalid value ${JSON.stringify(tok)}`);
  return v;
}

/** expandValues expands `1+2x3 _ stale 5x2 _x2` into points; throws on native histograms (`{{`). */
export function expandValues(text: string): SeriesValue[] {
  if (text.includes('{{')) throw new Error('native histogram values are not supported');
  const out: SeriesValue[] = [];
  for (const tok of text.split(/\s+/).filter((x) => x !== '')) {
    if (tok === '_') out.push(null);
    else if (tok.toLowerCase() === 'stale') out.push('stale');
    else if (/^_x\d+$/.test(tok)) for (let k = 0; k < Number(tok.slice(2)); k++) out.push(null);
    else {
      const m = /^([-+]?(?:[0-9.eE]+|inf|nan|Inf|NaN))(?:([-+])([0-9.eE]+|Inf|inf))?x(\d+)$/.exec(tok);
      if (m === null) {
        out.push(parseValue(tok));
        continue;
      }
      let k = parseValue(m[1]!);
      const inc = m[2] === undefined ? 0 : (m[2] === '-' ? -1 : 1) * parseValue(m[3]!);
      const times = Number(m[4]);
      for (let j = 0; j <= times; j++) {
        out.push(k);
        k += inc;
      }
    }
  }
  return out;
}
