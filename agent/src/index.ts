/**
 * The agent as a library: the appliance runs the same collectors in-process for the machine it runs on,
 * and may serve them on a port of its own.
 */
import { MetricsSource, type CollectOptions, type Exposition } from './collect';

export { startAgentServer, type AgentServer, type AgentServerOptions } from './server';
export { MetricsSource, type CollectOptions, type Exposition } from './collect';

let defaultSource: MetricsSource | undefined;

/** collectExposition renders this machine's metrics for an Accept header with one shared set of collectors. */
export function collectExposition(accept?: string, opts?: CollectOptions): Promise<Exposition> {
  if (opts !== undefined) return new MetricsSource(opts).exposition(accept);
  defaultSource ??= new MetricsSource();
  return defaultSource.exposition(accept);
}
