import { spawn } from 'node:child_process';
import { chromium } from '@playwright/test';
import { findBrowser } from './test/e2e/browser';
const token = 'tk';
const child = spawn(process.execPath, ['out/main/browser-host.js', '--port', '0', '--data-dir', process.argv[2]!], { env: { ...process.env, OPTICOUNTER_HOST_TOKEN: token }, stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((res) => { let out = ''; child.stdout.on('data', (d) => { out += d; const m = /listening on (\S+)/.exec(out); if (m) res(m[1]!); }); });
const found = await findBrowser();
if (!found.ok) throw new Error(found.message);
const browser = await chromium.launch({ executablePath: found.executablePath, env: { ...process.env, ...found.env } as Record<string, string> });
const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
await page.addInitScript(() => {
  const w = window as any;
  w.__log = [];
  const of = window.fetch;
  window.fetch = async (...a: any[]) => { const t = performance.now(); const r = await of(...(a as [any])); const body = await r.clone().text(); if (String(a[0]).includes('customers.list')) w.__log.push(['fetch', t, performance.now(), body.length]); return r; };
  new PerformanceObserver((l) => { for (const e of l.getEntries()) w.__log.push(['long', e.startTime, e.startTime + e.duration]); }).observe({ type: 'longtask', buffered: true });
  window.addEventListener('keydown', (e) => w.__log.push(['key', e.timeStamp]), true);
});
await page.goto(`${url}/#token=${token}`);
await page.getByLabel('Username', { exact: true }).fill('bench');
await page.getByLabel('Password', { exact: true }).fill('bench-password-1');
await page.getByRole('button', { name: 'Sign in', exact: true }).click();
const box = page.getByRole('searchbox', { name: 'Search customers' });
await box.waitFor();
await page.waitForTimeout(3000);
for (const text of ['hass', 'benali', 'moh']) { await box.fill(''); await page.waitForTimeout(400); for (const ch of text) { await page.keyboard.type(ch); await page.waitForTimeout(250); } }
const log = await page.evaluate(() => (window as any).__log);
let k = 0;
for (const e of log) { if (e[0] === 'key') k = e[1]; console.log(e[0], (e[1] - k).toFixed(1), e[2] !== undefined ? (e[2] - k).toFixed(1) : '', e[3] ?? ''); }
await browser.close(); child.kill();
