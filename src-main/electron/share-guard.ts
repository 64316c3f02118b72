// share-guard.ts: the tray's "share on LAN" opens a port only when the core's access control is on.
import type { AppFetch } from './protocol';

/**
 * lanAccessReady asks the core (in-process, as the window does) whether LAN sharing has a password set
 * and is switched on in Settings. Opening a listener before that would give anyone on the LAN the app's
 * settings, so the shell refuses and shows the Settings page instead.
 */
export async function lanAccessReady(fetch: AppFetch): Promise<boolean> {
  try {
    const res = await fetch(new Request('app://vigie/api/vigie/settings'));
    if (!res.ok) return false;
    const body = (await res.json()) as {
      data?: { sharing?: { enabled?: boolean; hasPassword?: boolean } };
    };
    const s = body.data?.sharing;
    return s?.enabled === true && s.hasPassword === true;
  } catch {
    return false;
  }
}
