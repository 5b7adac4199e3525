import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { UpdateStatus } from '../../src/shared/update/schema';
import { type A11yFinding, describeFindings, expectAccessible, isBlocking, scanScreen } from './axe';
import { callHost, expect, OWNER, shot, test } from './fixtures';

/*
 * Issue 12, item 13: axe-core on every screen, in each language; the test fails on any serious or
 * critical violation and prints a table screen × language → violations (serious+critical / all).
 * One browser and one session walk everything (a fresh install first, then the owner's counter): no
 * host or sign-in per screen. Screens and controls are found by their roles and
 * their names in the language shown, read from the app's own translation files, so the walk follows
 * the wording wherever it changes.
 */

const LANGUAGES = ['en', 'fr', 'ar'] as const;
type Language = (typeof LANGUAGES)[number];
type Dictionary = Record<string, unknown>;
const dictionaries = Object.fromEntries(
  LANGUAGES.map((lng) => [lng, JSON.parse(readFileSync(new URL(`../../src/renderer/src/i18n/${lng}.json`, import.meta.url), 'utf8')) as Dictionary]),
) as Record<Language, Dictionary>;

/** A string of the app's translations as shown: `{{name}}` placeholders filled in, `<q>…</q>` marks (Trans) gone. */
function tr(lng: Language, key: string, params: Record<string, string> = {}): string {
  const value = key.split('.').reduce<unknown>((node, part) => (node as Dictionary | undefined)?.[part], dictionaries[lng]);
  if (typeof value !== 'string') throw new Error(`no translation ${lng}:${key}`);
  return value.replace(/\{\{(\w+)\}\}/g, (_, name: string) => params[name] ?? '').replace(/<\/?\w+>/g, '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Screen name → language → findings, printed as the closing table. */
class Report {
  readonly rows = new Map<string, Map<Language, A11yFinding[]>>();

  add(screen: string, lng: Language, findings: A11yFinding[]) {
    if (!this.rows.has(screen)) this.rows.set(screen, new Map());
    this.rows.get(screen)?.set(lng, findings);
  }

  blocking(): string[] {
    const out: string[] = [];
    for (const [screen, byLang] of this.rows) {
      for (const [lng, findings] of byLang) {
        const bad = findings.filter(isBlocking);
        if (bad.length > 0) out.push(describeFindings(`${screen} (${lng})`, bad));
      }
    }
    return out;
  }

  table(): string {
    const cell = (f: A11yFinding[] | undefined) => (f ? `${f.filter(isBlocking).length} / ${f.length}` : '—');
    const lines = [
      `| screen | ${LANGUAGES.join(' | ')} |`,
      `|---|${LANGUAGES.map(() => '---').join('|')}|`,
      ...[...this.rows].map(([screen, byLang]) => `| ${screen} | ${LANGUAGES.map((l) => cell(byLang.get(l))).join(' | ')} |`),
    ];
    const rules = new Map<string, string>();
    for (const byLang of this.rows.values()) for (const f of [...byLang.values()].flat()) rules.set(f.rule, f.impact);
    const legend = rules.size ? `rules seen: ${[...rules].map(([r, i]) => `${r} (${i})`).join(', ')}` : 'no violation of any impact';
    return `axe-core violations per screen (serious+critical / all impacts)\n${lines.join('\n')}\n${legend}`;
  }
}

async function chooseLanguage(page: Page, from: Language, to: Language) {
  await page.getByRole('combobox', { name: tr(from, 'app.language') }).selectOption(to);
  await expect(page.locator('html')).toHaveAttribute('lang', to);
}

// A wrong or missing session on the sign-in screens is a 401; the locked counter's calls are 423s;
// the trial's end makes writes 403s.
test.use({ account: 'none', allowedStatuses: [401, 403, 423] });

const report = new Report();
// Printed even when the walk stops half-way: what was scanned so far.
const WALK = 'every screen in English, French and Arabic has no serious or critical axe-core violation';
test.afterEach(async ({}, testInfo) => {
  if (testInfo.title !== WALK) return;
  const table = report.table();
  console.log(table);
  await testInfo.attach('axe-table.md', { body: table, contentType: 'text/markdown' });
});

test(WALK, async ({ page, host, request }) => {
  // About 66 scans of 1–6 s each: 3.5 min measured on 2 cores shared with a load of 17.
  test.setTimeout(600_000);
  let lng: Language = 'en';
  const scan = async (screen: string) => {
    // Nothing half-drawn: axe reads the page as it is.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    report.add(screen, lng, await scanScreen(page));
    await shot(page, `a11y-${lng}-${screen.replace(/[^a-z0-9]+/gi, '-')}`);
  };
  const nav = () => page.getByRole('navigation', { name: tr(lng, 'nav.label') });
  const tab = (key: string) => page.getByRole('tablist', { name: tr(lng, 'tabs.label') }).getByRole('tab', { name: tr(lng, key) });
  await page.setViewportSize({ width: 1366, height: 768 });

  // The browser host has no updater (update.status answers `unsupported` by design); the
  // "Update ready" bar is reachable only with that one answer replaced, checked against its schema.
  const ready = UpdateStatus.parse({
    state: 'ready',
    version: '9.9.9',
    releaseNotes: [{ version: '9.9.9', text: 'Faster search.\nClearer printed cards.' }],
    offerRestart: true,
  });
  await page.route('**/api/update.status', (route) => route.fulfill({ json: { ok: true, data: ready } }));

  // ---- a fresh install: the owner's account is asked first ----
  await expect(page.getByRole('heading', { name: tr(lng, 'setup.title') })).toBeVisible();
  for (const next of LANGUAGES) {
    await chooseLanguage(page, lng, next);
    lng = next;
    await scan('first run: owner setup');
    await page.getByRole('form', { name: tr(lng, 'setup.title') }).getByRole('button', { name: tr(lng, 'setup.submit') }).click();
    await expect(page.getByRole('alert').first()).toBeVisible();
    await scan('first run: owner setup, errors shown');
  }

  // ---- the owner's account made on the screen: the recovery code, shown once ----
  await page.getByLabel(tr(lng, 'account.username'), { exact: true }).fill(OWNER.username);
  await page.getByLabel(tr(lng, 'account.displayName'), { exact: true }).fill(OWNER.displayName);
  await page.getByLabel(tr(lng, 'account.password'), { exact: true }).fill(OWNER.password);
  await page.getByLabel(tr(lng, 'account.confirmPassword'), { exact: true }).fill(OWNER.password);
  await page.getByLabel(tr(lng, 'account.pinOptional'), { exact: true }).fill(OWNER.pin);
  await page.getByRole('form', { name: tr(lng, 'setup.title') }).getByRole('button', { name: tr(lng, 'setup.submit') }).click();
  for (const next of LANGUAGES) {
    await chooseLanguage(page, lng, next);
    lng = next;
    await expect(page.getByRole('heading', { name: tr(lng, 'recovery.shown.title'), level: 1 })).toBeVisible();
    await scan('first run: recovery code, shown once');
  }
  await page.getByLabel(tr(lng, 'recovery.shown.kept')).check();
  await page.getByRole('button', { name: tr(lng, 'recovery.shown.continue') }).click();
  await page.getByRole('banner').getByRole('button', { name: tr(lng, 'header.signOut'), exact: true }).click();

  // ---- the owner exists: the sign-in screen, and "Forgot your password?" with a code refused ----
  for (const next of LANGUAGES) {
    await chooseLanguage(page, lng, next);
    lng = next;
    await expect(page.getByRole('heading', { name: tr(lng, 'signIn.title') })).toBeVisible();
    await scan('sign-in');
    await page.getByRole('button', { name: tr(lng, 'recovery.forgot') }).click();
    const recover = page.getByRole('form', { name: tr(lng, 'recovery.title') });
    await recover.getByLabel(tr(lng, 'account.username'), { exact: true }).fill(OWNER.username);
    await recover.getByLabel(tr(lng, 'recovery.code'), { exact: true }).fill('AAAAA-BBBBB-CCCCC-DDDDD');
    await recover.getByLabel(tr(lng, 'recovery.newPassword'), { exact: true }).fill('a-brand-new-password');
    await recover.getByLabel(tr(lng, 'account.confirmPassword'), { exact: true }).fill('a-brand-new-password');
    await recover.getByRole('button', { name: tr(lng, 'recovery.submit') }).click();
    await expect(recover.getByRole('alert')).toHaveText(tr(lng, 'recovery.invalid'));
    await scan('sign-in: forgot password, code refused');
    await page.getByRole('button', { name: tr(lng, 'recovery.back') }).click();
  }

  // ---- what the counter screens show: namesakes, a customer with several Rx versions, a document, staff, a backup ----
  const person = (firstName: string, email: string, phoneNumber: string) => ({
    customerData: { firstName, lastName: 'Alaoui', email, phoneNumber, dateOfBirth: '1958-04-07', sex: 'female' as const },
    address: { street: '12 rue Ibn Batouta', city: 'Casablanca', zipCode: '20250', state: 'Casablanca-Settat' },
  });
  const { customer } = await callHost(request, host, 'customers.create', person('Leïla', 'leila@example.ma', '+212 661 234 567'));
  await callHost(request, host, 'customers.create', person('Leïla', 'leila.a@example.ma', '+212 662 000 111'));
  await callHost(request, host, 'customers.create', person('Karim', 'karim@example.ma', '+212 663 000 222'));
  const eyes = (sph: string) => ({ rightEye: { sph, cyl: '-0.50', axis: '090', add: '+2.00' }, leftEye: { sph: '+0.75', cyl: '-0.25', axis: '180', add: '+2.00' } });
  const v1 = await callHost(request, host, 'prescriptions.create', {
    customerId: customer.id,
    rx: { kind: 'spectacles', examDate: '2023-11-20', distanceVision: eyes('-1.00'), pd: { right: '31.5', left: '32' } },
  });
  await callHost(request, host, 'prescriptions.create', {
    customerId: customer.id,
    rx: { kind: 'spectacles', examDate: '2024-11-20', distanceVision: eyes('-1.25'), pd: { right: '31.5', left: '32' } },
  });
  await callHost(request, host, 'prescriptions.correct', {
    id: v1.id,
    rx: { kind: 'spectacles', examDate: '2023-11-20', distanceVision: eyes('-1.50'), pd: { right: '31.5', left: '32' } },
  });
  // A 1×1 PNG: the documents tab previews it.
  const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
  await callHost(request, host, 'attachments.add', { customerId: customer.id, field: 'idCard', fileName: 'id-card.png', bytes: png });
  await callHost(request, host, 'staff.create', { username: 'sam', displayName: 'Sam Staff', password: 'sam-password-22', role: 'staff', pin: '1357' });
  await callHost(request, host, 'backup.create', {});
  // A walk-in with a name and a phone only: a to-do on its screen, waiting for details on the Sync screen.
  await callHost(request, host, 'customers.create', { customerData: { firstName: 'Omar', lastName: 'Chraibi', phoneNumber: '0600000003' } });
  // Sync set up against a cloud that is not there (nothing listens on the discard port): the header's
  // pill shows "Offline" and the changes waiting, the Sync screen its status.
  await callHost(request, host, 'sync.configure', { baseUrl: 'http://127.0.0.1:9', storeId: 'store-a11y', email: 'owner@example.ma', password: 'cloud-password' });

  await page.getByLabel(tr(lng, 'account.username'), { exact: true }).fill(OWNER.username);
  await page.getByLabel(tr(lng, 'account.password'), { exact: true }).fill(OWNER.password);
  await page.getByRole('button', { name: tr(lng, 'signIn.submit'), exact: true }).click();
  const searchBox = () => page.getByRole('searchbox', { name: tr(lng, 'search.label') });
  await expect(searchBox()).toBeFocused();

  for (const next of LANGUAGES) {
    await chooseLanguage(page, lng, next);
    lng = next;
    const banner = page.getByRole('banner');

    // ---- customers: the list, a search with results, a new customer ----
    await nav().getByRole('button', { name: tr(lng, 'nav.customers') }).click();
    const resultList = page.getByRole('listbox', { name: tr(lng, 'search.results') });
    await searchBox().fill('');
    await expect(resultList.getByRole('option')).toHaveCount(4);
    await expect(resultList).not.toHaveAttribute('aria-busy', 'true');
    await scan('customers list');
    await searchBox().fill('alaoui');
    await expect(resultList.getByRole('option')).toHaveCount(3);
    // The answer to this search, not the previous one's rows still on screen.
    await expect(resultList).not.toHaveAttribute('aria-busy', 'true');
    await scan('search with results');
    await searchBox().fill('nobody-by-that-name');
    await expect(page.getByRole('status').filter({ hasText: tr(lng, 'search.emptySearch', { search: 'nobody-by-that-name' }) })).toBeVisible();
    await scan('search without results');

    await page.getByRole('button', { name: tr(lng, 'search.newCustomer') }).click();
    await expect(page.getByLabel(tr(lng, 'form.firstName'), { exact: true })).toBeFocused();
    await scan('new customer');
    await page.getByRole('button', { name: tr(lng, 'form.create'), exact: true }).click();
    await expect(page.getByRole('alert').first()).toBeVisible();
    await scan('new customer, errors shown');
    // A namesake born the same day: the possible match is said while typing; the date shows the age.
    await page.getByLabel(tr(lng, 'form.firstName'), { exact: true }).fill('leila');
    await page.getByLabel(tr(lng, 'form.lastName'), { exact: true }).fill('ALAOUI');
    const dob = page.getByLabel(tr(lng, 'form.dateOfBirth'), { exact: true });
    await dob.fill(tr(lng, 'dateInput.format.dmy') === (await dob.getAttribute('placeholder')) ? '07/04/1958' : '04/07/1958');
    await dob.blur();
    const warning = page.locator('.duplicate-warning');
    await expect(warning).toContainText(tr(lng, 'duplicates.reason.nameAndBirth'));
    await expect(page.locator('.date-age')).toBeVisible();
    await scan('new customer: possible match, date with its age');
    await page.getByLabel(tr(lng, 'form.email'), { exact: true }).fill('leila@example.ma');
    await page.getByRole('button', { name: tr(lng, 'form.create'), exact: true }).click();
    await expect(page.getByRole('button', { name: tr(lng, 'duplicates.openEmailHolder') })).toBeVisible();
    await scan('new customer: email taken, Open');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: tr(lng, 'discard.title') }).getByRole('button', { name: tr(lng, 'discard.confirm') }).click();

    // ---- a walk-in: what the cloud still needs ----
    await searchBox().fill('chraibi');
    await expect(resultList.getByRole('option')).toHaveCount(1);
    await expect(resultList).not.toHaveAttribute('aria-busy', 'true');
    await searchBox().press('Enter');
    await expect(page.getByRole('heading', { name: 'Omar Chraibi' })).toBeVisible();
    await expect(page.getByText(tr(lng, 'todo.field'), { exact: true }).first()).toBeVisible();
    await scan('walk-in customer: to-do');
    await page.keyboard.press('Escape');

    // ---- a customer: details, prescription (several versions), documents, history ----
    await searchBox().fill('leila@example.ma');
    await expect(resultList.getByRole('option')).toHaveCount(1);
    await expect(resultList).not.toHaveAttribute('aria-busy', 'true');
    await searchBox().press('Enter');
    await expect(page.getByRole('heading', { name: 'Leïla Alaoui' })).toBeVisible();
    await expect(tab('tabs.details')).toHaveAttribute('aria-selected', 'true');
    await scan('customer details');
    await page.getByRole('button', { name: tr(lng, 'form.delete'), exact: true }).click();
    const confirmDelete = page.getByRole('dialog', { name: tr(lng, 'delete.title') });
    await expect(confirmDelete).toBeVisible();
    await scan('customer: delete confirmation');
    await confirmDelete.getByRole('button', { name: tr(lng, 'delete.cancel'), exact: true }).click();
    await expect(confirmDelete).toBeHidden();
    await tab('tabs.prescription').click();
    await expect(page.getByRole('form', { name: tr(lng, 'rx.newExam') })).toBeVisible();
    await scan('prescription editor, 3 versions');
    const odSph = page.getByLabel(tr(lng, 'rx.cellLabel', { eye: tr(lng, 'rx.eye.rightEye'), vision: tr(lng, 'rx.visionInLabel.distanceVision'), measure: tr(lng, 'rx.measure.sph') }), { exact: true });
    const typed = await odSph.inputValue();
    await odSph.fill('abc');
    await odSph.press('Tab');
    await expect(odSph).toHaveAttribute('aria-invalid', 'true');
    await scan('prescription editor, a cell refused');
    await odSph.fill(typed);
    await odSph.press('Tab');
    await tab('tabs.documents').click();
    await page.getByRole('button', { name: 'id-card.png', exact: true }).click();
    await expect(page.getByRole('img', { name: 'id-card.png' })).toBeVisible();
    await expect(page.getByRole('combobox', { name: tr(lng, 'docs.retype.label', { name: 'id-card.png' }) })).toBeVisible();
    await scan('documents, type selector');
    await tab('tabs.history').click();
    await expect(page.getByRole('region', { name: tr(lng, 'history.title') })).toBeVisible();
    await scan('history');

    // ---- the owner's areas; the update bar and the footer (version, licence) are on each ----
    await nav().getByRole('button', { name: tr(lng, 'nav.staff') }).click();
    await expect(page.getByRole('heading', { name: tr(lng, 'staff.title'), level: 1 })).toBeVisible();
    await expect(page.getByRole('cell', { name: 'Sam Staff' })).toBeVisible();
    await scan('staff');
    await page.getByRole('button', { name: tr(lng, 'staff.add') }).click();
    const addDialog = page.getByRole('dialog', { name: tr(lng, 'staff.addTitle') });
    await expect(addDialog).toBeVisible();
    await scan('staff: add dialog');
    await page.keyboard.press('Escape');
    await expect(addDialog).toBeHidden();

    await nav().getByRole('button', { name: tr(lng, 'nav.settings') }).click();
    await expect(page.getByRole('heading', { name: tr(lng, 'settings.title'), level: 1 })).toBeVisible();
    await expect(page.getByRole('heading', { name: tr(lng, 'licence.panel.title'), exact: true })).toBeVisible();
    for (const title of ['storeProfile.title', 'storeProfile.expiryTitle', 'sync.settingsSection.title']) {
      await expect(page.getByRole('heading', { name: tr(lng, title), exact: true })).toBeVisible();
    }
    await expect(page.getByRole('form', { name: tr(lng, 'recovery.settings.title') })).toBeVisible();
    await scan('settings: store, expiry, sync, recovery code, licence');

    await nav().getByRole('button', { name: tr(lng, 'nav.backups') }).click();
    await expect(page.getByRole('heading', { name: tr(lng, 'backups.title'), level: 1 })).toBeVisible();
    await scan('backups');
    const copyLabel = new RegExp(`^${tr(lng, 'backups.copy.label', { date: '\u0000' }).split('\u0000').map(escapeRegExp).join('.+')}$`);
    await page.getByRole('button', { name: copyLabel }).first().click();
    const copy = page.getByRole('dialog', { name: tr(lng, 'backups.copy.title') });
    await expect(copy).toBeVisible();
    await copy.getByLabel(tr(lng, 'backups.copy.folder'), { exact: true }).fill('/no/such/usb-stick');
    await copy.getByRole('button', { name: tr(lng, 'backups.copy.confirm'), exact: true }).click();
    await expect(copy).toContainText(tr(lng, 'errors.backup.folderNotFound'));
    await scan('backups: copy dialog, refused');
    await page.keyboard.press('Escape');
    await expect(copy).toBeHidden();

    const states = ['idle', 'syncing', 'rateLimited', 'offline', 'error'].map((state) => escapeRegExp(tr(lng, `sync.state.${state}`)));
    await banner.getByRole('button', { name: new RegExp(`^${escapeRegExp(tr(lng, 'sync.indicator.sentence', { state: '' }))}(${states.join('|')})`) }).click();
    await expect(page.getByRole('heading', { name: tr(lng, 'sync.title'), level: 1 })).toBeVisible();
    await expect(page.getByRole('region', { name: tr(lng, 'sync.waiting.title') }).getByRole('listitem')).toHaveCount(1);
    await scan('sync, customers waiting for details');
    await page.getByRole('button', { name: tr(lng, 'sync.switch.turnOff') }).click();
    await expect(page.getByTestId('sync-turned-off')).toBeVisible();
    await scan('sync turned off');
    await page.getByRole('button', { name: tr(lng, 'sync.switch.turnOn') }).click();
    await expect(page.getByRole('button', { name: tr(lng, 'sync.switch.turnOff') })).toBeVisible();

    const update = page.getByRole('region', { name: tr(lng, 'update.label') });
    await update.getByText(tr(lng, 'update.notes')).click();
    await expect(update.getByText('Faster search.')).toBeVisible();
    await scan('update ready, notes open');

    // ---- the lock screen over the counter ----
    await banner.getByRole('button', { name: tr(lng, 'header.lock'), exact: true }).click();
    const lock = page.getByRole('dialog', { name: tr(lng, 'lock.title') });
    await expect(lock).toBeVisible();
    const tiles = lock.getByRole('group', { name: tr(lng, 'lockTiles.label') });
    await expect(tiles.getByRole('button')).toHaveText(['Sam Staff']);
    await scan('lock, colleague tiles');
    await tiles.getByRole('button', { name: 'Sam Staff' }).click();
    await expect(lock.getByLabel(tr(lng, 'lockTiles.pinOf', { name: 'Sam Staff' }), { exact: true })).toBeFocused();
    await scan('lock: switch user, PIN step');
    await lock.getByRole('button', { name: tr(lng, 'lockTiles.back', { name: OWNER.displayName }) }).click();
    await lock.getByLabel(tr(lng, 'lock.pin'), { exact: true }).fill(OWNER.pin);
    await lock.getByRole('button', { name: tr(lng, 'lock.unlock') }).click();
    await expect(lock).toBeHidden();
  }

  // ---- the trial is over: the activation screen comes first ----
  // Off the app while its host is down: no poll of the page's meets a closed port.
  await page.goto('about:blank');
  await host.restart(['--clock-offset-days', '30']);
  host.apiSession = undefined;
  await page.goto(`${host.url}/`);
  for (const next of LANGUAGES) {
    await chooseLanguage(page, lng, next);
    lng = next;
    await expect(page.getByRole('heading', { name: tr(lng, 'licence.activate.title'), level: 1 })).toBeVisible();
    await scan('licence activation');
  }

  expect(report.blocking(), 'serious or critical axe-core violations').toEqual([]);
});

test('the axe helper catches what the walk is there to catch: a name without its visible words, faint text, a dangling ARIA id', async ({ context }) => {
  const page = await context.newPage();
  await page.setContent(`<!doctype html><html lang="en"><head><title>probe</title></head><body><main><h1>Probe</h1>
    <button type="button" aria-label="Open the sync screen"><span>Offline</span><span>3 pending</span></button>
    <p style="color:#aaa;background:#fff">Faint text</p>
    <input type="search" aria-label="Search" aria-controls="no-such-list">
  </main></body></html>`);
  const findings = await scanScreen(page);
  expect(findings.map((f) => [f.rule, f.impact]).sort()).toEqual([
    ['aria-valid-attr-value', 'critical'],
    ['color-contrast', 'serious'],
    ['label-content-name-mismatch', 'serious'],
  ]);
  await expect(expectAccessible(page, 'probe')).rejects.toThrow(/label-content-name-mismatch/);
  await page.close();
});
