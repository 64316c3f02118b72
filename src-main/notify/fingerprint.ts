const OFFSET = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;
const encoder = new TextEncoder();

/**
 * fingerprint is Alertmanager's alert id: FNV-1a 64 over the sorted label names and values, each followed
 * by the 0xff separator, printed as 16 hex digits. The same labels give the same id in Alertmanager's
 * webhook payloads and in Vigie's, and across restarts.
 */
export function fingerprint(labels: Readonly<Record<string, string>>): string {
  let h = OFFSET;
  const add = (bytes: Uint8Array): void => {
    for (const b of bytes) h = ((h ^ BigInt(b)) * PRIME) & MASK;
  };
  const sep = new Uint8Array([0xff]);
  for (const name of Object.keys(labels).sort()) {
    add(encoder.encode(name));
    add(sep);
    add(encoder.encode(labels[name]!));
    add(sep);
  }
  return h.toString(16).padStart(16, '0');
}

/**
 * groupId is a short stable id of an alert group (16 hex digits of its group key's fingerprint), short
 * enough for a Telegram button's 64-byte callback_data where the group key itself may not be.
 */
export function groupId(groupKey: string): string {
  return fingerprint({ groupKey });
}
