import { hostname as osHostname, platform, release } from 'node:os';
import type { Advert } from '../mdns/advertise';
import { startAgentServer, type AgentServer, type AgentServerOptions } from '../server';
import { AgentPairing } from './pairing';
import { pairingGuard } from './server';

/** PairedAgentOptions are a paired agent's settings: where to listen, keep state, and announce. */
export interface PairedAgentOptions extends AgentServerOptions {
  stateDir: string;
  version: string;
  enrollToken?: string;
  /** mdns: false serves without announcing (the app must then be told the address). */
  mdns?: boolean;
  /** mdnsInterfaces: interface names or IPv4 addresses to announce on; all when empty. */
  mdnsInterfaces?: readonly string[];
  hostname?: string;
  log?: (line: string) => void;
}

/** PairedAgent is a running agent with pairing and (optionally) its mDNS announcement. */
export interface PairedAgent {
  readonly url: string;
  readonly pairing: AgentPairing;
  readonly advert?: Advert;
  /** close says goodbye on mDNS, then stops the server. */
  close(): Promise<void>;
}

/**
 * startPairedAgent is what `vigie-agent` runs: load (or create) its identity, serve metrics only to the app
 * that adopted it, announce `_vigie._tcp` with its id and key fingerprint, and print the pairing hint.
 */
export async function startPairedAgent(o: PairedAgentOptions): Promise<PairedAgent> {
  const log = o.log ?? ((line: string) => process.stdout.write(line + '\n'));
  const hostname = o.hostname ?? osHostname();
  const pairing = new AgentPairing({
    stateDir: o.stateDir,
    version: o.version,
    enrollToken: o.enrollToken,
    hostname,
  });
  const server: AgentServer = await startAgentServer({
    ...o,
    guard: pairingGuard(pairing, () =>
      log('vigie-agent: paired: the app key is pinned, only that app may scrape from now on'),
    ),
  });
  const port = Number(new URL(server.url).port);
  let advert: Advert | undefined;
  try {
    // Loaded on use: an agent started with --no-mdns never evaluates the mDNS stack.
    const { advertise } = await import('../mdns/advertise');
    if (o.mdns !== false)
      advert = advertise({
        id: pairing.id,
        hostname,
        os: `${platform()} ${release()}`,
        version: o.version,
        fingerprint: pairing.keypair.fingerprint,
        port,
        interfaces: o.mdnsInterfaces,
      });
  } catch (e) {
    await server.close();
    throw e;
  }
  log(pairing.pairingHint());
  return {
    url: server.url,
    pairing,
    advert,
    close: async () => {
      await advert?.stop();
      await server.close();
    },
  };
}
