// theme.ts: the light/dark theme, following the system unless the user picked one (kept across visits).
import { defineStore } from 'pinia';
import { ref, watchEffect } from 'vue';

/** ThemeChoice is what the user picked; "system" follows prefers-color-scheme. */
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'vigie.theme';

/** useThemeStore holds the theme choice and applies it to <html data-theme>. */
export const useThemeStore = defineStore('theme', () => {
  const choice = ref<ThemeChoice>((localStorage.getItem(KEY) as ThemeChoice | null) ?? 'system');
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  const systemDark = ref(media.matches);
  media.addEventListener('change', (e) => (systemDark.value = e.matches));
  watchEffect(() => {
    localStorage.setItem(KEY, choice.value);
    const dark = choice.value === 'dark' || (choice.value === 'system' && systemDark.value);
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  });
  /** cycle moves system → light → dark → system. */
  function cycle(): void {
    choice.value = choice.value === 'system' ? 'light' : choice.value === 'light' ? 'dark' : 'system';
  }
  return { choice, cycle };
});
