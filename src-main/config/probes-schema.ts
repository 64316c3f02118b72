import { z } from 'zod';
import { isValidRegex } from '../common/regex';

// The `probes:` section's shape, blackbox_exporter's module format plus scrape-job-like probe jobs. The
// shared pieces (durations, sizes, static_configs) are handed in by schema.ts, which owns them, so this file
// does not import schema.ts back.

/** ProbeSchemaParts are schema.ts's building blocks this section reuses. */
export interface ProbeSchemaParts {
  duration: z.ZodType<number, unknown>;
  size: z.ZodType<number, unknown>;
  staticConfig: z.ZodType<
    { targets?: string[] | undefined; labels?: Record<string, string> | undefined },
    unknown
  >;
  nullable: <T extends z.ZodType>(schema: T) => z.ZodPreprocess<z.ZodOptional<T>>;
}

/** PROBE_DNS_TYPES are the query types a dns module may ask for. */
export const PROBE_DNS_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'TXT', 'SOA'] as const;

const regex = z.string().refine(isValidRegex, { message: 'invalid regular expression' });

/** probesSchema builds the `probes:` section's schema from schema.ts's parts. */
export function probesSchema(p: ProbeSchemaParts) {
  const tlsConfig = p.nullable(z.strictObject({ insecure_skip_verify: z.boolean().optional() }));
  const probeModule = z.strictObject({
    prober: z.enum(['http', 'tcp', 'icmp', 'dns']),
    timeout: p.duration.optional(),
    http: p.nullable(
      z.strictObject({
        valid_status_codes: p.nullable(z.array(z.number().int().min(100).max(599))),
        method: z
          .string()
          .regex(/^[A-Z]+$/, { message: 'must be an upper-case HTTP method' })
          .optional(),
        fail_if_body_not_matches_regexp: p.nullable(z.array(regex)),
        no_follow_redirects: z.boolean().optional(),
        follow_redirects: z.boolean().optional(),
        tls_config: tlsConfig,
      }),
    ),
    tcp: p.nullable(z.strictObject({ tls: z.boolean().optional(), tls_config: tlsConfig })),
    icmp: p.nullable(z.strictObject({})),
    dns: p.nullable(
      z.strictObject({
        query_name: z.string().min(1, { message: 'query_name is empty' }),
        query_type: z.enum(PROBE_DNS_TYPES).optional(),
        validate_answer_rrs: p.nullable(
          z.strictObject({ fail_if_not_matches_regexp: p.nullable(z.array(regex)) }),
        ),
      }),
    ),
  });
  const probeJob = z.strictObject({
    job_name: z.string().min(1, { message: 'job_name is empty' }),
    module: z.string().min(1, { message: 'module is empty' }),
    scrape_interval: p.duration.optional(),
    scrape_timeout: p.duration.optional(),
    static_configs: p.nullable(z.array(p.staticConfig)),
  });
  return z.strictObject({
    max_concurrency: z.number().int().min(1).optional(),
    body_size_limit: p.size.optional(),
    modules: p.nullable(z.record(z.string().min(1), probeModule)),
    jobs: p.nullable(z.array(probeJob)),
  });
}

/**
 * PROBES_UNSUPPORTED lists blackbox_exporter module keys Vigie does not implement yet, by prober section,
 * so a pasted blackbox.yml gets "not supported by Vigie (yet)" at the right line.
 */
export const PROBES_UNSUPPORTED: Readonly<Record<string, readonly string[]>> = {
  module: ['grpc', 'ssh'],
  http: [
    'valid_http_versions',
    'preferred_ip_protocol',
    'ip_protocol_fallback',
    'headers',
    'body',
    'body_file',
    'compression',
    'fail_if_ssl',
    'fail_if_not_ssl',
    'fail_if_body_matches_regexp',
    'fail_if_header_matches',
    'fail_if_header_not_matches',
    'basic_auth',
    'bearer_token',
    'authorization',
    'oauth2',
    'proxy_url',
    'enable_http2',
    'skip_resolve_phase_with_proxy',
    'body_size_limit',
  ],
  tcp: ['preferred_ip_protocol', 'ip_protocol_fallback', 'source_ip_address', 'query_response'],
  icmp: [
    'preferred_ip_protocol',
    'ip_protocol_fallback',
    'source_ip_address',
    'payload_size',
    'dont_fragment',
    'ttl',
  ],
  dns: [
    'preferred_ip_protocol',
    'ip_protocol_fallback',
    'source_ip_address',
    'transport_protocol',
    'dns_over_tls',
    'tls_config',
    'query_class',
    'recursion_desired',
    'valid_rcodes',
    'validate_authority_rrs',
    'validate_additional_rrs',
  ],
  tls_config: ['ca_file', 'cert_file', 'key_file', 'server_name', 'min_version', 'max_version'],
};

/** isProbeUnsupported tells whether an unknown key under `probes.modules.<name>…` is a blackbox feature. */
export function isProbeUnsupported(section: string, key: string): boolean {
  const m = /^probes\.modules\.[^.]+(?:\.(http|tcp|icmp|dns))?(?:\.(tls_config|validate_answer_rrs))?$/.exec(
    section,
  );
  if (m === null) return false;
  const part = m[2] ?? m[1] ?? 'module';
  if (part === 'validate_answer_rrs')
    return ['fail_if_matches_regexp', 'fail_if_all_match_regexp', 'fail_if_none_matches_regexp'].includes(
      key,
    );
  return PROBES_UNSUPPORTED[part]?.includes(key) ?? false;
}
