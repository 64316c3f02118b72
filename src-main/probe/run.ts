import { parseDuration } from '../config/api';
import type { ProbeCheck, ProbeResult } from './api';
import { DEFAULT_TIMEOUT } from './check';
import { probeDns } from './dns';
import { probeHttp } from './http';
import { probeIcmp } from './icmp';
import { probeTcp } from './tcp';
import { errorText, ProbeOutput, ProbeTimeoutError, type ProbeContext } from './util';

/** RunOptions are the limits of one probe run. */
export interface RunOptions {
  /** bodySizeLimit caps an HTTP body (bytes, 0: none). */
  bodySizeLimit: number;
  /** signal stops the run early (the manager stopping). */
  signal?: AbortSignal;
}

/** timeoutOf is a check's timeout in ms. */
export function timeoutOf(check: ProbeCheck): number {
  return parseDuration(check.timeout ?? DEFAULT_TIMEOUT) ?? 5000;
}

/**
 * runProbe runs a check once. It always resolves, by the check's timeout at the latest, whatever the
 * prober does (a target that accepts and never answers, a DNS server that drops the query): the deadline
 * aborts the prober's sockets and the result is taken from what was learnt by then. probe_success and
 * probe_duration_seconds are added to the prober's series, as blackbox_exporter does.
 */
export async function runProbe(check: ProbeCheck, o: RunOptions): Promise<ProbeResult> {
  const timeoutMs = timeoutOf(check);
  const time = Date.now();
  const start = performance.now();
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new ProbeTimeoutError(timeoutMs)), timeoutMs);
  const signal = o.signal ? AbortSignal.any([deadline.signal, o.signal]) : deadline.signal;
  const out = new ProbeOutput();
  const ctx: ProbeContext = { signal, bodySizeLimit: o.bodySizeLimit, out };
  let error: string | undefined;
  try {
    const run = runProber(check, ctx, timeoutMs);
    run.catch(() => undefined); // when the deadline wins the race, the prober's late rejection is expected
    const stopped = new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason as Error);
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    });
    await Promise.race([run, stopped]);
  } catch (e) {
    error = signal.aborted ? errorText(signal.reason) : errorText(e);
  } finally {
    clearTimeout(timer);
  }
  error ??= out.failure;
  const durationSeconds = (performance.now() - start) / 1000;
  out.set('probe_success', error === undefined ? 1 : 0);
  out.set('probe_duration_seconds', durationSeconds);
  return {
    time,
    success: error === undefined,
    durationSeconds,
    ...(error !== undefined ? { error } : {}),
    ...(out.httpStatus !== undefined ? { httpStatus: out.httpStatus } : {}),
    ...(out.certExpiry !== undefined ? { certExpiry: out.certExpiry } : {}),
    ...(out.phases !== undefined ? { phases: { ...out.phases } } : {}),
    metrics: [...out.metrics.values()],
  };
}

function runProber(check: ProbeCheck, ctx: ProbeContext, timeoutMs: number): Promise<void> {
  switch (check.type) {
    case 'http':
      return probeHttp(check, ctx);
    case 'tcp':
      return probeTcp(check, ctx);
    case 'icmp':
      return probeIcmp(check, ctx, timeoutMs);
    case 'dns':
      return probeDns(check, ctx);
  }
}
