// Values of the probe stage's contract that check.ts needs too (kept apart from api.ts to avoid an import cycle).

/** DNS_RECORD_TYPES are the record types a DNS check may ask for. */
export const DNS_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'TXT', 'SOA'] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

/** ProbeCheckError is a check the user wrote wrongly; `field` names where (e.g. "http.bodyRegex"). */
export class ProbeCheckError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(field === '' ? message : `${field}: ${message}`);
    this.name = 'ProbeCheckError';
  }
}

/** ProbeConflictError is a write the server refuses, e.g. deleting a check that comes from the config file. */
export class ProbeConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProbeConflictError';
  }
}
