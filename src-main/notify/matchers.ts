import type { MatchType, Matcher } from '../common/matcher';

const MATCHER_RE = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|[^"]*?)\s*$/;

/**
 * parseMatcher reads one Alertmanager matcher (`severity="critical"`, `alertname=~"Disk.*"`, unquoted
 * values allowed as in amtool). Throws with the matcher's text when it is not one.
 */
export function parseMatcher(text: string): Matcher {
  const m = MATCHER_RE.exec(text);
  if (m === null)
    throw new Error(
      `bad matcher ${JSON.stringify(text)}: use name="value", name!="value", name=~"re" or name!~"re"`,
    );
  const raw = m[3]!;
  const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
  return { name: m[1]!, type: m[2] as MatchType, value };
}

/** parseMatchers reads a list of matchers, also accepting one `{a="b", c=~"d"}` selector string. */
export function parseMatchers(texts: readonly string[]): Matcher[] {
  const out: Matcher[] = [];
  for (const t of texts) {
    const s = t.trim();
    if (s.startsWith('{') && s.endsWith('}')) {
      for (const part of splitTopLevel(s.slice(1, -1))) if (part.trim() !== '') out.push(parseMatcher(part));
    } else out.push(parseMatcher(s));
  }
  return out;
}

/** splitTopLevel splits on commas outside quotes. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && quoted) {
      cur += c + (s[++i] ?? '');
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** formatMatcher prints a matcher back as Alertmanager does. */
export function formatMatcher(m: Matcher): string {
  return `${m.name}${m.type}${JSON.stringify(m.value)}`;
}
