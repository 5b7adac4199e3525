/*
 * On screen: from a keystroke in the search box to its results shown, in Chromium, against the
 * browser host holding the bench's store. Measured in the page: from the key's keydown to the frame
 * after the list stopped being marked stale (aria-busy) with the new count. Printed, never asserted.
 */
import { chromium } from '@playwright/test';
import { findBrowser } from '../e2e/browser';

const TYPED = ['hass', 'benali', 'layla has', 'moh', 'zoe dup', '6123', 'fatim', 'el am'];

/** Each keystroke's latency in ms (typing TYPED, one word after another), or a reason there are none. */
export async function keystrokeLatencies(url: string, token: string, owner: { username: string; password: string }): Promise<number[] | string> {
  const found = await findBrowser();
  if (!found.ok) return found.message;
  const browser = await chromium.launch({ executablePath: found.executablePath, env: { ...process.env, ...found.env } as Record<string, string> });
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(`${url}/#token=${token}`);
    await page.getByLabel('Username', { exact: true }).fill(owner.username);
    await page.getByLabel('Password', { exact: true }).fill(owner.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const box = page.getByRole('searchbox', { name: 'Search customers' });
    await box.waitFor();
    const out: number[] = [];
    for (const text of TYPED) {
      await box.fill('');
      await page.waitForTimeout(300);
      for (const ch of text) {
        const measured = page.evaluate<number | null>(measureNextKeystroke);
        await page.keyboard.type(ch);
        const ms = await measured;
        if (ms !== null) out.push(ms);
      }
    }
    return out;
  } finally {
    await browser.close();
  }
}

/**
 * Runs in the page (a string: this file is compiled without the DOM's types): resolves with the next
 * keystroke's latency to its results, or null after 5 s.
 */
const measureNextKeystroke = `new Promise((resolve) => {
  const count = () => document.querySelector('[data-testid="result-count"]')?.textContent ?? '';
  const list = () => document.querySelector('[role="listbox"][aria-label]');
  let t0 = 0;
  let before = '';
  let sawBusy = false;
  const observer = new MutationObserver(() => {
    if (t0 === 0) return;
    if (list()?.getAttribute('aria-busy')) sawBusy = true;
    else if (sawBusy || count() !== before) {
      observer.disconnect();
      requestAnimationFrame(() => resolve(performance.now() - t0));
    }
  });
  window.addEventListener('keydown', (e) => {
    t0 = e.timeStamp;
    before = count();
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  }, { once: true, capture: true });
  setTimeout(() => { observer.disconnect(); resolve(null); }, 5000);
})`;
