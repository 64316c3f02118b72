// secret-store.ts: named secrets in one owner-only (0600) file, through a codec (plain headless, safeStorage
// on the desktop).
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SecretCodec, Secrets } from './api';

/** PLAIN_CODEC stores secrets as they are (headless: the file is readable by its owner only). */
export const PLAIN_CODEC: SecretCodec = {
  encrypted: false,
  encode: (plain) => Buffer.from(plain, 'utf8'),
  decode: (stored) => stored.toString('utf8'),
};

/** SecretFile is the on-disk form: one base64 value per secret name. */
interface SecretFile {
  version: 1;
  encrypted: boolean;
  secrets: Record<string, string>;
}

/**
 * SecretStore keeps named secrets (Telegram bot token, agent keys) in one owner-only file. Every write
 * replaces the file atomically with mode 0600; a file others can read, or one written with another codec
 * (encrypted vs plain), is refused with a message saying what to do.
 */
export class SecretStore implements Secrets {
  #data: SecretFile;

  constructor(
    readonly path: string,
    private readonly codec: SecretCodec,
  ) {
    this.#data = this.#load();
  }

  get(name: string): string | undefined {
    const v = this.#data.secrets[name];
    return v === undefined ? undefined : this.codec.decode(Buffer.from(v, 'base64'));
  }

  set(name: string, value: string): void {
    this.#data.secrets[name] = this.codec.encode(value).toString('base64');
    this.#save();
  }

  delete(name: string): void {
    if (!(name in this.#data.secrets)) return;
    delete this.#data.secrets[name];
    this.#save();
  }

  names(): string[] {
    return Object.keys(this.#data.secrets).sort();
  }

  #load(): SecretFile {
    let text: string;
    try {
      if (process.platform !== 'win32') {
        const mode = statSync(this.path).mode & 0o777;
        if ((mode & 0o077) !== 0)
          throw new Error(
            `${this.path}: secrets file is readable by others (mode ${mode.toString(8)}); run chmod 600 ${this.path}`,
          );
      }
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        return { version: 1, encrypted: this.codec.encrypted, secrets: {} };
      throw err;
    }
    let parsed: SecretFile;
    try {
      parsed = JSON.parse(text) as SecretFile;
    } catch (err) {
      throw new Error(`${this.path}: not a Vigie secrets file (${(err as Error).message})`, { cause: err });
    }
    if (parsed?.version !== 1 || typeof parsed.secrets !== 'object' || parsed.secrets === null)
      throw new Error(`${this.path}: not a Vigie secrets file (expected {"version": 1, "secrets": {…}})`);
    if (parsed.encrypted !== this.codec.encrypted)
      throw new Error(
        `${this.path}: secrets were written ${parsed.encrypted ? 'encrypted by the desktop app' : 'in plain by the headless appliance'}; ` +
          `this run ${this.codec.encrypted ? 'encrypts' : 'cannot decrypt'} them: enter the secrets again or use the same mode`,
      );
    return parsed;
  }

  #save(): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.#data, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600); // the umask may have narrowed it further, never widened: make it exact
    renameSync(tmp, this.path);
  }
}
