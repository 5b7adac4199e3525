import { expect, test } from './fixtures';

/*
 * The cloud and licence server addresses: plain http:// to another computer is refused in the page
 * by the same schema the core uses, and the message, naming the rule, sits next to the field.
 */
test('the sync and licence server forms explain the https:// rule next to the address', async ({ page }) => {
  await page.getByRole('banner').getByRole('button', { name: /^Sync:/ }).click();
  const settings = page.getByRole('region', { name: 'Settings' });
  const cloud = settings.getByLabel('Cloud address');
  await cloud.fill('http://127.0.0.1.evil.com');
  await settings.getByLabel('Store ID').fill('store-1');
  await settings.getByLabel('Email').fill('owner@example.com');
  await settings.getByLabel('Password').fill('cloud-password-1');
  await settings.getByRole('button', { name: 'Save and connect' }).click();
  await expect(cloud).toHaveAttribute('aria-invalid', 'true');
  await expect(cloud).toHaveAccessibleDescription(/starting with https:\/\/ \(plain http:\/\/ only for this computer/);

  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Settings' }).click();
  const panel = page.getByRole('region', { name: 'Licence' });
  await panel.getByText('Licence server').click();
  const server = panel.getByLabel('Server address');
  await server.fill('http://licences.example.com');
  await panel.getByRole('form', { name: 'Licence server' }).getByRole('button', { name: 'Save' }).click();
  await expect(server).toHaveAttribute('aria-invalid', 'true');
  await expect(server).toHaveAccessibleDescription(/starting with https:\/\/ \(plain http:\/\/ only for this computer/);

  // Loopback over http:// is fine (a cloud on this computer), and the error goes away.
  await server.fill('http://localhost:4010');
  await panel.getByRole('form', { name: 'Licence server' }).getByRole('button', { name: 'Save' }).click();
  await expect(server).not.toHaveAttribute('aria-invalid', 'true');
  await expect(panel.getByRole('form', { name: 'Licence server' }).getByRole('status')).toHaveText('Saved');
});
