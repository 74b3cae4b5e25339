import { after, before } from 'node:test';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { repoRoot } from './helpers.js';
import { startConsole, type ConsoleDays, type RunningConsole } from './console-fixture.js';

/** Debian's Chromium, headless, as root (no sandbox), with a fresh home and no network of its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    // Playwright starts each launch with a fresh temporary profile (its --user-data-dir).
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    env: { ...process.env, HOME: mkdtempSync(join(tmpdir(), 'spot-chromium-home-')) },
  });
}

/** Where the browser tests save their screenshots (git-ignored). */
export const SCREENSHOTS = join(repoRoot, 'test-screenshots');

export interface ConsoleInBrowser {
  days: ConsoleDays;
  c: RunningConsole;
  browser: Browser;
}

/** Registers a suite's hooks: the console over the days `make` gives and a browser, both closed after; the fields are set before the tests run. */
export function consoleInBrowser(make: () => Promise<ConsoleDays>): ConsoleInBrowser {
  const t = {} as ConsoleInBrowser;
  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    t.days = await make();
    t.c = await startConsole(t.days);
    t.browser = await launchChromium();
  });
  after(async () => {
    await t.browser?.close();
    await t.c?.close();
  });
  return t;
}
