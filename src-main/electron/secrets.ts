// secrets.ts: the desktop side of secrets — Electron's safeStorage as the codec of the core SecretStore
// (src-main/secrets/), which also serves the headless appliance with its plain, owner-only file.
import type { SecretCodec } from '../secrets/api';

export { PLAIN_CODEC, SecretStore } from '../secrets/secret-store';
export type { SecretCodec } from '../secrets/api';

/** SafeStorageLike is the part of electron's safeStorage the codec uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/** safeStorageCodec encrypts with Electron's safeStorage; it refuses to start when the OS offers no encryption. */
export function safeStorageCodec(s: SafeStorageLike): SecretCodec {
  if (!s.isEncryptionAvailable())
    throw new Error('safeStorage: the OS offers no encryption for secrets (is a keyring running?)');
  return { encrypted: true, encode: (p) => s.encryptString(p), decode: (b) => s.decryptString(b) };
}
