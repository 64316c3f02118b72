/**
 * goFloat formats a number as Go's `%v` / `%g` does (Prometheus renders `{{ $value }}` this way), so a
 * template shows `1e+06` where Prometheus does. `prec` is %g's precision (significant digits); without it
 * the shortest exact form is used, switching to an exponent outside [1e-4, 1e6) as Go's strconv does.
 */
export function goFloat(v: number, prec?: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const p = prec === undefined ? undefined : Math.max(prec, 1);
  const e = p === undefined ? v.toExponential() : v.toExponential(p - 1);
  const [mant, expText] = e.split('e') as [string, string];
  const exp = Number(expText);
  const eprec = p === undefined ? 6 : p;
  if (exp < -4 || exp >= eprec) {
    const m = stripZeros(mant);
    const sign = exp < 0 ? '-' : '+';
    return `${m}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (p === undefined) return String(v);
  return stripZeros(v.toFixed(Math.max(p - 1 - exp, 0)));
}

/** stripZeros drops trailing fractional zeros (and a bare point), as %g does without the `#` flag. */
function stripZeros(s: string): string {
  if (!s.includes('.')) return s;
  return s.replace(/0+$/, '').replace(/\.$/, '');
}

/**
 * goSprintf implements the part of Go's fmt.Sprintf that alert templates use: %s %v %d %f %e %g %q %x %t
 * %%, with flags `-+ 0`, width and precision. An unknown verb renders `%!c(value)` as Go does.
 */
export function goSprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let ai = 0;
  const re = /%([-+ 0#]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g;
  let last = 0;
  for (let m = re.exec(format); m !== null; m = re.exec(format)) {
    out += format.slice(last, m.index);
    last = re.lastIndex;
    const flags = m[1] ?? '';
    const width = m[2];
    const precText = m[3];
    const verb = m[4]!;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (ai >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[ai++];
    const prec = precText === undefined ? undefined : Number(precText);
    let s: string;
    switch (verb) {
      case 's':
      case 'v':
        s = typeof arg === 'number' ? goFloat(arg, prec) : goString(arg);
        if (verb === 's' && prec !== undefined && typeof arg !== 'number') s = s.slice(0, prec);
        break;
      case 'q':
        s = JSON.stringify(goString(arg));
        break;
      case 't':
        s = String(Boolean(arg));
        break;
      case 'd':
        s = typeof arg === 'number' ? String(Math.trunc(arg)) : `%!d(${goTypeName(arg)}=${goString(arg)})`;
        break;
      case 'x':
        s =
          typeof arg === 'number' ? Math.trunc(arg).toString(16) : Buffer.from(goString(arg)).toString('hex');
        break;
      case 'f':
      case 'F':
      case 'e':
      case 'g': {
        const n = typeof arg === 'number' ? arg : Number.NaN;
        if (typeof arg !== 'number') {
          s = `%!${verb}(${goTypeName(arg)}=${goString(arg)})`;
          break;
        }
        if (!Number.isFinite(n)) s = goFloat(n);
        else if (verb === 'g') s = goFloat(n, prec);
        else if (verb === 'e') {
          const [mm, ee] = n.toExponential(prec ?? 6).split('e') as [string, string];
          const x = Number(ee);
          s = `${mm}e${x < 0 ? '-' : '+'}${String(Math.abs(x)).padStart(2, '0')}`;
        } else s = n.toFixed(prec ?? 6);
        if (flags.includes('+') && n >= 0) s = '+' + s;
        else if (flags.includes(' ') && n >= 0) s = ' ' + s;
        break;
      }
      default:
        s = `%!${verb}(${goTypeName(arg)}=${goString(arg)})`;
    }
    if (width !== undefined && s.length < Number(width)) {
      const pad = Number(width) - s.length;
      if (flags.includes('-')) s = s + ' '.repeat(pad);
      else if (flags.includes('0') && /^[-+ ]?[0-9]/.test(s)) {
        const sign = /^[-+ ]/.test(s) ? s[0]! : '';
        s = sign + '0'.repeat(pad) + s.slice(sign.length);
      } else s = ' '.repeat(pad) + s;
    }
    out += s;
  }
  out += format.slice(last);
  if (ai < args.length) out += `%!(EXTRA ${args.slice(ai).map(goString).join(', ')})`;
  return out;
}

/** goString prints a template value as Go's fmt %v would: maps as `map[k:v]`, lists as `[a b]`. */
export function goString(v: unknown): string {
  if (v === undefined || v === null) return '<no value>';
  if (typeof v === 'number') return goFloat(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).sort();
    return `map[${keys.map((k) => `${k}:${goString(o[k])}`).join(' ')}]`;
  }
  return String(v);
}

function goTypeName(v: unknown): string {
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  return 'map[string]string';
}
