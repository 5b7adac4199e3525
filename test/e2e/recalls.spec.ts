import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expectAccessible } from './axe';
import { callHost, expect, shot, signInThroughUi, signOutThroughUi, test } from './fixtures';

/*
 * Issue 13 item 4: the Recalls screen lists who is due this month and who is overdue, records a
 * call's outcome on the day typed, prints recall letters on the store's letterhead, and a
 * customer's own recall rule is set on their screen. In English and French, a glance at Arabic.
 */

const pad = (n: number) => String(n).padStart(2, '0');
const iso = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
/** The same day `months` earlier (the last day of that month when it has no such day). */
function monthsAgo(months: number, day?: number): string {
  const now = new Date();
  const target = new Date(now.getFullYear(), now.getMonth() - months, 1);
  const last = new Date(target.getFullYear(), target.getMonth() + 1, 0).getDate();
  target.setDate(Math.min(day ?? now.getDate(), last));
  return iso(target);
}
const shown = (day: string, lang: string) => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
};
/** A day as staff type it in the language (month first in English, day first in French). */
const typed = (day: string, lang: 'en' | 'fr') => {
  const [y, m, d] = day.split('-');
  return lang === 'fr' ? `${d}/${m}/${y}` : `${m}/${d}/${y}`;
};

const words = {
  en: {
    recalls: 'Recalls',
    due: 'Due this month',
    overdue: 'Overdue',
    all: 'All',
    consent: 'Only customers who agreed to be contacted',
    callDate: 'Date of the call',
    booked: 'Booked',
    recorded: 'Booked recorded for Amina Alaoui',
    nobodyDue: 'Nobody is due this month.',
    printOne: 'Print 1 letter',
    subject: 'Time for your eye check',
    greeting: 'Dear Brahim Bennani,',
    recallRule: 'Recall rule',
    noRecall: 'No recall',
    saveRule: 'Save recall rule',
    ruleSaved: 'Recall rule saved',
    history: 'History',
    historyLine: 'Recall call: Booked',
  },
  fr: {
    recalls: 'Rappels',
    due: 'À rappeler ce mois-ci',
    overdue: 'En retard',
    all: 'Tous',
    consent: 'Seulement les clients qui acceptent d’être contactés',
    callDate: 'Date de l’appel',
    booked: 'Rendez-vous pris',
    recorded: 'Rendez-vous pris noté pour Amina Alaoui',
    nobodyDue: 'Personne à rappeler ce mois-ci.',
    printOne: 'Imprimer 1 lettre',
    subject: 'C’est le moment de contrôler votre vue',
    greeting: 'Bonjour Brahim Bennani,',
    recallRule: 'Règle de rappel',
    noRecall: 'Pas de rappel',
    saveRule: 'Enregistrer la règle',
    ruleSaved: 'Règle de rappel enregistrée',
    history: 'Historique',
    historyLine: 'Appel de rappel : Rendez-vous pris',
  },
} as const;

async function seed(request: Parameters<typeof callHost>[0], host: Parameters<typeof callHost>[1]) {
  await callHost(request, host, 'settings.setStore', {
    name: 'Optique Atlas',
    address: '12 rue Allal Ben Abdellah\n20000 Casablanca',
    phone: '+212 5 22 00 00 00',
    registrationNumber: 'RC 123456',
    country: 'MA',
    logo: null,
    rxExpiryMonths: { spectacles: 24, contacts: 12 },
  });
  const make = async (firstName: string, lastName: string, exam: string, consent: { sms?: boolean }, address?: { street: string; city: string; zipCode: string }) => {
    const { customer } = await callHost(request, host, 'customers.create', {
      customerData: { firstName, lastName, email: `${firstName.toLowerCase()}@example.com`, phoneNumber: '+212 600 111 222', dateOfBirth: '1985-04-02', sex: 'female' },
      consent,
      ...(address ? { address } : {}),
    });
    await callHost(request, host, 'prescriptions.create', { customerId: customer.id, rx: { kind: 'spectacles', examDate: exam, distanceVision: { rightEye: { sph: '-1.00' }, leftEye: { sph: '-1.25' } } } });
    return customer.id;
  };
  // Due this month (24 months for spectacles), and overdue since the 10th six months ago.
  await make('Amina', 'Alaoui', monthsAgo(24), { sms: true });
  await make('Brahim', 'Bennani', monthsAgo(30, 10), {}, { street: '4 rue de Fès', city: 'Casablanca', zipCode: '20250' });
}

async function openRecalls(page: Page, w: (typeof words)['en' | 'fr']) {
  await page.getByRole('navigation').getByRole('button', { name: w.recalls, exact: true }).click();
  await expect(page.getByRole('heading', { name: w.recalls, level: 1 })).toBeVisible();
}

for (const lang of ['en', 'fr'] as const) {
  const w = words[lang];
  test(`[${lang}] recalls: record a call's outcome on the day typed, print a recall letter on the letterhead, set a customer's rule`, async ({ page, host, request }) => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await seed(request, host);
    if (lang === 'fr') await page.getByLabel('Language').selectOption('fr');
    await openRecalls(page, w);

    // Due this month: Amina, who agreed to SMS; the call is recorded on yesterday's date, typed.
    const rows = page.locator('.recalls-table tbody tr');
    await expect(page.getByRole('tab', { name: w.due })).toHaveAttribute('aria-selected', 'true');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('Amina Alaoui');
    await expect(rows.first()).toContainText(shown(monthsAgo(24), lang));
    const yesterday = iso(new Date(Date.now() - 86_400_000));
    const callDate = page.getByLabel(w.callDate, { exact: true });
    await callDate.fill(typed(yesterday, lang));
    await callDate.press('Tab');
    await shot(page, `recalls-due-${lang}`);
    await expectAccessible(page, `recalls ${lang}`);
    await rows.first().getByRole('button', { name: w.booked, exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: w.recorded })).toBeVisible();
    await expect(page.getByText(w.nobodyDue)).toBeVisible();
    await page.getByRole('tab', { name: w.all }).click();
    await expect(rows.filter({ hasText: 'Amina Alaoui' })).toContainText(shown(yesterday, lang));

    // The call list as CSV, column names in the screen's language.
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: lang === 'fr' ? 'Exporter la liste d’appels (CSV)' : 'Export call list (CSV)' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe(`recalls-all-${iso(new Date())}.csv`);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.split('\r\n')[0]).toBe(lang === 'fr' ? '\uFEFFNom,Prénom,Téléphone,E-mail,Accepte d’être contacté,Type,Dernier examen,Échéance,Statut,Dernier résultat,Date du résultat,Note' : '\uFEFFLast name,First name,Phone,Email,Agreed to be contacted,Kind,Last exam,Due date,Status,Last outcome,Outcome date,Note');
    expect(csv).toContain(`Alaoui,Amina,+212 600 111 222,amina@example.com,${lang === 'fr' ? 'oui' : 'yes'}`);
    expect(csv).toContain('Bennani,Brahim');

    // Overdue: Brahim, who did not agree to be contacted (the consent filter hides him).
    await page.getByRole('tab', { name: w.overdue }).click();
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('Brahim Bennani');
    await page.getByLabel(w.consent).check();
    await expect(rows).toHaveCount(0);
    await page.getByLabel(w.consent).uncheck();
    await expect(rows).toHaveCount(1);

    // A letter for him, on the store's letterhead, through the app's print path.
    await rows.first().getByRole('checkbox').check();
    await shot(page, `recalls-overdue-${lang}`);
    await page.evaluate(() => {
      window.print = () => undefined;
    });
    await page.getByRole('button', { name: w.printOne }).click();
    await page.emulateMedia({ media: 'print' });
    const letters = page.locator('.recall-letters');
    await expect(letters).toBeVisible();
    await expect(letters.locator('.recall-letter')).toHaveCount(1);
    await expect(letters.locator('.print-store')).toHaveText('Optique Atlas');
    await expect(letters).toContainText('20000 Casablanca');
    await expect(letters).toContainText(w.subject);
    await expect(letters).toContainText(w.greeting);
    await expect(letters).toContainText('4 rue de Fès');
    await expect(letters).toContainText(shown(monthsAgo(6, 10), lang));
    await expect(letters).toContainText('+212 5 22 00 00 00');
    await expect(letters).not.toContainText('Amina');
    await shot(page, `recalls-letter-${lang}`);
    await page.emulateMedia({ media: 'screen' });

    // Amina's own screen: her recall and its history; "no recall" takes her off every list.
    await page.getByRole('tab', { name: w.all }).click();
    await rows.filter({ hasText: 'Amina Alaoui' }).getByRole('button', { name: 'Amina Alaoui' }).click();
    const recall = page.locator('.customer-recall');
    await recall.scrollIntoViewIfNeeded();
    await shot(page, `recalls-customer-${lang}`);
    await expectAccessible(page, `customer recall ${lang}`);
    await recall.getByLabel(w.recallRule, { exact: true }).selectOption('none');
    await recall.getByRole('button', { name: w.saveRule }).click();
    await expect(recall.getByRole('status')).toHaveText(w.ruleSaved);
    await page.getByRole('tab', { name: w.history }).click();
    await expect(page.getByText(w.historyLine).first()).toBeVisible();
    await openRecalls(page, w);
    await page.getByRole('tab', { name: w.all }).click();
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('Brahim Bennani');

    // A glance at Arabic: the screen reads right to left, phone numbers left to right.
    const ar = JSON.parse(readFileSync(new URL('../../src/renderer/src/i18n/ar.json', import.meta.url), 'utf8')) as { recalls: { title: string } };
    await page.getByLabel(lang === 'fr' ? 'Langue' : 'Language').selectOption('ar');
    await expect(page.getByRole('heading', { name: ar.recalls.title, level: 1 })).toBeVisible();
    // The phone reads left to right: its "+" is drawn left of its last digit.
    const phone = rows.first().locator('bdi');
    await expect(phone).toHaveText('+212 600 111 222');
    const [plusX, lastX] = await phone.evaluate((el) => {
      const text = el.firstChild!;
      const at = (i: number) => {
        const r = document.createRange();
        r.setStart(text, i);
        r.setEnd(text, i + 1);
        return r.getBoundingClientRect().x;
      };
      return [at(0), at((text.textContent ?? '').length - 1)];
    });
    expect(plusX).toBeLessThan(lastX);
    await shot(page, `recalls-ar-from-${lang}`);
  });
}

test('[en] staff call customers back too: the Recalls screen is theirs, the store intervals are not', async ({ page, host, request }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await seed(request, host);
  await callHost(request, host, 'staff.create', { username: 'sam', displayName: 'Sam Staff', password: 'sam-password-1', role: 'staff' });
  await signOutThroughUi(page);
  await signInThroughUi(page, 'sam', 'sam-password-1');
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Recalls', exact: true }).click();
  await page.getByRole('tab', { name: 'Overdue' }).click();
  const row = page.locator('.recalls-table tbody tr').filter({ hasText: 'Brahim Bennani' });
  await row.getByRole('button', { name: 'No answer', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'No answer recorded for Brahim Bennani' })).toBeVisible();
  await expect(row).toContainText(`No answer on ${shown(iso(new Date()), 'en')}`);
  await expect(page.getByText('Recall intervals (store)')).toHaveCount(0);
  await shot(page, 'recalls-staff-en');
});
