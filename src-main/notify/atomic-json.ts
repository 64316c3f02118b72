import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * AtomicJsonFile holds one small JSON document in the data folder, replaced atomically (write a temporary
 * file, then rename) so a crash leaves the old or the new version, never half of one. Writes are
 * serialised and skipped when nothing changed.
 */
export class AtomicJsonFile<T> {
  private last = '';
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  /** load returns the stored document, or undefined when there is none yet. */
  async load(): Promise<T | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    this.last = text;
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw new Error(`${this.path}: not valid JSON (${(e as Error).message})`);
    }
  }

  save(doc: T): Promise<void> {
    const text = JSON.stringify(doc);
    if (text === this.last) return this.writing;
    this.last = text;
    this.writing = this.writing.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await writeFile(`${this.path}.tmp`, text);
      await rename(`${this.path}.tmp`, this.path);
    });
    return this.writing;
  }
}
