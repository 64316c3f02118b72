import { parseDuration, formatDuration } from '../../config/api';
import type { Router } from '../api';

/** GraphFn renders an expression over the last rangeMs as a PNG; it rejects with a message for the user. */
export type GraphFn = (expr: string, rangeMs: number) => Promise<Uint8Array>;

/** BotContext is what commands act on: the router, and the graph renderer when a query engine is wired. */
export interface BotContext {
  router: Router;
  graph?: GraphFn;
  /** graphRangeMs is /graph's range when none is given (default 1 h). */
  graphRangeMs?: number;
  /** maxGraphRangeMs refuses longer ranges (default 31 d). */
  maxGraphRangeMs?: number;
}

/** BotReply is a command's answer: a text, or a chart with a caption. */
export type BotReply = { text: string } | { photo: Uint8Array; caption: string };

/** HELP is the bot's /help answer. */
export const HELP = [
  'Vigie bot commands:',
  '/status — how many alerts fire',
  '/alerts — the firing alerts with their ids',
  '/ack <id> — stop repeats of an alert until it resolves',
  '/silence <matchers> <duration> — e.g. /silence instance="web-1" 2h',
  '/unsilence <id> — end a silence early',
  '/graph <expr> [range] — a chart, e.g. /graph node_load1 6h',
  '/help — this text',
].join('\n');

/**
 * runCommand answers one bot command: plain text, or a PNG chart for `/graph`. Errors in the user's input
 * are answered, never thrown.
 */
export async function runCommand(
  ctx: BotContext,
  text: string,
  who: string,
  now = Date.now(),
): Promise<BotReply> {
  if (text.trim().split(/\s+/)[0]?.replace(/@.*$/, '').toLowerCase() === '/graph')
    return graphCommand(ctx, text.trim().split(/\s+/).slice(1));
  return { text: await textCommand(ctx.router, text, who, now) };
}

/** graphCommand parses `/graph <expr> [range]`: a last word that is a duration is the range. */
async function graphCommand(ctx: BotContext, args: string[]): Promise<BotReply> {
  const usage = 'Usage: /graph <expr> [range], e.g. /graph rate(node_cpu_seconds_total[5m]) 6h';
  if (args.length === 0) return { text: usage };
  const last = args.length > 1 ? parseDuration(args[args.length - 1]!) : undefined;
  const range = last ?? ctx.graphRangeMs ?? 3_600_000;
  const expr = (last !== undefined ? args.slice(0, -1) : args).join(' ');
  return graphReply(ctx, expr, range);
}

/** graphReply renders expr over range, answering what went wrong as text. */
export async function graphReply(ctx: BotContext, expr: string, range: number): Promise<BotReply> {
  if (ctx.graph === undefined) return { text: 'Graphs are not available: no query engine is connected.' };
  const max = ctx.maxGraphRangeMs ?? 31 * 86_400_000;
  if (!(range > 0) || range > max)
    return { text: `The range must be between 1s and ${formatDuration(max)}.` };
  try {
    return { photo: await ctx.graph(expr, range), caption: `${expr} — last ${formatDuration(range)}` };
  } catch (e) {
    return { text: `Cannot graph ${expr}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

async function textCommand(router: Router, text: string, who: string, now: number): Promise<string> {
  const [head = '', ...args] = text.trim().split(/\s+/);
  const cmd = head.replace(/@.*$/, '').toLowerCase();
  switch (cmd) {
    case '/start':
    case '/help':
      return HELP;
    case '/status': {
      const all = router.alerts();
      const active = all.filter((a) => a.state === 'active').length;
      const suppressed = all.filter((a) => a.state === 'suppressed').length;
      const silences = router.silences().filter((s) => s.endsAt > now).length;
      return active === 0
        ? `✅ All clear${suppressed > 0 ? ` (${suppressed} suppressed)` : ''}. ${silences} active silences.`
        : `🔥 ${active} alerts firing, ${suppressed} suppressed, ${silences} active silences. /alerts lists them.`;
    }
    case '/alerts': {
      const firing = router.alerts().filter((a) => a.state !== 'resolved');
      if (firing.length === 0) return '✅ No alerts.';
      return firing
        .map(
          (a) =>
            `${a.state === 'suppressed' ? '🔕' : a.acked ? '👍' : '🔥'} ${a.labels.alertname ?? ''} ${a.labels.instance ?? ''} — ${a.annotations.summary ?? ''} [${a.fingerprint.slice(0, 8)}]`,
        )
        .join('\n');
    }
    case '/ack': {
      if (args[0] === undefined) return 'Usage: /ack <id> (ids are shown by /alerts)';
      const a = await router.ack(args[0]);
      return a === undefined
        ? `No single firing alert has id ${args[0]}.`
        : `👍 Acknowledged ${a.labels.alertname ?? ''} ${a.labels.instance ?? ''}: no repeats until it resolves.`;
    }
    case '/silence': {
      const dur = args.length >= 2 ? parseDuration(args[args.length - 1]!) : undefined;
      if (dur === undefined || dur <= 0)
        return 'Usage: /silence <matchers> <duration>, e.g. /silence instance="web-1" 2h';
      try {
        const s = await router.addSilence({
          matchers: args.slice(0, -1),
          startsAt: now,
          endsAt: now + dur,
          createdBy: who,
          comment: 'from Telegram',
        });
        return `🔕 Silenced ${s.matchers.join(' ')} for ${formatDuration(dur)} (id ${s.id.slice(0, 8)}).`;
      } catch (e) {
        return `Cannot silence: ${(e as Error).message}`;
      }
    }
    case '/unsilence': {
      const id = args[0];
      const s = router.silences().find((x) => id !== undefined && x.id.startsWith(id) && x.endsAt > now);
      if (s === undefined) return 'Usage: /unsilence <id> (an active silence)';
      await router.expireSilence(s.id);
      return `🔔 Silence ${s.id.slice(0, 8)} ended.`;
    }
    default:
      return `Unknown command ${cmd}. /help lists the commands.`;
  }
}
