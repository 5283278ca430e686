import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`): playwright-core drives it and downloads nothing. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * A headless Chromium for a test file: one browser, a fresh context per test.
 *
 * @example
 * const browser = await launchBrowser();
 * const page = await (await browser.newContext()).newPage();
 */
export function launchBrowser(): Promise<Browser> {
  // --no-sandbox: CI runs as root in a container, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}
