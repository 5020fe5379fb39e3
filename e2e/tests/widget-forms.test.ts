import type { Browser, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../support/api-server';
import { launchChromium, newTestPage } from '../support/browser';
import { ApiVisitor, gql, login, type AgentLogin } from '../support/graphql';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { ApiAgent, createChannel, embedSnippet, hostPage, signIdentity, startHostSite, text, widgetOn, type HostSite } from '../support/widget';

// The widget's forms against the real server: offline form, queue limits, prefill, signed
// identities, the channel's language, and the transcript by email (to a local SMTP server).
describe('widget forms', () => {
  let server: ApiServer;
  let browser: Browser;
  let site: HostSite;
  let smtp: SmtpSink;
  let admin: AgentLogin;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    [server, browser, site] = await Promise.all([startApiServer({ env: { SMTP_URL: smtp.url } }), launchChromium(), startHostSite()]);
    admin = await login(server.url, server.adminEmail, server.adminPassword);
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await server?.dispose();
    await smtp?.close();
  });

  const requestByNumber = async (number: string) => {
    const { requests } = await gql<{
      requests: {
        edges: { node: { displayNumber: string; description: string; requesterEmail: string | null; requesterName: string | null; source: string } }[];
      };
    }>(
      server.url,
      `query($search: String) { requests(first: 5, filter: { search: $search }) { edges { node { displayNumber description requesterEmail requesterName source } } } }`,
      { search: number },
      admin.token,
    );
    return requests.edges.map((e) => e.node).find((r) => r.displayNumber === number);
  };

  it('shows the offline form when nobody is Present, creates a request and shows its number', async () => {
    const channel = await createChannel(server.url, admin.token, {
      offlineHeader: 'We are away',
      offlineMessage: 'Leave a note and we will reply by email.',
      offlineRequiredFields: ['NAME', 'EMAIL', 'PHONE'],
    });
    site.page(`/offline-${channel.id}`, hostPage(embedSnippet(server.url, channel.id)));
    const { page, close } = await newTestPage(browser);
    await page.goto(`${site.url}/offline-${channel.id}`);
    const widget = widgetOn(page);
    await widget.open();

    expect(await text(widget.host.locator('h3'))).toBe('We are away');
    expect(await text(widget.host.locator('form p').first())).toBe('Leave a note and we will reply by email.');
    // The channel's required fields, marked so.
    for (const label of [/^Name/, /^Email/, /^Phone/]) expect(await widget.field(label).getAttribute('aria-required')).toBe('true');
    await widget.field(/^Name/).fill('Olga Offline');
    await widget.field(/^Email/).fill('olga@example.com');
    await widget.field(/^Message/).fill('Please call me about my order');
    await widget.button('Send message').click();
    // Phone is required: nothing is sent until it is filled in.
    expect(await text(widget.host.locator('#offline-phone-error'))).toBe('Please fill this in.');
    await widget.field(/^Phone/).fill('+47 22 33 44 55');
    await widget.button('Send message').click();

    const done = widget.host.locator('.request');
    await done.waitFor();
    const number = /R-\d+/.exec(await text(done))?.[0];
    expect(await text(done)).toBe(`Thanks! Your request number is ${number}.`);
    expect(await requestByNumber(number!)).toMatchObject({
      source: 'OFFLINE_FORM',
      description: 'Please call me about my order',
      requesterEmail: 'olga@example.com',
      requesterName: 'Olga Offline',
    });
    await close();
  });

  it('switches to the offline form when the queue passes the channel’s limit, keeping what was typed', async () => {
    const channel = await createChannel(server.url, admin.token, { offlineAfterQueueLength: 1, prechatRequiredFields: ['EMAIL'] });
    const agent = await ApiAgent.create(server.url, admin.token, channel.id);
    const { page, close } = await newTestPage(browser);
    await page.goto(`${server.url}/demo/${channel.id}`);
    const widget = widgetOn(page);
    await widget.open();
    await widget.field(/^Email/).fill('quinn@example.com');
    await widget.field(/^How can we help/).fill('Is the queue long?');

    // While the visitor types, someone else joins the queue and fills it.
    const other = await ApiVisitor.start(server.url, { channelId: channel.id, message: 'I was first', email: 'first@example.com' });
    await widget.button('Start chat').click();
    await widget.button('Send message').waitFor();
    expect(await widget.field(/^Email/).inputValue()).toBe('quinn@example.com');
    expect(await widget.field(/^Message/).inputValue()).toBe('Is the queue long?');
    await widget.button('Send message').click();
    const done = widget.host.locator('.request');
    await done.waitFor();
    expect(await text(done)).toMatch(/^Thanks! Your request number is R-\d+\.$/);

    // Opened again later, with the queue still full, the widget goes straight to the offline form.
    const second = await newTestPage(browser);
    await second.page.goto(`${server.url}/demo/${channel.id}`);
    const again = widgetOn(second.page);
    await again.open();
    await again.button('Send message').waitFor();
    await Promise.all([close(), second.close(), other.close(), agent.close()]);
  });

  it('prefills from literal values, cookies, URL parameters and page variables', async () => {
    const channel = await createChannel(server.url, admin.token, { prechatRequiredFields: ['NAME', 'EMAIL'] });
    const agent = await ApiAgent.create(server.url, admin.token, channel.id);
    site.page(
      '/prefill',
      hostPage(
        embedSnippet(server.url, channel.id, {
          name: 'variable:siteUser.name',
          email: 'cookie:visitor_email',
          phone: 'url:phone',
          company: 'Analytical Engines Ltd',
        }),
        `<script>window.siteUser = { name: 'Ada Lovelace' }; document.cookie = 'visitor_email=' + encodeURIComponent('ada@example.com');</script>`,
      ),
    );
    const { page, close } = await newTestPage(browser);
    await page.goto(`${site.url}/prefill?phone=${encodeURIComponent('+44 20 7946 0018')}`);
    const widget = widgetOn(page);
    await widget.open();
    expect(await widget.field(/^Name/).inputValue()).toBe('Ada Lovelace');
    expect(await widget.field(/^Email/).inputValue()).toBe('ada@example.com');
    // Not required, but prefilled: shown so the visitor sees what is sent.
    expect(await widget.field(/^Phone/).inputValue()).toBe('+44 20 7946 0018');
    expect(await widget.field(/^Company/).inputValue()).toBe('Analytical Engines Ltd');
    await widget.field(/^How can we help/).fill('Prefilled question');
    await widget.button('Start chat').click();
    await widget.conversation();
    const sessionId = await agent.queuedSessionOf('Ada Lovelace');
    const { chatSession } = await agent.gql(`query($id: ID!) { chatSession(id: $id) { visitor { name email phone company emailVerified } } }`, {
      id: sessionId,
    });
    expect(chatSession.visitor).toEqual({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: '+44 20 7946 0018',
      company: 'Analytical Engines Ltd',
      emailVerified: false,
    });
    await Promise.all([close(), agent.close()]);
  });

  it('verifies a signed identity for agents and refuses an unsigned claim to it', async () => {
    const channel = await createChannel(server.url, admin.token, { prechatRequiredFields: ['NAME', 'EMAIL'] });
    const agent = await ApiAgent.create(server.url, admin.token, channel.id);
    const { rotateChannelIdentitySecret } = await gql<{ rotateChannelIdentitySecret: { secret: string } }>(
      server.url,
      `mutation($id: ID!) { rotateChannelIdentitySecret(channelId: $id) { secret } }`,
      { id: channel.id },
      admin.token,
    );
    const secret = rotateChannelIdentitySecret.secret;
    const email = 'ida@example.com';
    site.page('/signed', hostPage(embedSnippet(server.url, channel.id, { name: 'Ida Identity', email, emailSignature: signIdentity(secret, email) })));
    site.page('/unsigned', hostPage(embedSnippet(server.url, channel.id, { name: 'Ivan Impostor', email })));

    // The logged-in user: email shown as verified and read-only; the agent sees it verified.
    const signed = await newTestPage(browser);
    await signed.page.goto(`${site.url}/signed`);
    const widget = widgetOn(signed.page);
    await widget.open();
    const emailField = widget.field(/^Email/);
    expect(await emailField.getAttribute('readonly')).not.toBeNull();
    expect(await text(widget.host.locator('#prechat-email-note'))).toBe('✓ Verified by the website');
    await widget.field(/^How can we help/).fill('Signed in question');
    await widget.button('Start chat').click();
    await widget.conversation();
    const sessionId = await agent.queuedSessionOf('Ida Identity');
    expect((await agent.session(sessionId)).visitor).toEqual({ name: 'Ida Identity', email, emailVerified: true });

    // Someone else claiming that email without the site's signature is refused, under the email field.
    const impostor = await newTestPage(browser);
    await impostor.page.goto(`${site.url}/unsigned`);
    const refused = widgetOn(impostor.page);
    await refused.open();
    await refused.field(/^How can we help/).fill('Let me in');
    await refused.button('Start chat').click();
    await expect
      .poll(() => text(refused.host.locator('#prechat-email-error')))
      .toBe('This email belongs to a verified account: sign in on the website, or use another email.');
    expect(await refused.field(/^Email/).getAttribute('aria-invalid')).toBe('true');
    // With another email the same visitor gets through, unverified.
    await refused.field(/^Email/).fill('ivan@example.com');
    await refused.button('Start chat').click();
    await refused.conversation();
    const ivan = await agent.queuedSessionOf('Ivan Impostor');
    expect((await agent.session(ivan)).visitor).toEqual({ name: 'Ivan Impostor', email: 'ivan@example.com', emailVerified: false });

    // The site logs Ivan in during the chat: identify() with a signature updates him for the agent.
    await impostor.page.evaluate(({ address, signature }) => (window as any).ChatWidget.identify({ email: address, signature }), {
      address: 'ivan.verified@example.com',
      signature: signIdentity(secret, 'ivan.verified@example.com'),
    });
    await expect
      .poll(async () => (await agent.session(ivan)).visitor)
      .toEqual({ name: 'Ivan Impostor', email: 'ivan.verified@example.com', emailVerified: true });
    await Promise.all([signed.close(), impostor.close(), agent.close()]);
  });

  it('says so when the site’s signature is refused, unlocks the email and lets the visitor go on unverified', async () => {
    const channel = await createChannel(server.url, admin.token, { prechatRequiredFields: ['NAME', 'EMAIL'] });
    const agent = await ApiAgent.create(server.url, admin.token, channel.id);
    const rotate = async () =>
      (
        await gql<{ rotateChannelIdentitySecret: { secret: string } }>(
          server.url,
          `mutation($id: ID!) { rotateChannelIdentitySecret(channelId: $id) { secret } }`,
          { id: channel.id },
          admin.token,
        )
      ).rotateChannelIdentitySecret.secret;
    // The site still signs with the secret from before the admin rotated it.
    const staleSecret = await rotate();
    const secret = await rotate();
    const email = 'sven@example.com';
    site.page(
      '/stale-signature',
      hostPage(embedSnippet(server.url, channel.id, { name: 'Sven Stale', email, emailSignature: signIdentity(staleSecret, email) })),
    );

    const { page, close } = await newTestPage(browser);
    await page.goto(`${site.url}/stale-signature`);
    const widget = widgetOn(page);
    await widget.open();
    expect(await widget.field(/^Email/).getAttribute('readonly')).not.toBeNull();
    await widget.field(/^How can we help/).fill('Am I signed in?');
    await widget.button('Start chat').click();
    await expect.poll(() => text(widget.host.locator('.banner.error'))).toBe('Your email could not be verified. You can change it or continue unverified.');
    expect(await widget.field(/^Email/).getAttribute('readonly')).toBeNull();
    expect(await widget.host.locator('#prechat-email-note').count()).toBe(0);
    // Sent again as it is: the chat starts, with the email unverified.
    await widget.button('Start chat').click();
    await widget.conversation();
    const sessionId = await agent.queuedSessionOf('Sven Stale');
    expect((await agent.session(sessionId)).visitor).toEqual({ name: 'Sven Stale', email, emailVerified: false });

    // A page that signed one email, then passes another to identify() without a signature: the old signature is not sent with it.
    site.page(
      '/identify-other',
      hostPage(
        embedSnippet(server.url, channel.id, { name: 'Siri Switch', email: 'siri@example.com', emailSignature: signIdentity(secret, 'siri@example.com') }),
      ),
    );
    const other = await newTestPage(browser);
    await other.page.goto(`${site.url}/identify-other`);
    await other.page.evaluate(() => (window as any).ChatWidget.identify({ email: 'siri.private@example.com' }));
    const switched = widgetOn(other.page);
    await switched.open();
    expect(await switched.field(/^Email/).inputValue()).toBe('siri.private@example.com');
    expect(await switched.field(/^Email/).getAttribute('readonly')).toBeNull();
    await switched.field(/^How can we help/).fill('Use my private address');
    await switched.button('Start chat').click();
    await switched.conversation();
    const siri = await agent.queuedSessionOf('Siri Switch');
    expect((await agent.session(siri)).visitor).toEqual({ name: 'Siri Switch', email: 'siri.private@example.com', emailVerified: false });
    await Promise.all([close(), other.close(), agent.close()]);
  });

  it('starts afresh when the stored visitor token is one the server does not know (a reset database)', async () => {
    const channel = await createChannel(server.url, admin.token, { prechatRequiredFields: ['NAME'] });
    const agent = await ApiAgent.create(server.url, admin.token, channel.id);
    const { page, close } = await newTestPage(browser);
    const staleToken = `lcv_${'A'.repeat(43)}`;
    await page.addInitScript(
      ({ origin, channelId, token }) => {
        localStorage.setItem(`chat-widget:token@${origin}`, token);
        localStorage.setItem(`chat-widget:session:${channelId}`, '0195f0c2-0000-7000-8000-000000000001');
      },
      { origin: server.url, channelId: channel.id, token: staleToken },
    );
    await page.goto(`${server.url}/demo/${channel.id}`);
    const widget = widgetOn(page);
    await widget.open();
    await widget.field(/^Name/).fill('Stella Stale');
    await widget.field(/^How can we help/).fill('Fresh start');
    await widget.button('Start chat').click();
    await expect.poll(() => widget.rows()).toEqual(['Fresh start']);
    const stored = await page.evaluate((origin) => localStorage.getItem(`chat-widget:token@${origin}`), server.url);
    expect(stored).toMatch(/^lcv_/);
    expect(stored).not.toBe(staleToken);
    await agent.queuedSessionOf('Stella Stale');
    await Promise.all([close(), agent.close()]);
  });

  it('speaks the channel’s language', async () => {
    const channel = await createChannel(server.url, admin.token, { language: 'nb-NO', prechatRequiredFields: ['NAME'], badgeHeader: 'Snakk med oss' });
    const agent = await ApiAgent.create(server.url, admin.token, channel.id);
    const { page, close } = await newTestPage(browser);
    await page.goto(`${server.url}/demo/${channel.id}`);
    const widget = widgetOn(page);
    await widget.open();
    expect(await text(widget.launcher)).toBe('Snakk med oss');
    expect(await widget.host.getByText('Navn', { exact: false }).first().isVisible()).toBe(true);
    await widget.field(/^Navn/).fill('Nora');
    await widget.field(/^Hva kan vi hjelpe deg med/).fill('Hei');
    await widget.button('Start chat').click();
    await widget.conversation();
    expect(await widget.log.getAttribute('aria-label')).toBe('Samtale');
    expect(await widget.button('Avslutt chat').isVisible()).toBe(true);
    expect(await widget.field('Skriv en melding').isVisible()).toBe(true);
    await Promise.all([close(), agent.close()]);
  });

  it('leaves the focus in the field being typed in when the channel’s configuration arrives again', async () => {
    const channel = await createChannel(server.url, admin.token, { prechatRequiredFields: ['NAME', 'EMAIL'] });
    const agent = await ApiAgent.create(server.url, admin.token, channel.id);
    const { page, close } = await newTestPage(browser);
    await page.goto(`${server.url}/demo/${channel.id}`);
    const widget = widgetOn(page);
    await widget.launcher.waitFor();
    // Opening the widget asks for the channel again (availability may have changed); hold that answer
    // until the visitor is typing in the second field.
    const held: Route[] = [];
    await page.route(/\/graphql$/, (route) => (route.request().postData()?.includes('widgetChannel') ? void held.push(route) : route.fallback()));
    await widget.open();
    await widget.field(/^Email/).click();
    await page.keyboard.type('vera@');
    await expect.poll(() => held.length).toBe(1);
    // The refreshed configuration carries a new header, so the widget is seen to have taken it in.
    await gql(server.url, `mutation($id: ID!) { updateChannel(id: $id, input: { widgetHeader: "Fresh header" }) { id } }`, { id: channel.id }, admin.token);
    await held[0]!.continue();
    await expect.poll(() => text(widget.host.locator('#widget-title'))).toBe('Fresh header');
    await page.keyboard.type('example.com');
    expect(await widget.field(/^Email/).inputValue()).toBe('vera@example.com');
    expect(await widget.field(/^Name/).inputValue()).toBe('');
    await page.unroute(/\/graphql$/);
    await Promise.all([close(), agent.close()]);
  });

  it('emails the transcript from the post-chat form', async () => {
    const channel = await createChannel(server.url, admin.token, { prechatRequiredFields: ['NAME', 'EMAIL'] });
    const agent = await ApiAgent.create(server.url, admin.token, channel.id);
    const { page, close } = await newTestPage(browser);
    await page.goto(`${server.url}/demo/${channel.id}`);
    const widget = widgetOn(page);
    await widget.open();
    await widget.field(/^Name/).fill('Tom Transcript');
    await widget.field(/^Email/).fill('tom@example.com');
    await widget.field(/^How can we help/).fill('Please mail me this chat');
    await widget.button('Start chat').click();
    const sessionId = await agent.queuedSessionOf('Tom Transcript');
    await agent.accept(sessionId);
    await agent.send(sessionId, 'Sure, here it comes');
    await expect.poll(() => widget.rows()).toContain('Sure, here it comes');
    await agent.end(sessionId);

    const address = widget.field('Email me the transcript');
    await address.waitFor();
    expect(await address.inputValue()).toBe('tom@example.com');
    await widget.host.locator('.inline').getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => text(widget.host.locator('.post .done'))).toBe('Transcript sent to tom@example.com.');
    const mail = smtp.mails.find((m) => m.to.includes('tom@example.com'));
    expect(mail?.data).toContain('Please mail me this chat');
    expect(mail?.data).toContain('Sure, here it comes');
    await Promise.all([close(), agent.close()]);
  });
});
