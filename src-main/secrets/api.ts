// api.ts: the secrets stage's contract — named secrets kept apart from settings, never sent to a client.

/**
 * SecretCodec turns a secret into the bytes stored on disk and back. The desktop app uses Electron's
 * safeStorage (OS keychain, DPAPI, libsecret); headless there is no keychain and the codec is the identity,
 * the file's 0600 mode being the protection.
 */
export interface SecretCodec {
  readonly encrypted: boolean;
  encode(plain: string): Buffer;
  decode(stored: Buffer): string;
}

/**
 * Secrets is a store of named secrets (Telegram bot token, the LAN password's hash, read-only token
 * hashes). The web API writes them and checks against them, but never returns them.
 */
export interface Secrets {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
  delete(name: string): void;
  names(): string[];
}
