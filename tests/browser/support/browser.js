/// Debian's Chromium, headless, driven by playwright-core: fake camera and screen capture (the
/// picker answers by itself), the server's self-signed certificate accepted. Pages record every
/// 'floorctl:*' DOM event the app dispatches, and screenshots go to FLOORCTL_SCREENSHOT_DIR.

import {mkdirSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {chromium} from 'playwright-core';

export const CHROMIUM = process.env.FLOORCTL_CHROMIUM || '/usr/bin/chromium';

/// Where screenshots go (created on first use).
export function screenshotDir() {
  const dir = process.env.FLOORCTL_SCREENSHOT_DIR || join(tmpdir(), 'floorctl-browser-screenshots');
  mkdirSync(dir, {recursive: true});
  return dir;
}

/// The flags that make getDisplayMedia succeed headless without a person: the fake UI accepts
/// the picker and the fake device provides the captured picture.
export const CHROMIUM_ARGS = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--ignore-certificate-errors',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-dev-shm-usage',
];

/// With these as well, getDisplayMedia() asks for a fresh click (transient user activation, as
/// the Screen Capture spec says and Firefox and Safari do): without them headless Chromium's fake
/// picker opens at any time, so a grant long after "Present" never needs "Share my screen".
export const GESTURE_ARGS = ['--enable-features=GetDisplayMediaRequiresUserActivation'];

/// Starts the browser, with `extraArgs` after CHROMIUM_ARGS.
export function launchBrowser(extraArgs = []) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    timeout: 30000
  });
}

/// Records the app's integration events in window.floorctlEvents: [{type, detail}] (streams
/// are replaced by true, so the list stays serialisable), and logs each type to the console:
/// waiting for that log (page.waitForEvent('console')) does not touch the page, whereas every
/// evaluation by playwright counts as a click there (transient user activation).
function recordEvents() {
  window.floorctlEvents = [];
  const types =
      ['connection', 'requested', 'queued', 'granted', 'sharing', 'released', 'denied', 'revoked'];
  for (const t of types) {
    window.addEventListener(`floorctl:${t}`, (e) => {
      const detail = {...e.detail};
      if (detail.stream) detail.stream = true;
      window.floorctlEvents.push({type: e.type, detail});
      console.debug(e.type);
    });
  }
}

/// A new page (own context: own cookies) of `size` ({width, height}) that opens `url`.
export async function openPage(browser, url, size = {
  width: 1100,
  height: 800
}) {
  const context = await browser.newContext({ignoreHTTPSErrors: true, viewport: size});
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const log = [];
  page.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
  page.consoleLog = log;
  await page.addInitScript(recordEvents);
  await page.goto(url);
  return page;
}

/// Saves a full-page screenshot as <dir>/<name>.png.
export async function screenshot(page, name) {
  await page.screenshot({path: join(screenshotDir(), `${name}.png`), fullPage: true});
}
