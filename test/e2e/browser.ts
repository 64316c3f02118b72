// browser.ts: Debian's Chromium driven by playwright-core, headless and isolated (a fresh profile in a temp
// folder, no background networking), plus the checks and screenshots the browser tests share.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { REPO } from '../support/process';

/** CHROMIUM is the browser the tests drive; `.ci/run` installs it. */
export const CHROMIUM = '/usr/bin/chromium';

/** skipReason says why browser tests cannot run here, or undefined when they can. */
export function skipReason(): string | undefined {
  return existsSync(CHROMIUM)
    ? undefined
    : `${CHROMIUM} is missing (apt-get install chromium, as .ci/run does)`;
}

/** ARTIFACTS is where screenshots go (gitignored). */
export const ARTIFACTS = join(REPO, 'test-artifacts', 'e2e');

/** Browser is a launched Chromium with a fresh profile; close() removes the profile too. */
export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** launchBrowser starts headless Chromium with a throwaway profile. */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'vigie-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1920, height: 1080 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    return {
      context,
      async close() {
        await context.close().catch(() => undefined);
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
}

/**
 * inkedPixels counts the canvas pixels that are not transparent: a drawn chart has thousands, a blank
 * canvas none. It reads the pixels back, so it checks what Chart.js actually painted.
 */
export async function inkedPixels(canvas: Locator): Promise<number> {
  return canvas.evaluate((el) => {
    // This runs in the page; the core's type check has no DOM library, so the canvas is typed by hand.
    const c = el as unknown as {
      width: number;
      height: number;
      getContext(
        kind: '2d',
      ): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
    };
    const ctx = c.getContext('2d');
    if (ctx === null || c.width === 0 || c.height === 0) return 0;
    const data = ctx.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
    return n;
  });
}

/** VIEWPORTS are the screenshot sizes: a desktop screen and a phone. */
export const VIEWPORTS = [
  { width: 1920, height: 1080 },
  { width: 390, height: 844 },
];

/** screenshots saves the page at every viewport as test-artifacts/e2e/<name>-<w>x<h>.png. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const v of VIEWPORTS) {
    await page.setViewportSize(v);
    // Charts resize on the next animation frame; give them two before the picture.
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    await page.screenshot({
      path: join(ARTIFACTS, `${name}-${v.width}x${v.height}.png`),
      fullPage: v.width < 500,
    });
  }
  await page.setViewportSize(VIEWPORTS[0]!);
}
