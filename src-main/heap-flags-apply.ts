// heap-flags-apply.ts: applies heap-flags.ts's settings when imported. An entry point imports it first, so
// that V8's young generation has not yet grown under module loading when the flags take effect.
import { applyHeapFlags } from './heap-flags';

try {
  applyHeapFlags();
} catch (err) {
  process.stderr.write(`vigie: ${(err as Error).message}\n`);
  process.exit(2);
}
