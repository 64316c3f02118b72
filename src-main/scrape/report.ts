import { METRIC_NAME, type Labels } from '../common/labels';
import { STALE_NAN } from '../common/sample';
import { AppendError, type Appender, type MetricMetadata, type SeriesRef } from '../storage/api';

/** ReportValues are the figures of one scrape that become the synthetic series. */
export interface ReportValues {
  up: number;
  durationSeconds: number;
  scraped: number;
  postRelabel: number;
  seriesAdded: number;
}

/** REPORT_SERIES lists the synthetic series Prometheus writes after every scrape, with their metadata. */
export const REPORT_SERIES: readonly { name: string; field: keyof ReportValues; meta: MetricMetadata }[] = [
  {
    name: 'up',
    field: 'up',
    meta: {
      type: 'gauge',
      help: 'Health of the scrape target. 1 means the target is healthy, 0 if the scrape failed.',
      unit: '',
    },
  },
  {
    name: 'scrape_duration_seconds',
    field: 'durationSeconds',
    meta: { type: 'gauge', help: 'Duration of the last scrape in seconds.', unit: 'seconds' },
  },
  {
    name: 'scrape_samples_scraped',
    field: 'scraped',
    meta: { type: 'gauge', help: 'Number of samples last scraped.', unit: '' },
  },
  {
    name: 'scrape_samples_post_metric_relabeling',
    field: 'postRelabel',
    meta: {
      type: 'gauge',
      help: 'Number of samples remaining after metric relabeling was applied.',
      unit: '',
    },
  },
  {
    name: 'scrape_series_added',
    field: 'seriesAdded',
    meta: { type: 'gauge', help: 'Number of series in the last scrape.', unit: '' },
  },
];

/**
 * ReportWriter appends a target's synthetic series (up, scrape_duration_seconds, …). Their labels are the
 * target's labels plus the name, built once; refs are cached per series like scraped ones.
 */
export class ReportWriter {
  private readonly labels: Labels[];
  private readonly refs: SeriesRef[];
  private metaSent = false;

  constructor(targetLabels: Labels) {
    this.labels = REPORT_SERIES.map((s) => ({ ...targetLabels, [METRIC_NAME]: s.name }));
    this.refs = REPORT_SERIES.map(() => 0);
  }

  /** write appends one value per synthetic series at t; refused samples (a replaced loop raced us) are skipped. */
  write(app: Appender, t: number, values: ReportValues): void {
    this.append(app, t, (i) => values[REPORT_SERIES[i]!.field]);
    if (!this.metaSent) for (const s of REPORT_SERIES) app.setMetadata(s.name, s.meta);
  }

  /** committed tells the writer its metadata reached storage, so it is not sent again. */
  committed(): void {
    this.metaSent = true;
  }

  /** forgetRefs drops cached refs after a failed commit, since storage may not know them. */
  forgetRefs(): void {
    this.refs.fill(0);
  }

  /** writeStale ends the synthetic series with staleness markers at t (the target went away). */
  writeStale(app: Appender, t: number): void {
    this.append(app, t, () => STALE_NAN);
  }

  private append(app: Appender, t: number, value: (i: number) => number): void {
    for (let i = 0; i < this.labels.length; i++) {
      try {
        this.refs[i] = app.append(this.refs[i]!, this.labels[i]!, t, value(i));
      } catch (e) {
        if (!(e instanceof AppendError)) throw e;
      }
    }
  }
}
