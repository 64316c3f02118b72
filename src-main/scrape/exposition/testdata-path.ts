import { join } from 'node:path';

/**
 * testdataDir is the shared upstream conformance data (`../shared/testdata/<name>` from the repo root), read
 * in place and never copied into the repository. Used by the conformance tests and the parser benchmark.
 */
export function testdataDir(name: string): string {
  return join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'testdata', name);
}
