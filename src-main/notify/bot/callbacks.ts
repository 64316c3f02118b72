import { formatDuration } from '../../config/api';
import type { RoutedAlert } from '../api';
import { common } from '../payload';
import { graphReply, type BotContext, type BotReply } from './commands';
import type { CallbackAction } from './keyboard';

/** CallbackResult is what the bot does after a button press: a toast, a new button label, maybe a chart. */
export interface CallbackResult {
  /** answer is shown to the presser (answerCallbackQuery). */
  answer: string;
  /** done, when set, replaces the pressed button's label so the whole chat sees the result. */
  done?: string;
  /** reply is sent to the chat (the Graph button's chart). */
  reply?: BotReply;
}

/** quote prints a label matcher the way Alertmanager parses it back. */
function matcher(name: string, value: string): string {
  return `${name}=${JSON.stringify(value)}`;
}

/** exprOf is the alert's rule expression from its generatorURL (`…/graph?g0.expr=…`), else its ALERTS series. */
export function exprOf(a: RoutedAlert): string {
  try {
    const e = new URL(a.generatorURL, 'http://x').searchParams.get('g0.expr');
    if (e !== null && e !== '') return e;
  } catch {
    // not a URL: fall through
  }
  return `ALERTS{alertname=${JSON.stringify(a.labels.alertname ?? '')}}`;
}

/**
 * runCallback acts on an alert message's button: Ack acknowledges every alert the message is about, Silence
 * silences them for silenceMs by their common labels, Graph draws the first one's rule expression. A
 * message whose alerts all resolved answers so instead of acting.
 */
export async function runCallback(
  ctx: BotContext & { silenceMs?: number },
  action: CallbackAction,
  ref: string,
  who: { id: string; name: string },
  now = Date.now(),
): Promise<CallbackResult> {
  const alerts = ctx.router.alertsOf(ref);
  if (alerts.length === 0) return { answer: 'These alerts are no longer firing.' };
  const n = alerts.length === 1 ? 'the alert' : `${alerts.length} alerts`;
  switch (action) {
    case 'ack': {
      let acked = 0;
      for (const a of alerts) if ((await ctx.router.ack(a.fingerprint)) !== undefined) acked++;
      return {
        answer: `👍 Acknowledged ${acked === 1 ? 'the alert' : `${acked} alerts`}`,
        done: `👍 Acked by ${who.name}`,
      };
    }
    case 'sil': {
      const ms = ctx.silenceMs ?? 3_600_000;
      const labels = common(alerts.map((a) => a.labels));
      const matchers = Object.keys(labels)
        .sort()
        .map((k) => matcher(k, labels[k]!));
      if (matchers.length === 0) return { answer: 'These alerts share no label to silence them by.' };
      try {
        const s = await ctx.router.addSilence({
          matchers,
          startsAt: now,
          endsAt: now + ms,
          createdBy: who.id,
          comment: `Silence button in Telegram (${who.name})`,
        });
        return {
          answer: `🔕 Silenced ${n} for ${formatDuration(ms)} (id ${s.id.slice(0, 8)})`,
          done: `🔕 Silenced ${formatDuration(ms)} by ${who.name}`,
        };
      } catch (e) {
        return { answer: `Cannot silence: ${(e as Error).message}` };
      }
    }
    case 'gr':
      return {
        answer: '📈 Drawing the graph…',
        reply: await graphReply(ctx, exprOf(alerts[0]!), ctx.graphRangeMs ?? 3_600_000),
      };
  }
}
