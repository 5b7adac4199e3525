/*
 * On screen: from a keystroke in the search box to its results shown, in Chromium, against the
 * browser host holding the bench's store. Measured in the page: from the key's keydown to the frame
 * after the list stopped being marked stale (aria-busy) with the new count, keys typed at a fast
 * typist's pace. Printed, never asserted.
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
    // The recorder is put in the page once: evaluating a script per keystroke had the page compile
    // it while the key arrived, and counted that in the keystroke's time.
    await page.evaluate(recordKeystrokes);
    for (const text of TYPED) {
      await box.fill('');
      await page.waitForTimeout(300);
      await page.evaluate('window.__keystrokes.length = 0, undefined');
      await page.keyboard.type(text, { delay: KEY_GAP_MS });
      await page.waitForTimeout(1000);
      // A key whose results never showed (none within the second after the last key) counts as endless.
      out.push(...((await page.evaluate('window.__keystrokes.slice()')) as (number | null)[]).map((ms) => ms ?? Number.POSITIVE_INFINITY));
    }
    return out;
  } finally {
    await browser.close();
  }
}

// 5 keys a second: a fast typist at the counter.
const KEY_GAP_MS = 200;

/**
 * Runs in the page (a string: this file is compiled without the DOM's types): from each keydown to
 * the frame after the list stopped being marked stale (aria-busy) with the new count, pushed to
 * window.__keystrokes. A key typed before the last one's results showed waits with it: both end
 * when the newer results are on screen. A key that leaves the search as it was ends with its frame.
 */
const recordKeystrokes = `(() => {
  window.__keystrokes = [];
  const count = () => document.querySelector('[data-testid="result-count"]')?.textContent ?? '';
  const list = () => document.querySelector('[role="listbox"][aria-label]');
  let open = [];
  const observer = new MutationObserver((records) => {
    const last = open[open.length - 1];
    if (!last) return;
    // Marked stale and back within one batch of mutations (an answer as quick as the mark) counts too:
    // a search whose count did not change then never ended (the Infinity at 1,000,000 customers).
    if (list()?.getAttribute('aria-busy') || records.some((r) => r.attributeName === 'aria-busy')) last.sawBusy = true;
    if (list()?.getAttribute('aria-busy')) return;
    if (last.sawBusy || count() !== last.before) {
      const done = open;
      open = [];
      requestAnimationFrame(() => { for (const k of done) window.__keystrokes[k.at] = performance.now() - k.t0; });
    }
  });
  observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  let searched = '';
  window.addEventListener('keydown', (e) => {
    open.push({ t0: e.timeStamp, before: count(), sawBusy: false, at: window.__keystrokes.length });
    window.__keystrokes.push(null);
  }, { capture: true });
  // A key that leaves the search as it was (a space after a word): its results are those on screen.
  window.addEventListener('input', (e) => {
    const typed = e.target.value.trim();
    const last = open[open.length - 1];
    if (typed === searched && last && open.length === 1) {
      open = [];
      requestAnimationFrame(() => { window.__keystrokes[last.at] = performance.now() - last.t0; });
    }
    searched = typed;
  }, { capture: true });
})()`;
