import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../support/api-server';
import { launchChromium, newTestPage, saveScreenshot, type TestPage } from '../support/browser';
import { escapeRegExp, expectText, signIn } from '../support/console';
import { createAgent, gql, login } from '../support/graphql';

// The admin area in a real browser against the real server: an admin creates a channel with
// opening hours, adds a member with flags, copies the embed snippet and creates an API token that
// is shown once; server-side validation appears at the field; agents are kept out.
describe('admin area', () => {
  let server: ApiServer;
  let browser: Browser;
  let adminToken: string;
  let admin: TestPage;
  let page: Page;
  const bea = { email: 'bea@e2e.test', name: 'Bea Berg', id: '', password: '' };
  const notFound: string[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startApiServer(), launchChromium()]);
    adminToken = (await login(server.url, server.adminEmail, server.adminPassword)).token;
    Object.assign(bea, await createAgent(server.url, adminToken, { email: bea.email, name: bea.name }));
    admin = await newTestPage(browser);
    page = admin.page;
    page.on('console', (message) => {
      if (message.type() === 'error' && message.text().includes('status of 404')) notFound.push(new URL(message.location().url).pathname);
    });
    await admin.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await signIn(page, server, { email: server.adminEmail, password: server.adminPassword });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  const channelByName = async (name: string) => {
    const { channels } = await gql<{ channels: any[] }>(
      server.url,
      `{ channels(includeArchived: true) { id name timeZone openingHoursEnabled openingHours { weekday opensAt closesAt breakStartsAt breakEndsAt }
         widgetColor members { agent { email } canRespond getsNotifications canListenIn isManager } embedSnippet } }`,
      {},
      adminToken,
    );
    return channels.find((c) => c.name === name);
  };

  it('creates a channel with opening hours from the admin area', async () => {
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Channels', level: 2 }).waitFor();
    await page.getByRole('link', { name: 'New channel' }).click();

    await page.getByRole('textbox', { name: 'Name' }).fill('Billing questions');
    await page.getByRole('textbox', { name: 'Badge header' }).fill('Questions about your bill?');
    await page.getByRole('checkbox', { name: 'Use opening hours' }).check();
    await page.getByRole('combobox', { name: 'Time zone' }).fill('Europe/Oslo');
    await page.getByText(/It is .* there now\./).waitFor();
    // Weekdays are open 09–17 by default: give Monday a break and open Saturday morning.
    await page.getByRole('checkbox', { name: 'Monday has a break' }).check();
    await page.getByLabel('Monday break starts at').fill('12:00');
    await page.getByLabel('Monday break ends at').fill('12:30');
    await page.getByRole('checkbox', { name: 'Open on Saturday' }).check();
    await page.getByLabel('Saturday opens at').fill('10:00');
    await page.getByLabel('Saturday closes at').fill('14:00');
    await page.getByRole('button', { name: 'Create channel' }).click();

    // The editor of the new channel opens at its members.
    await page.getByRole('heading', { name: 'Billing questions', level: 2 }).waitFor();
    const created = await channelByName('Billing questions');
    expect(created).toMatchObject({ timeZone: 'Europe/Oslo', openingHoursEnabled: true, members: [] });
    expect(created.openingHours).toEqual([
      { weekday: 'MONDAY', opensAt: '09:00', closesAt: '17:00', breakStartsAt: '12:00', breakEndsAt: '12:30' },
      ...['TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'].map((weekday) => ({
        weekday,
        opensAt: '09:00',
        closesAt: '17:00',
        breakStartsAt: null,
        breakEndsAt: null,
      })),
      { weekday: 'SATURDAY', opensAt: '10:00', closesAt: '14:00', breakStartsAt: null, breakEndsAt: null },
    ]);
    await page.locator('#section-hours').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'admin-channel-opening-hours');
  });

  it('adds a member with flags and changes a flag in place', async () => {
    const members = page.locator('#members');
    await members.scrollIntoViewIfNeeded();
    await members.getByLabel('Add agent').selectOption({ label: `${bea.name} (${bea.email})` });
    await members.getByRole('checkbox', { name: 'Manager' }).check();
    await members.getByRole('button', { name: 'Add to channel' }).click();
    await expectText(members.getByRole('status'), `${bea.name} added.`);
    await members.getByRole('checkbox', { name: `Can listen in: ${bea.name}` }).check();
    await expectText(members.getByRole('status'), `${bea.name}: Can listen in on.`);

    const channel = await channelByName('Billing questions');
    expect(channel.members).toEqual([{ agent: { email: bea.email }, canRespond: true, getsNotifications: true, canListenIn: true, isManager: true }]);
    await saveScreenshot(page, 'admin-channel-members');
  });

  it('copies the embed snippet to the clipboard', async () => {
    const embed = page.locator('#embed');
    await embed.scrollIntoViewIfNeeded();
    const channel = await channelByName('Billing questions');
    expect(channel.embedSnippet).toBe(`<script src="${server.url}/widget.js" data-channel="${channel.id}" defer></script>`);
    expect(await embed.locator('.copyable-code').textContent()).toBe(channel.embedSnippet);
    await embed.getByRole('button', { name: 'Copy embed snippet' }).click();
    await expectText(embed.getByRole('status'), 'Copied to the clipboard.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(channel.embedSnippet);
  });

  it('turns on verified identities and shows the secret on request', async () => {
    const identity = page.locator('#identity');
    await identity.scrollIntoViewIfNeeded();
    await identity.getByRole('button', { name: 'Turn on and make a secret' }).click();
    const secret = (await identity.locator('.copyable-code').textContent())!.trim();
    const channel = await channelByName('Billing questions');
    const { channelIdentitySecret } = await gql(
      server.url,
      `query($id: ID!) { channelIdentitySecret(channelId: $id) { secret } }`,
      { id: channel.id },
      adminToken,
    );
    expect(secret).toBe(channelIdentitySecret.secret);
    await identity.getByRole('button', { name: 'Make a new secret…' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Make a new identity secret?' });
    await confirm.getByRole('button', { name: 'Make a new secret' }).click();
    // The dialog closes once the server has made the new secret.
    await confirm.waitFor({ state: 'detached' });
    const rotated = await gql(server.url, `query($id: ID!) { channelIdentitySecret(channelId: $id) { secret } }`, { id: channel.id }, adminToken);
    expect(rotated.channelIdentitySecret.secret).not.toBe(secret);
    await expectText(identity.locator('.copyable-code'), rotated.channelIdentitySecret.secret);
  });

  it('shows validation from the browser and from the server next to the field', async () => {
    await page.locator('#section-general').scrollIntoViewIfNeeded();
    const name = page.getByRole('textbox', { name: 'Name' });
    // "sales" clashes with the seeded "Sales" channel: only the server knows.
    await name.fill('sales');
    await page.getByRole('textbox', { name: 'Colour', exact: true }).fill('#12');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expectText(page.locator('#section-widget .field-error'), 'Use a colour written #rrggbb.');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-field'))).toBe('widgetColor');

    await page.getByRole('textbox', { name: 'Colour', exact: true }).fill('#0f766e');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expectText(page.locator('#section-general .field-error'), 'A channel named "Sales" already exists.');
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    await saveScreenshot(page, 'admin-channel-validation');

    await name.fill('Billing');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expectText(page.locator('.save-bar [role="status"]'), 'Saved.');
    expect(await channelByName('Billing')).toMatchObject({ widgetColor: '#0f766e' });
  });

  it('creates an API token that is shown once and works', async () => {
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('button', { name: 'New API token' }).click();
    const dialog = page.getByRole('dialog', { name: 'New API token' });
    await dialog.getByRole('button', { name: 'Create token' }).click();
    await expectText(dialog.locator('.field-error').first(), /Name the token/);
    await dialog.getByRole('textbox', { name: 'Name' }).fill('CSV import');
    await dialog.getByRole('checkbox', { name: 'requests:write' }).check();
    await dialog.getByRole('button', { name: 'Create token' }).click();

    const shown = page.getByRole('dialog', { name: 'CSV import is ready' });
    const token = (await shown.locator('.copyable-code').textContent())!.trim();
    expect(token).toMatch(/^lct_/);
    await shown.getByRole('button', { name: 'Copy api token' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    await saveScreenshot(page, 'admin-api-token-once');

    // The token works with its scope…
    const viewer = await gql<{ viewer: { kind: string; scopes: string[] } }>(server.url, `{ viewer { kind scopes } }`, {}, token);
    expect(viewer.viewer).toEqual({ kind: 'API_TOKEN', scopes: ['REQUESTS_WRITE'] });
    // …and once the dialog is closed it is nowhere on the page, only its prefix, even after a reload.
    await shown.getByRole('button', { name: 'I have copied it' }).click();
    const row = page.getByRole('row', { name: /CSV import/ });
    await expectText(row, /requests:write/);
    expect(await page.content()).not.toContain(token);
    await page.reload();
    await expectText(page.getByRole('row', { name: /CSV import/ }), new RegExp(escapeRegExp(token.slice(0, 10))));
    expect(await page.content()).not.toContain(token);
  });

  it('creates an agent whose first password is shown once, and deactivates them', async () => {
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Agents' }).click();
    await page.getByRole('button', { name: 'New agent' }).click();
    const dialog = page.getByRole('dialog', { name: 'New agent' });
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('Carl Carlsen');
    await dialog.getByRole('textbox', { name: 'Email' }).fill(server.adminEmail);
    const password = await dialog.getByRole('textbox', { name: 'Initial password' }).inputValue();
    expect(password).toHaveLength(16);
    await dialog.getByRole('button', { name: 'Create agent' }).click();
    // The email is taken by the admin: the server says so at the field.
    await expectText(dialog.locator('.field-error'), `An agent with email ${server.adminEmail} already exists.`);
    await dialog.getByRole('textbox', { name: 'Email' }).fill('carl@e2e.test');
    await dialog.getByRole('button', { name: 'Create agent' }).click();
    const handOver = page.getByRole('dialog', { name: 'Carl Carlsen can sign in' });
    expect((await handOver.locator('.copyable-code').textContent())!.trim()).toBe(password);
    await handOver.getByRole('button', { name: 'Done' }).click();
    const carl = await login(server.url, 'carl@e2e.test', password);

    await page.getByRole('button', { name: 'Edit Carl Carlsen' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Carl Carlsen' });
    await edit.getByRole('checkbox', { name: 'Active' }).uncheck();
    await edit.getByRole('button', { name: 'Save' }).click();
    await expectText(page.getByRole('row', { name: /Carl Carlsen/ }), /Deactivated/);
    const refused = await gql(server.url, `{ me { id } }`, {}, carl.token).catch((error) => error);
    expect(refused.code).toBe('UNAUTHENTICATED');
  });

  it('files a reply template and a published FAQ entry in folders', async () => {
    const nav = page.getByRole('navigation', { name: 'Administration' });
    await nav.getByRole('link', { name: 'Reply templates' }).click();
    await page.getByRole('button', { name: 'New folder' }).click();
    await page.getByRole('dialog', { name: 'New folder' }).getByRole('textbox', { name: 'Folder name' }).fill('Billing');
    await page.getByRole('dialog', { name: 'New folder' }).getByRole('button', { name: 'Save' }).click();
    await page.getByRole('navigation', { name: 'Folders' }).getByRole('button', { name: 'Billing' }).click();
    await page.getByRole('button', { name: 'New template' }).click();
    const template = page.getByRole('dialog', { name: 'New reply template' });
    await template.getByRole('textbox', { name: 'Name' }).fill('Invoice copy');
    await template.getByRole('textbox', { name: 'Text' }).fill('Hi {{visitor.nickname}}, here is your invoice.');
    await template.getByRole('button', { name: 'Save template' }).click();
    // Only the server knows the variables: an unknown one is refused at the text.
    await expectText(template.locator('.field-error'), /visitor\.nickname/);
    await template.getByRole('textbox', { name: 'Text' }).fill('Hi ');
    await template.getByRole('button', { name: '{{visitor.name}}' }).click();
    await template.getByRole('button', { name: 'Save template' }).click();
    await expectText(page.getByRole('row', { name: /Invoice copy/ }), /Hi \{\{visitor\.name\}\}/);

    await nav.getByRole('link', { name: 'FAQ' }).click();
    await page.getByRole('button', { name: 'New entry' }).click();
    const entry = page.getByRole('dialog', { name: 'New FAQ entry' });
    await entry.getByRole('textbox', { name: 'Question' }).fill('Where is my receipt archive?');
    await entry.getByRole('textbox', { name: 'Answer' }).fill('Under Settings → Billing.');
    await entry.getByRole('combobox', { name: 'Folder' }).selectOption({ label: 'Getting started' });
    await entry.getByRole('checkbox', { name: 'Published' }).check();
    await entry.getByRole('button', { name: 'Save entry' }).click();
    await expectText(page.getByRole('row', { name: /Where is my receipt archive/ }), /Published/);

    const { searchFaqEntries } = await gql(server.url, `{ searchFaqEntries(query: "receipt") { question published folder { name } } }`, {}, adminToken);
    expect(searchFaqEntries).toEqual([{ question: 'Where is my receipt archive?', published: true, folder: { name: 'Getting started' } }]);
    const { searchReplyTemplates } = await gql(server.url, `{ searchReplyTemplates(query: "invoice") { name body folder { name } } }`, {}, adminToken);
    expect(searchReplyTemplates).toEqual([{ name: 'Invoice copy', body: 'Hi {{visitor.name}}', folder: { name: 'Billing' } }]);
  });

  it('keeps agents out: no Admin link, and a clear message at an admin address', async () => {
    const agent = await newTestPage(browser);
    try {
      await signIn(agent.page, server, { email: bea.email, password: bea.password });
      expect(await agent.page.getByRole('link', { name: 'Admin' }).count()).toBe(0);
      await agent.page.goto(`${server.url}/console/admin/channels`);
      await agent.page.getByRole('heading', { name: 'Administration is for admins' }).waitFor();
      expect(await agent.page.getByRole('link', { name: 'New channel' }).count()).toBe(0);
    } finally {
      await agent.close();
    }
  });

  it('ran without page errors', () => {
    // The browser's own favicon request is the only thing allowed to miss.
    expect(notFound.filter((path) => path !== '/favicon.ico')).toEqual([]);
    expect(admin.errors.filter((e) => !e.includes('status of 404'))).toEqual([]);
  });
});
