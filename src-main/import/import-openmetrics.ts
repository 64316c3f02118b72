import { statSync } from 'node:fs';
import { withoutEmpty, type Labels } from '../common/labels';
import { ExpositionError, type ExpositionParser } from '../scrape/api';
import { AppendError, type Appender, type MetricMetadata } from '../storage/api';
import { IMPORT_DEFAULTS, type ImportOptions, type ImportProgress } from './api';
import { byteColumn, ChunkParse, valueEnd, type FamilyContext } from './chunk-parser';
import { ImportError } from './import-error';
import { readLineChunks } from './line-chunks';

const NO_LABELS: Labels = {};

/** BadLine is a refused line inside a batch, before it is placed in the file. */
class BadLine extends Error {
  constructor(
    readonly entry: number,
    readonly reason: string,
    /** where: 'value-end' points just past the value, 'timestamp' at the timestamp. */
    readonly where: 'value-end' | 'timestamp',
    /** key is the series as written on the line. */
    readonly key: string,
  ) {
    super(reason);
  }
}

/**
 * importOpenMetrics backfills an OpenMetrics file with timestamps (the input of `promtool tsdb
 * create-blocks-from openmetrics`) into storage. The file is streamed in batches of whole lines; each
 * batch goes through one Appender and is committed only when every line of it parsed and was accepted.
 * A bad line throws an ImportError `FILE:LINE:COL: reason` after the batches before it were committed,
 * flushed and compacted: they stay stored, the failing batch is dropped whole. At the end the store is
 * flushed, compacted into blocks (maintain) and checkpointed, as scraped data would be.
 */
export async function importOpenMetrics(options: ImportOptions): Promise<ImportProgress> {
  const batchBytes = options.batchBytes ?? IMPORT_DEFAULTS.batchBytes;
  const flushSamples = options.flushSamples ?? IMPORT_DEFAULTS.flushSamples;
  const progressEvery = options.progressIntervalMs ?? IMPORT_DEFAULTS.progressIntervalMs;
  const { file, storage, signal } = options;
  const started = Date.now();
  const progress: ImportProgress = {
    samples: 0,
    series: 0,
    lines: 0,
    bytesRead: 0,
    totalBytes: statSync(file).size,
    elapsedMs: 0,
    minTime: NaN,
    maxTime: NaN,
  };
  const refs = new Map<string, number>();
  const storedSeries = new Set<number>();
  const families = new Map<string, MetricMetadata>();
  let family: FamilyContext | undefined;
  let eofSeen = false;
  let sinceFlush = 0;
  let lastReport = started;

  const finish = async (): Promise<void> => {
    await storage.flush?.();
    await storage.maintain?.({ compactAll: options.compactAll ?? IMPORT_DEFAULTS.compactAll });
    await storage.checkpoint?.();
    progress.elapsedMs = Date.now() - started;
  };

  try {
    for await (const chunk of readLineChunks(file, batchBytes)) {
      signal?.throwIfAborted();
      if (eofSeen) {
        if (chunk.text === '') continue;
        throw new ImportError(file, chunk.firstLine, 1, 'unexpected data after "# EOF"', { ...progress });
      }
      const cp = new ChunkParse(chunk, family);
      const app = storage.appender();
      const batchSeries: number[] = [];
      let batchSamples = 0;
      let batchMin = NaN;
      let batchMax = NaN;
      try {
        const read = readBatch(cp.parser, cp.prefixEntries, app, refs, families, batchSeries, family);
        family = read.family;
        batchSamples = read.samples;
        batchMin = read.minTime;
        batchMax = read.maxTime;
        await app.commit();
      } catch (err) {
        app.rollback();
        throw placeError(err, cp, file, progress);
      }
      for (const ref of batchSeries) storedSeries.add(ref);
      if (cp.endsWithEof) eofSeen = true;
      progress.samples += batchSamples;
      if (batchSamples > 0) {
        progress.minTime = Number.isNaN(progress.minTime) ? batchMin : Math.min(progress.minTime, batchMin);
        progress.maxTime = Number.isNaN(progress.maxTime) ? batchMax : Math.max(progress.maxTime, batchMax);
      }
      progress.series = storedSeries.size;
      progress.lines += chunk.lines + (chunk.last && !chunk.text.endsWith('\n') && chunk.text !== '' ? 1 : 0);
      progress.bytesRead = chunk.bytesRead;
      sinceFlush += batchSamples;
      if (sinceFlush >= flushSamples) {
        await storage.flush?.();
        sinceFlush = 0;
      }
      const now = Date.now();
      if (options.onProgress !== undefined && now - lastReport >= progressEvery) {
        lastReport = now;
        progress.elapsedMs = now - started;
        options.onProgress({ ...progress });
      }
    }
  } catch (err) {
    // Keep what was committed; the first error is the one to report.
    await finish().catch((e: unknown) => {
      if (err instanceof Error) err.message += `; then saving the stored batches failed: ${String(e)}`;
    });
    throw err;
  }
  await finish();
  return { ...progress };
}

/**
 * readBatch appends every sample of one parsed chunk and records metadata; it returns the sample count, their
 * time bounds and the family context for the next chunk. batchSeries receives the series refs appended to (consecutive
 * samples of one series give one entry).
 * Refused lines throw BadLine (placed later) or the parser's ExpositionError.
 */
function readBatch(
  p: ExpositionParser,
  skipEntries: number,
  app: Appender,
  refs: Map<string, number>,
  families: Map<string, MetricMetadata>,
  batchSeries: number[],
  family: FamilyContext | undefined,
): { family: FamilyContext | undefined; samples: number; minTime: number; maxTime: number } {
  let entry = 0;
  let samples = 0;
  let minTime = Infinity;
  let maxTime = -Infinity;
  let lastRef = 0;
  for (let e = p.next(); e !== undefined; e = p.next()) {
    entry++;
    if (entry <= skipEntries) continue;
    if (e === 'series') {
      const t = p.timestamp();
      const key = p.seriesKey();
      if (t === undefined) {
        const reason = 'sample without a timestamp: an import needs one on every sample';
        throw new BadLine(entry, reason, 'value-end', key);
      }
      const known = refs.get(key) ?? 0;
      let ref: number;
      try {
        ref = app.append(known, known === 0 ? withoutEmpty(p.labels()) : NO_LABELS, t, p.value());
      } catch (err) {
        if (err instanceof AppendError) throw new BadLine(entry, err.message, 'timestamp', key);
        throw err;
      }
      if (known === 0) refs.set(flatCopy(key), ref);
      if (ref !== lastRef) batchSeries.push((lastRef = ref));
      if (t < minTime) minTime = t;
      if (t > maxTime) maxTime = t;
      samples++;
    } else if (e === 'type' || e === 'help' || e === 'unit') {
      const name = p.metricName();
      let m = families.get(name);
      if (m === undefined) families.set(name, (m = { type: 'unknown', help: '', unit: '' }));
      if (e === 'type') {
        m.type = p.type();
        family = { typeLine: `# TYPE ${name} ${m.type}` };
      } else if (e === 'help') m.help = p.text();
      else m.unit = p.text();
      app.setMetadata(name, { ...m });
    }
  }
  return { family, samples, minTime, maxTime };
}

/** placeError turns a refused line into an ImportError naming the file's line and column. */
function placeError(err: unknown, cp: ChunkParse, file: string, stored: ImportProgress): unknown {
  if (err instanceof ExpositionError) {
    const at = cp.fileError(err);
    return new ImportError(file, at.line, at.column, at.reason, { ...stored });
  }
  if (err instanceof AppendError) {
    // commit() re-checks the batch against other writers; the batch's first line is the best place we have.
    return new ImportError(file, cp.chunk.firstLine, 1, err.message, { ...stored });
  }
  if (!(err instanceof BadLine)) return err;
  const { line, text } = cp.locateEntry(err.entry);
  const end = valueEnd(text, err.key);
  const column = byteColumn(text, err.where === 'timestamp' ? end + 1 : end);
  return new ImportError(file, line, column, err.reason, { ...stored });
}

/**
 * flatCopy copies a series key out of the batch text: the parser's keys are slices that would keep the
 * whole batch alive for as long as the cache holds them.
 */
function flatCopy(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}
