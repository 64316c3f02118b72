/**
 * re2.ts translates the RE2 syntax PromQL users write into an equivalent JavaScript pattern. Node 20's RegExp
 * lacks RE2's inline flag groups (`(?i:…)`, `(?i)`), `(?P<name>…)` and POSIX classes (`[[:alpha:]]`), so
 * those are rewritten: case-insensitive scopes become explicit `[aA]` alternatives.
 */

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const cache = new Map<string, string>();

/** translateRE2 returns a JavaScript regex source matching what the RE2 pattern matches. */
export function translateRE2(re: string): string {
  let out = cache.get(re);
  if (out === undefined) {
    out = translate(re);
    if (cache.size > 10_000) cache.clear();
    cache.set(re, out);
  }
  return out;
}

function foldChar(c: string): string {
  const lo = c.toLowerCase();
  const up = c.toUpperCase();
  return lo !== up && lo.length === 1 && up.length === 1 ? `[${lo}${up}]` : c;
}

function translate(re: string): string {
  let out = '';
  // stack of case-insensitivity per open group; the last entry is the current scope.
  const fold: boolean[] = [false];
  let i = 0;
  while (i < re.length) {
    const c = re[i]!;
    const ci = fold[fold.length - 1]!;
    if (c === '\\') {
      const n = re[i + 1] ?? '';
      if (n === 'z') out += '$';
      else if (n === 'A') out += '^';
      else if (n === 'Q') {
        const end = re.indexOf('\\E', i + 2);
        const lit = re.slice(i + 2, end < 0 ? re.length : end);
        out += [...lit]
          .map((ch) => (ci ? foldChar(ch) : ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')))
          .join('');
        i = end < 0 ? re.length : end + 2;
        continue;
      } else out += c + n;
      i += 2;
      continue;
    }
    if (c === '[') {
      const [cls, next] = charClass(re, i, ci);
      out += cls;
      i = next;
      continue;
    }
    if (c === '(') {
      const flags = /^\(\?([imsU-]+)(:|\))/.exec(re.slice(i));
      if (flags !== null) {
        const on = flags[1]!.split('-')[0]!;
        const off = flags[1]!.split('-')[1] ?? '';
        const newCi = off.includes('i') ? false : on.includes('i') ? true : ci;
        if (flags[2] === ')') fold[fold.length - 1] = newCi;
        else {
          fold.push(newCi);
          out += '(?:';
        }
        i += flags[0].length;
        continue;
      }
      if (re.startsWith('(?P<', i)) {
        out += '(?<';
        i += 4;
        fold.push(ci);
        continue;
      }
      fold.push(ci);
      out += c;
      i++;
      continue;
    }
    if (c === ')') {
      if (fold.length > 1) fold.pop();
      out += c;
      i++;
      continue;
    }
    out += ci ? foldChar(c) : c;
    i++;
  }
  return out;
}

/** charClass translates one bracket expression starting at i, returning it and the index after it. */
function charClass(re: string, i: number, ci: boolean): [string, number] {
  let j = i + 1;
  let out = '[';
  if (re[j] === '^') {
    out += '^';
    j++;
  }
  let first = true;
  const extra: string[] = [];
  while (j < re.length && (re[j] !== ']' || first)) {
    first = false;
    const posix = /^\[:(\^?)([a-z]+):\]/.exec(re.slice(j));
    if (posix !== null && POSIX[posix[2]!] !== undefined) {
      out += POSIX[posix[2]!];
      j += posix[0].length;
      continue;
    }
    if (re[j] === '\\') {
      out += re.slice(j, j + 2);
      j += 2;
      continue;
    }
    const range = /^(.)-([^\]])/.exec(re.slice(j));
    if (range !== null) {
      out += range[0];
      if (ci) extra.push(...caseRange(range[1]!, range[2]!));
      j += 3;
      continue;
    }
    const ch = re[j]!;
    out += ch === '[' ? '\\[' : ch;
    if (ci && ch.toLowerCase() !== ch.toUpperCase()) extra.push(ch.toLowerCase(), ch.toUpperCase());
    j++;
  }
  return [out + extra.join('') + ']', j + 1];
}

function caseRange(a: string, b: string): string[] {
  const out: string[] = [];
  for (let c = a.charCodeAt(0); c <= b.charCodeAt(0) && out.length < 200; c++) {
    const ch = String.fromCharCode(c);
    if (ch.toLowerCase() !== ch.toUpperCase()) out.push(ch.toLowerCase(), ch.toUpperCase());
  }
  return out;
}
