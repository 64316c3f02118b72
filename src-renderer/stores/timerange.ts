// timerange.ts: the time range every chart of a page shares (picker, zoom, auto refresh).
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';

/** RANGES are the picker's choices, in seconds back from now. */
export const RANGES: { label: string; seconds: number }[] = [
  { label: '15 min', seconds: 900 },
  { label: '1 h', seconds: 3600 },
  { label: '6 h', seconds: 6 * 3600 },
  { label: '24 h', seconds: 86400 },
  { label: '7 d', seconds: 7 * 86400 },
];

/** REFRESHES are the auto-refresh choices in seconds (0 = off, LIVE = follow the event stream). */
export const LIVE = -1;
export const REFRESHES = [LIVE, 0, 10, 30, 60, 300];

/**
 * stepFor picks a range query's step: about `points` points over the range, never below 10 s (the
 * default scrape interval), rounded to whole seconds so cached answers line up.
 */
export function stepFor(seconds: number, points = 600): number {
  return Math.max(10, Math.ceil(seconds / points));
}

/** useTimeRangeStore is the shared range: relative (last N seconds) or absolute after a zoom. */
export const useTimeRangeStore = defineStore('timerange', () => {
  // A link may carry its range (`?range=86400`, seconds), so a shared or kiosk URL opens on the same view.
  const fromUrl = Number(new URL(globalThis.location.href).searchParams.get('range'));
  const seconds = ref(Number.isInteger(fromUrl) && fromUrl >= 60 ? fromUrl : 3600);
  const absolute = ref<{ start: number; end: number } | undefined>(undefined);
  const refreshSeconds = ref(LIVE);
  /** tick changes whenever charts should reload (refresh timer, picker, zoom). */
  const tick = ref(0);

  const window = computed(() => {
    void tick.value;
    if (absolute.value !== undefined) return absolute.value;
    const end = Math.floor(Date.now() / 1000);
    return { start: end - seconds.value, end };
  });

  function setRelative(s: number): void {
    seconds.value = s;
    absolute.value = undefined;
    tick.value++;
  }
  /** zoom narrows to an absolute window (a drag on a chart). */
  function zoom(start: number, end: number): void {
    if (end - start < 10) return;
    absolute.value = { start: Math.floor(start), end: Math.ceil(end) };
    tick.value++;
  }
  function refresh(): void {
    tick.value++;
  }
  return { seconds, absolute, refreshSeconds, tick, window, setRelative, zoom, refresh };
});
