/** MatchType is one of PromQL's four label matcher operators. */
export type MatchType = '=' | '!=' | '=~' | '!~';

/** Matcher selects series by one label; a missing label matches as the empty string, as in Prometheus. */
export interface Matcher {
  readonly name: string;
  readonly type: MatchType;
  readonly value: string;
}

const regexCache = new Map<string, RegExp>();

/**
 * anchoredRegex compiles a PromQL regex fully anchored, as Prometheus does (`^(?s:re)$`): `.` matches
 * newlines too. RE2 syntax is close enough to JS's with the `s` flag for the patterns users write;
 * compiled patterns are cached because the same matcher runs against every series of a selection.
 */
export function anchoredRegex(re: string): RegExp {
  let r = regexCache.get(re);
  if (r === undefined) {
    r = new RegExp(`^(?:${re})$`, 's');
    if (regexCache.size > 10_000) regexCache.clear();
    regexCache.set(re, r);
  }
  return r;
}

/** matches tells whether a label value (undefined when the label is absent) satisfies a matcher. */
export function matches(m: Matcher, value: string | undefined): boolean {
  const v = value ?? '';
  switch (m.type) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return anchoredRegex(m.value).test(v);
    case '!~':
      return !anchoredRegex(m.value).test(v);
  }
}

/** matchesAll tells whether a label set satisfies every matcher of a selector. */
export function matchesAll(ms: readonly Matcher[], labels: Readonly<Record<string, string>>): boolean {
  for (const m of ms) if (!matches(m, labels[m.name])) return false;
  return true;
}
