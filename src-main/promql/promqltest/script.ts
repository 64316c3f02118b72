import { parseTestTime } from './series';

/** LoadCmd adds series; `nhcb` marks load_with_nhcb (classic series also converted to native histograms). */
export interface LoadCmd {
  kind: 'load';
  line: number;
  intervalMs: number;
  nhcb: boolean;
  series: string[];
}
export interface ClearCmd {
  kind: 'clear';
  line: number;
}
export interface Expectation {
  type: 'fail' | 'warn' | 'info' | 'no_warn' | 'no_info' | 'ordered';
  match?: 'msg' | 'regex';
  text?: string;
}
export interface EvalCmd {
  kind: 'eval';
  line: number;
  instant: boolean;
  /** start/end/step in ms; for an instant query start === end and step is 0. */
  start: number;
  end: number;
  step: number;
  expr: string;
  expects: Expectation[];
  expectString?: string;
  expectRange?: { start: number; end: number; step: number };
  results: string[];
}
export type Command = LoadCmd | ClearCmd | EvalCmd;

const EVAL_INSTANT = /^eval(?:_(fail|warn|info|ordered))?\s+instant\s+at\s+(\S+)\s+(.+)$/;
const EVAL_RANGE =
  /^eval(?:_(fail|warn|info|ordered))?\s+range\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)\s+(.+)$/;
const EXPECT = /^expect\s+(ordered|fail|warn|no_warn|info|no_info)(?:\s+(regex|msg):(.+))?$/;
const EXPECT_RANGE = /^expect range vector\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)$/;

/** parseScript reads a promqltest script into commands; errors name the line. */
export function parseScript(text: string): Command[] {
  const lines = text.split('\n');
  const cmds: Command[] = [];
  let i = 0;
  const block = (): string[] => {
    const out: string[] = [];
    while (i < lines.length) {
      const raw = lines[i]!;
      const t = raw.trim();
      if (t === '') break;
      if (!/^\s/.test(raw) && !t.startsWith('#') && !t.startsWith('expect')) break;
      i++;
      if (t.startsWith('#')) continue;
      out.push(t);
    }
    return out;
  };
  while (i < lines.length) {
    const t = lines[i]!.trim();
    const lineNo = i + 1;
    i++;
    if (t === '' || t.startsWith('#')) continue;
    let m: RegExpExecArray | null;
    if ((m = /^load(_with_nhcb)?\s+(\S+)$/.exec(t)) !== null) {
      cmds.push({
        kind: 'load',
        line: lineNo,
        intervalMs: parseTestTime(m[2]!),
        nhcb: m[1] !== undefined,
        series: block(),
      });
    } else if (t === 'clear') cmds.push({ kind: 'clear', line: lineNo });
    else if ((m = EVAL_INSTANT.exec(t)) !== null || (m = EVAL_RANGE.exec(t)) !== null) {
      const instant = t.includes(' instant ');
      const at = instant ? parseTestTime(m[2]!) : 0;
      const cmd: EvalCmd = {
        kind: 'eval',
        line: lineNo,
        instant,
        start: instant ? at : parseTestTime(m[2]!),
        end: instant ? at : parseTestTime(m[3]!),
        step: instant ? 0 : parseTestTime(m[4]!),
        expr: (instant ? m[3]! : m[5]!).trim(),
        expects: [],
        results: [],
      };
      if (m[1] !== undefined) cmd.expects.push({ type: m[1] as Expectation['type'] });
      for (const l of block()) {
        let e: RegExpExecArray | null;
        if ((e = EXPECT_RANGE.exec(l)) !== null)
          cmd.expectRange = {
            start: parseTestTime(e[1]!),
            end: parseTestTime(e[2]!),
            step: parseTestTime(e[3]!),
          };
        else if (l.startsWith('expect string')) {
          const s = l.slice('expect string'.length).trim();
          cmd.expectString = s.slice(1, -1);
        } else if ((e = EXPECT.exec(l)) !== null) {
          const ex: Expectation = { type: e[1] as Expectation['type'] };
          if (e[2] !== undefined) {
            ex.match = e[2] as 'msg' | 'regex';
            ex.text = e[3]!.trim();
          }
          cmd.expects.push(ex);
        } else if (l.startsWith('expected_fail_message') || l.startsWith('expected_fail_regexp')) {
          const [kw, ...rest] = l.split(/\s+/);
          cmd.expects.push({
            type: 'fail',
            match: kw === 'expected_fail_message' ? 'msg' : 'regex',
            text: rest.join(' '),
          });
        } else cmd.results.push(l);
      }
      cmds.push(cmd);
    } else throw new Error(`line ${lineNo}: unknown command ${JSON.stringify(t)}`);
  }
  return cmds;
}
