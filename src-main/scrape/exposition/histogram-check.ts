/**
 * HistogramCheck follows the groups of one histogram or gauge histogram family, sample by sample, and checks
 * each group when it ends (OpenMetrics 1.0): buckets in increasing `le` order with non-decreasing counts, a
 * `+Inf` bucket, `_count` equal to it, `_sum`/`_gsum` and `_count`/`_gcount` together, no `_sum` once a
 * bucket is negative, and a negative `_gsum` only with negative buckets. Groups end when the labels (le
 * aside) or the timestamp change.
 */
export class HistogramCheck {
  private group: string | undefined;
  private ts: number | undefined;
  private bucket: number | undefined;
  private bucketValue = 0;
  private count: number | undefined;
  private hasSum = false;
  private hasGsum = false;
  private negativeBuckets = false;
  private negativeGsum = false;

  /** add takes one sample (suffix after the family name, group key, le for buckets); returns a broken rule. */
  add(
    family: string,
    suffix: string,
    group: string,
    ts: number | undefined,
    le: number,
    value: number,
  ): string | undefined {
    if (group !== this.group || ts !== this.ts) {
      if (this.group !== undefined) {
        const r = this.finish(family);
        if (r !== undefined) return r;
      }
      this.reset();
    }
    this.group = group;
    this.ts = ts;
    if (suffix === '_bucket') {
      if (le < 0) this.negativeBuckets = true;
      if (this.bucket !== undefined && le <= this.bucket)
        return `buckets of "${family}" are not in increasing "le" order`;
      if (value < this.bucketValue) return `bucket counts of "${family}" decrease`;
      this.bucket = le;
      this.bucketValue = value;
    } else if (suffix === '_count' || suffix === '_gcount') {
      this.count = value;
    } else if (suffix === '_sum') {
      this.hasSum = true;
    } else if (suffix === '_gsum') {
      this.hasGsum = true;
      if (value < 0) this.negativeGsum = true;
    }
    return undefined;
  }

  /** finish checks the group in progress, if any. */
  finish(family: string): string | undefined {
    if (this.group === undefined) return undefined;
    if (this.bucket !== Infinity) return `histogram "${family}" has no "+Inf" bucket`;
    if (this.count !== undefined && this.count !== this.bucketValue) {
      return `count of "${family}" (${this.count}) differs from its "+Inf" bucket (${this.bucketValue})`;
    }
    if (this.hasSum && this.count === undefined) return `"${family}" has a _sum but no _count`;
    if (this.hasGsum && this.count === undefined) return `"${family}" has a _gsum but no _gcount`;
    if (!this.hasSum && !this.hasGsum && this.count !== undefined)
      return `"${family}" has a count but no sum`;
    if (this.negativeBuckets && this.hasSum)
      return `"${family}" has negative buckets, so it may not have a _sum`;
    if (!this.negativeBuckets && this.negativeGsum)
      return `"${family}" has a negative _gsum but no negative bucket`;
    return undefined;
  }

  private reset(): void {
    this.bucket = undefined;
    this.bucketValue = 0;
    this.count = undefined;
    this.hasSum = false;
    this.hasGsum = false;
    this.negativeBuckets = false;
    this.negativeGsum = false;
  }
}
