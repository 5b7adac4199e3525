import { callHost, expect, shot, test } from './fixtures';

/*
 * Being rate-limited is not being offline: when the cloud answers 429 with a Retry-After longer than
 * a round waits in place, the header and the sync screen say the cloud asked us to slow down and when
 * the next try is, in the staff's language.
 */
const STORE = { storeId: 'store-e2e-rate-limit', email: 'owner@store.test', password: 'cloud-password-1' };

type Cloud = {
  url: string;
  addUser(u: { storeId: string; email: string; password: string }): Promise<void>;
  faults: { set(f: { tooManyRequests?: { count: number; retryAfterSeconds: number } }): void };
  close(): Promise<void>;
};
/** Named in a variable: the test cloud is Node code, typechecked with the Node config (see sync.spec.ts). */
const CLOUD_MODULE = '../cloud/server';

let cloud: Cloud;
test.beforeEach(async () => {
  const { startCloud } = (await import(CLOUD_MODULE)) as { startCloud(o: object): Promise<Cloud> };
  cloud = await startCloud({}); // its default rate limit: 100 requests a minute per user, sliding
  await cloud.addUser(STORE);
});
test.afterEach(async () => {
  await cloud.close();
});

test('the cloud asked us to slow down: said in the header and on the sync screen, with the time of the next try', async ({ page, request, host }) => {
  await callHost(request, host, 'sync.configure', { baseUrl: cloud.url, ...STORE });
  await expect.poll(async () => (await callHost(request, host, 'sync.status', {})).state).toBe('idle');
  cloud.faults.set({ tooManyRequests: { count: 1_000, retryAfterSeconds: 600 } });
  const status = await callHost(request, host, 'sync.now', {});
  expect(status.state).toBe('rateLimited');
  const at = new Date(status.nextAttemptAt!);
  const hhmm = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit' }).format(at);

  const indicator = page.getByRole('banner').getByRole('button', { name: /^Sync:/ });
  // The header shows it short ("Slowed down next try at 15:47"); its name and tooltip say why too.
  await expect(indicator).toHaveAccessibleName(new RegExp(`^Sync: Slowed down · next try at ${hhmm} · the cloud asked us to slow down · `));
  await expect(indicator).toHaveAttribute('title', new RegExp(`next try at ${hhmm} · the cloud asked us to slow down`));
  await expect(indicator).toContainText(`Slowed down`);
  await expect(indicator).toContainText(`next try at ${hhmm}`);
  await expect(indicator).not.toContainText('Offline');
  await shot(page, 'sync-rate-limited-header');

  await indicator.click();
  await expect(page.getByTestId('sync-state')).toHaveText('Slowed down');
  await expect(page.getByTestId('sync-rate-limited')).toHaveText(`The cloud asked us to slow down; next try at ${hhmm}`);
  await shot(page, 'sync-rate-limited-screen');

  await page.getByRole('banner').getByRole('combobox').selectOption('fr');
  const heure = new Intl.DateTimeFormat('fr', { hour: '2-digit', minute: '2-digit' }).format(at);
  await expect(page.getByTestId('sync-rate-limited')).toHaveText(`Le cloud nous a demandé de ralentir ; prochain essai à ${heure}`);
  await shot(page, 'sync-rate-limited-screen-fr');
});
