import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ScrapeGuard } from '../server';
import type { AgentPairing } from './pairing';
import { HEADER, IDENTITY_PATH } from './protocol';

/**
 * handleIdentity answers GET /vigie/identity?nonce=N with the agent's identity signed over N; true when the
 * request was that one. Anyone may ask: the identity is public, and the signature proves key possession.
 */
export function handleIdentity(pairing: AgentPairing, req: IncomingMessage, res: ServerResponse): boolean {
  const url = new URL(req.url ?? '/', 'http://agent');
  if (url.pathname !== IDENTITY_PATH) return false;
  if (req.method !== 'GET') {
    res.writeHead(405, { allow: 'GET', 'content-type': 'text/plain' }).end('method not allowed\n');
    return true;
  }
  const nonce = (url.searchParams.get('nonce') ?? '').slice(0, 128);
  const { body, headers } = pairing.identityAnswer(nonce);
  res
    .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers })
    .end(body);
  return true;
}

/**
 * pairingGuard makes the agent server serve /metrics only to the paired app: each request must be signed
 * by the pinned app key (the first valid one pins it), each answer is signed over the request nonce and
 * the body's SHA-256, so the app knows who answered and that nothing was changed on the way. Everyone else
 * gets 401; the identity endpoint stays open.
 */
export function pairingGuard(pairing: AgentPairing, onPaired?: () => void): ScrapeGuard {
  return {
    handle: (req, res) => handleIdentity(pairing, req, res),
    authorize: (req) => {
      const v = pairing.authorize(req.method ?? 'GET', req.url ?? '/', req.headers);
      if (!v.ok) return v;
      if (v.pinned) onPaired?.();
      return { ok: true, sign: (body) => ({ [HEADER.agentSignature]: pairing.signAnswer(v.nonce, body) }) };
    },
  };
}
