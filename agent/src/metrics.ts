/**
 * MetricType is the kind of a metric family the agent exposes. The agent only ever produces counters and
 * gauges (node_exporter's collectors do the same), so the writers need not handle histograms or summaries.
 */
export type MetricType = 'counter' | 'gauge';

/** MetricSample is one series of a family: its labels (metric name excluded) and current value. */
export interface MetricSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** MetricFamily is one metric name with its HELP text, TYPE and every series collected for it. */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly samples: MetricSample[];
}

const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * MetricSet gathers the samples a collector emits and groups them by family, so collectors can add series in
 * whatever order they read the kernel's files. The first HELP/TYPE given for a name wins, as in client_golang
 * where a name has exactly one descriptor.
 */
export class MetricSet {
  readonly families = new Map<string, MetricFamily>();

  /** gauge adds one gauge series. */
  gauge(
    name: string,
    help: string,
    value: number,
    labels: Readonly<Record<string, string>> = NO_LABELS,
  ): void {
    this.add(name, 'gauge', help, value, labels);
  }

  /** counter adds one counter series; the name should already end in `_total` as node_exporter's do. */
  counter(
    name: string,
    help: string,
    value: number,
    labels: Readonly<Record<string, string>> = NO_LABELS,
  ): void {
    this.add(name, 'counter', help, value, labels);
  }

  /** add adds one series of the given type. */
  add(
    name: string,
    type: MetricType,
    help: string,
    value: number,
    labels: Readonly<Record<string, string>>,
  ): void {
    let fam = this.families.get(name);
    if (fam === undefined) {
      fam = { name, help, type, samples: [] };
      this.families.set(name, fam);
    }
    fam.samples.push({ labels, value });
  }

  /** merge moves every family of another set into this one. */
  merge(other: MetricSet): void {
    for (const fam of other.families.values()) {
      for (const s of fam.samples) this.add(fam.name, fam.type, fam.help, s.value, s.labels);
    }
  }

  /**
   * sorted returns the families sorted by name with their series sorted by label values, the order
   * client_golang writes in: a stable order keeps scrapes diffable and gzip effective.
   */
  sorted(): MetricFamily[] {
    const out = [...this.families.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const fam of out) if (fam.samples.length > 1) fam.samples.sort(compareSamples);
    return out;
  }
}

/** compareSamples orders two series of one family by their label names and values, names sorted. */
function compareSamples(a: MetricSample, b: MetricSample): number {
  const ka = Object.keys(a.labels).sort();
  const kb = Object.keys(b.labels).sort();
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const na = ka[i]!;
    const nb = kb[i]!;
    if (na !== nb) return na < nb ? -1 : 1;
    const va = a.labels[na]!;
    const vb = b.labels[nb]!;
    if (va !== vb) return va < vb ? -1 : 1;
  }
  return ka.length - kb.length;
}
