import { parseDuration, formatDuration } from '../../config/api';
import type { Router } from '../api';

/** HELP is the bot's /help answer. */
export const HELP = [
  'Vigie bot commands:',
  '/status — how many alerts fire',
  '/alerts — the firing alerts with their ids',
  '/ack <id> — stop repeats of an alert until it resolves',
  '/silence <matchers> <duration> — e.g. /silence instance="web-1" 2h',
  '/unsilence <id> — end a silence early',
  '/help — this text',
].join('\n');

/**
 * runCommand answers one bot command with plain text. `/graph` is not implemented yet and says so.
 * Errors in the user's input are answered, never thrown.
 */
export async function runCommand(
  router: Router,
  text: string,
  who: string,
  now = Date.now(),
): Promise<string> {
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
    case '/graph':
      return 'Graphs are not available yet.';
    default:
      return `Unknown command ${cmd}. /help lists the commands.`;
  }
}
