import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginProtectionFromEnv, type LoginProtection } from '../src/platform/config';
import { hashToken } from '../src/platform/tokens';
import { startTestApp, wsRequest, type TestApp } from './harness';

const LOGIN = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token expiresAt agent { id email role } } }`;
const ME = `{ me { id email } }`;
const VIEWER = `{ viewer { kind id scopes } }`;
const CHAT_SESSION = `query($id: ID!) { chatSession(id: $id) { id status channel { name } } }`;
const CREATE_API_TOKEN = `mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token apiToken { id prefix scopes } } }`;

let app: TestApp;
let admin: Awaited<ReturnType<TestApp['agentWithToken']>>;

beforeAll(async () => {
  app = await startTestApp({ loginProtection: protection({ failsBeforeLockout: 4 }) });
  admin = await app.agentWithToken({ role: 'ADMIN' });
});
afterAll(() => app?.stop());

function protection(overrides: Partial<LoginProtection>): LoginProtection {
  return { ...loginProtectionFromEnv({}), failsPerIp: 1000, ...overrides };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function codeOf(result: { errors?: { extensions?: Record<string, any> }[] }) {
  return result.errors?.[0]?.extensions?.code;
}

describe('agent login', () => {
  it('returns an opaque token that authenticates the agent, and stores only its hash', async () => {
    const { agent, password } = await app.agentWithToken();
    const login = await app.gql(LOGIN, { e: agent.email.toUpperCase(), p: password }, null, { 'user-agent': 'auth-test/1.0' });
    expect(login.errors).toBeUndefined();
    const token: string = login.data.login.token;
    expect(token).toMatch(/^lca_[A-Za-z0-9_-]{43}$/);
    expect(new Date(login.data.login.expiresAt).getTime()).toBeGreaterThan(Date.now());

    const me = await app.gql(ME, {}, token);
    expect(me.data.me).toEqual({ id: agent.id, email: agent.email });

    const stored = await app.services.prisma.agentAuthSession.findMany({ where: { agentId: agent.id } });
    expect(stored.length).toBeGreaterThan(0);
    for (const row of stored) expect(row.tokenHash).not.toContain(token.slice(4));
    expect(stored.map((row) => row.userAgent)).toContain('auth-test/1.0');
    expect(stored.every((row) => row.ip === '127.0.0.1' || row.ip === '::ffff:127.0.0.1')).toBe(true);
    const agentRow = await app.services.prisma.agent.findUniqueOrThrow({ where: { id: agent.id } });
    expect(agentRow.passwordHash).toMatch(/^scrypt\$/);
    expect(agentRow.passwordHash).not.toContain(password);
  });

  it('gives the same error for a wrong password and for an unknown email', async () => {
    const { agent } = await app.agentWithToken();
    const wrongPassword = await app.gql(LOGIN, { e: agent.email, p: 'not-the-password' });
    const unknownEmail = await app.gql(LOGIN, { e: 'nobody-here@example.com', p: 'not-the-password' });
    expect(codeOf(wrongPassword)).toBe('UNAUTHENTICATED');
    expect(wrongPassword.errors).toEqual(unknownEmail.errors);
    expect(wrongPassword.data).toBeNull();
  });

  it('locks an email out from the address that failed, with RATE_LIMITED and a retry-after, even for the right password', async () => {
    const { agent, password } = await app.agentWithToken();
    for (let i = 0; i < 4; i++) expect(codeOf(await app.gql(LOGIN, { e: agent.email, p: 'wrong-password!' }))).toBe('UNAUTHENTICATED');
    const limited = await app.gql(LOGIN, { e: agent.email, p: password });
    expect(codeOf(limited)).toBe('RATE_LIMITED');
    expect(limited.errors?.[0]?.extensions?.retryAfter).toBeGreaterThan(0);
    expect(limited.errors?.[0]?.extensions?.retryAfter).toBeLessThanOrEqual(60);
    // Another email from the same IP is not affected by this email's lock-out.
    const other = await app.agentWithToken();
    expect((await app.gql(LOGIN, { e: other.agent.email, p: other.password })).data?.login.token).toBeTruthy();
  });

  it('rejects an inactive agent with the same invalid-login error', async () => {
    const { agent, password } = await app.agentWithToken();
    await app.services.prisma.agent.update({ where: { id: agent.id }, data: { active: false } });
    const result = await app.gql(LOGIN, { e: agent.email, p: password });
    expect(result.errors?.[0]?.message).toBe('Invalid email or password.');
  });
});

describe('login protection', () => {
  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  it('a brute force from one address does not lock the agent out from another', async () => {
    const proxied = await startTestApp({ trustProxy: 1, loginProtection: protection({ failsBeforeLockout: 3 }) });
    try {
      const { agent, password } = await proxied.agentWithToken();
      const attack = (p = 'guess-password') => proxied.gql(LOGIN, { e: agent.email, p }, null, from('203.0.113.66'));
      for (let i = 0; i < 3; i++) expect(codeOf(await attack())).toBe('UNAUTHENTICATED');
      for (let i = 0; i < 10; i++) {
        const refused = await attack(i === 9 ? password : undefined);
        expect(codeOf(refused)).toBe('RATE_LIMITED');
        expect(refused.errors?.[0]?.extensions?.retryAfter).toBeGreaterThan(0);
        // The agent, from their own address, in the middle of the attack.
        if (i === 5) expect((await proxied.gql(LOGIN, { e: agent.email, p: password }, null, from('198.51.100.20'))).data?.login.token).toBeTruthy();
      }
    } finally {
      await proxied.stop();
    }
  });

  it('locks out for longer after each lock-out, and a success forgets the failures', async () => {
    const quick = await startTestApp({ loginProtection: protection({ failsBeforeLockout: 2, lockoutSeconds: 1, maxLockoutSeconds: 60 }) });
    try {
      const { agent, password } = await quick.agentWithToken();
      const attempt = (p = 'guess-password') => quick.gql(LOGIN, { e: agent.email, p });
      // One failure, a success, one failure: the success reset the count, so no lock-out.
      expect(codeOf(await attempt())).toBe('UNAUTHENTICATED');
      expect((await attempt(password)).data?.login.token).toBeTruthy();
      expect(codeOf(await attempt())).toBe('UNAUTHENTICATED');
      expect(codeOf(await attempt(password))).toBeUndefined();

      const lockOut = async () => {
        for (let i = 0; i < 2; i++) expect(codeOf(await attempt())).toBe('UNAUTHENTICATED');
        const refused = await attempt(password);
        expect(codeOf(refused)).toBe('RATE_LIMITED');
        return refused.errors![0]!.extensions!.retryAfter as number;
      };
      expect(await lockOut()).toBe(1);
      await sleep(1100);
      expect(await lockOut()).toBe(2);
      await sleep(2100);
      expect(await lockOut()).toBe(4);
    } finally {
      await quick.stop();
    }
  });

  it('limits failed logins per address across many emails; successful logins do not count', async () => {
    const limitedApp = await startTestApp({ loginProtection: protection({ failsPerIp: 3 }) });
    try {
      for (let i = 0; i < 5; i++) await limitedApp.agentWithToken();
      for (let i = 0; i < 3; i++) expect(codeOf(await limitedApp.gql(LOGIN, { e: `x${i}@example.com`, p: 'whatever-pass' }))).toBe('UNAUTHENTICATED');
      const limited = await limitedApp.gql(LOGIN, { e: 'x9@example.com', p: 'whatever-pass' });
      expect(codeOf(limited)).toBe('RATE_LIMITED');
      expect(limited.errors?.[0]?.extensions?.retryAfter).toBeGreaterThan(0);
    } finally {
      await limitedApp.stop();
    }
  });

  it('caps failed logins for one email across all addresses', async () => {
    const capped = await startTestApp({ trustProxy: 1, loginProtection: protection({ failsBeforeLockout: 100, failsPerEmail: 4 }) });
    try {
      const { agent } = await capped.agentWithToken();
      for (let i = 0; i < 4; i++)
        expect(codeOf(await capped.gql(LOGIN, { e: agent.email, p: 'guess-password' }, null, from(`192.0.2.${i}`)))).toBe('UNAUTHENTICATED');
      expect(codeOf(await capped.gql(LOGIN, { e: agent.email, p: 'guess-password' }, null, from('192.0.2.200')))).toBe('RATE_LIMITED');
    } finally {
      await capped.stop();
    }
  });
});

describe('TRUST_PROXY', () => {
  const sessionIp = async (target: TestApp, token: string) =>
    (await target.services.prisma.agentAuthSession.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } })).ip;

  it('with one hop, the client cannot escape the per-address limit by writing X-Forwarded-For entries', async () => {
    // The test client is the loopback proxy: it appends the address it saw (203.0.113.7) to what the client sent.
    const proxied = await startTestApp({ trustProxy: 1, loginProtection: protection({ failsPerIp: 3 }) });
    try {
      const forged = (i: number) => ({ 'x-forwarded-for': `10.9.${i}.1, 198.51.100.${i}, 203.0.113.7` });
      for (let i = 0; i < 3; i++)
        expect(codeOf(await proxied.gql(LOGIN, { e: `p${i}@example.com`, p: 'whatever-pass' }, null, forged(i)))).toBe('UNAUTHENTICATED');
      for (let i = 3; i < 40; i++)
        expect(codeOf(await proxied.gql(LOGIN, { e: `p${i}@example.com`, p: 'whatever-pass' }, null, forged(i)))).toBe('RATE_LIMITED');
      // Another client behind the same proxy is unaffected.
      expect(codeOf(await proxied.gql(LOGIN, { e: 'p99@example.com', p: 'whatever-pass' }, null, { 'x-forwarded-for': '203.0.113.8' }))).toBe(
        'UNAUTHENTICATED',
      );
    } finally {
      await proxied.stop();
    }
  });

  it('with a list, skips only the listed hops', async () => {
    const listed = await startTestApp({ trustProxy: ['loopback', '198.51.100.0/24'] });
    try {
      const login = async (xff: string) => {
        const { agent, password } = await listed.agentWithToken();
        const result = await listed.gql(LOGIN, { e: agent.email, p: password }, null, { 'x-forwarded-for': xff });
        return sessionIp(listed, result.data.login.token);
      };
      expect(await login('10.0.0.1, 203.0.113.7, 198.51.100.5')).toBe('203.0.113.7');
      // 192.0.2.1 is not a listed proxy: it is the client, whatever it claims further left.
      expect(await login('203.0.113.7, 192.0.2.1, 198.51.100.5')).toBe('192.0.2.1');
      expect(await login('203.0.113.9')).toBe('203.0.113.9');
    } finally {
      await listed.stop();
    }
  });

  it('without TRUST_PROXY ignores X-Forwarded-For', async () => {
    const direct = await startTestApp({ loginProtection: protection({ failsPerIp: 2 }) });
    try {
      for (let i = 0; i < 2; i++) await direct.gql(LOGIN, { e: `d${i}@example.com`, p: 'whatever-pass' }, null, { 'x-forwarded-for': `192.0.2.${i}` });
      expect(codeOf(await direct.gql(LOGIN, { e: 'd9@example.com', p: 'whatever-pass' }, null, { 'x-forwarded-for': '192.0.2.99' }))).toBe('RATE_LIMITED');
    } finally {
      await direct.stop();
    }
  });
});

describe('agent session tokens', () => {
  it('rejects requests without a token on agent-only fields with UNAUTHENTICATED', async () => {
    const result = await app.gql(ME);
    expect(codeOf(result)).toBe('UNAUTHENTICATED');
    expect(result.data).toBeNull();
  });

  it('rejects malformed and unknown tokens with UNAUTHENTICATED', async () => {
    for (const token of ['garbage', 'lca_short', `lca_${'A'.repeat(43)}`, `lct_${'B'.repeat(43)}`, `lcv_${'C'.repeat(43)}`]) {
      const result = await app.gql(VIEWER, {}, token);
      expect(codeOf(result), token).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(result)).not.toMatch(/at \w+ \(|node_modules|prisma/i);
    }
  });

  it('stops working after logout (revocation)', async () => {
    const { token } = await app.agentWithToken();
    expect((await app.gql(ME, {}, token)).data?.me).toBeTruthy();
    expect((await app.gql(`mutation { logout }`, {}, token)).data).toEqual({ logout: true });
    const after = await app.gql(ME, {}, token);
    expect(codeOf(after)).toBe('UNAUTHENTICATED');
    expect(after.errors?.[0]?.message).toMatch(/revoked/);
  });

  it('stops working once expired', async () => {
    const { agent, token } = await app.agentWithToken();
    await app.services.prisma.agentAuthSession.updateMany({ where: { agentId: agent.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const result = await app.gql(ME, {}, token);
    expect(codeOf(result)).toBe('UNAUTHENTICATED');
    expect(result.errors?.[0]?.message).toMatch(/expired/);
  });

  it('lets an admin revoke all sessions of an agent', async () => {
    const { agent, token } = await app.agentWithToken();
    const revoked = await app.gql(`mutation($id: ID!) { revokeAgentSessions(agentId: $id) }`, { id: agent.id }, admin.token);
    expect(revoked.data?.revokeAgentSessions).toBe(1);
    expect(codeOf(await app.gql(ME, {}, token))).toBe('UNAUTHENTICATED');
  });

  it('works over WebSocket through connectionParams.authorization', async () => {
    const { agent, token } = await app.agentWithToken();
    const result = await wsRequest(app.ws(`Bearer ${token}`), VIEWER);
    expect(result.data?.viewer).toEqual({ kind: 'AGENT', id: agent.id, scopes: [] });
    const anonymous = await wsRequest(app.ws(), VIEWER);
    expect(anonymous.data?.viewer.kind).toBe('ANONYMOUS');
  });

  it('closes a WebSocket whose token is bad with 4401 UNAUTHENTICATED', async () => {
    const client = app.ws('Bearer lca_not-a-real-token');
    const closed = await wsRequest(client, VIEWER).then(
      () => null,
      (event: { code: number; reason: string }) => event,
    );
    expect(closed?.code).toBe(4401);
    expect(closed?.reason).toMatch(/^UNAUTHENTICATED: Malformed token/);
  });
});

describe('admin-only operations', () => {
  const CREATE_AGENT = `mutation($input: CreateAgentInput!) { createAgent(input: $input) { id email role } }`;

  it('lets an admin create agents, and validates the input by field', async () => {
    const created = await app.gql(CREATE_AGENT, { input: { email: ' New.Agent@Example.com ', password: 'long-enough-pw', name: 'New Agent' } }, admin.token);
    expect(created.data?.createAgent).toMatchObject({ email: 'new.agent@example.com', role: 'AGENT' });

    const duplicate = await app.gql(CREATE_AGENT, { input: { email: 'new.agent@example.com', password: 'long-enough-pw', name: 'Again' } }, admin.token);
    expect(codeOf(duplicate)).toBe('CONFLICT');

    const shortPassword = await app.gql(CREATE_AGENT, { input: { email: 'short@example.com', password: 'short', name: 'S' } }, admin.token);
    expect(codeOf(shortPassword)).toBe('VALIDATION');
    expect(shortPassword.errors?.[0]?.extensions?.field).toBe('password');

    const badEmail = await app.gql(CREATE_AGENT, { input: { email: 'not-an-email', password: 'long-enough-pw', name: 'B' } }, admin.token);
    expect(badEmail.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION', field: 'email' });
    expect(await app.services.prisma.agent.count({ where: { email: { in: ['short@example.com', 'not-an-email'] } } })).toBe(0);
  });

  it('forbids a plain agent from creating agents or API tokens', async () => {
    const { token } = await app.agentWithToken();
    const result = await app.gql(CREATE_AGENT, { input: { email: 'x@example.com', password: 'long-enough-pw', name: 'X' } }, token);
    expect(codeOf(result)).toBe('FORBIDDEN');
    expect(result.errors?.[0]?.message).toBe('Requires an admin session.');
    const tokenResult = await app.gql(CREATE_API_TOKEN, { input: { name: 'x', scopes: ['CHATS_READ'] } }, token);
    expect(codeOf(tokenResult)).toBe('FORBIDDEN');
  });

  it('does not let an agent change their own role', async () => {
    const { agent, token } = await app.agentWithToken();
    const result = await app.gql(`mutation($id: ID!) { updateAgent(id: $id, input: { role: ADMIN }) { role } }`, { id: agent.id }, token);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION', field: 'role' });
    expect((await app.services.prisma.agent.findUniqueOrThrow({ where: { id: agent.id } })).role).toBe('AGENT');
  });

  it('revokes other sessions when an agent changes their password', async () => {
    const { agent, token, password } = await app.agentWithToken();
    const second = (await app.gql(LOGIN, { e: agent.email, p: password })).data.login.token;
    const changed = await app.gql(`mutation($id: ID!) { updateAgent(id: $id, input: { password: "a-brand-new-password" }) { id } }`, { id: agent.id }, token);
    expect(changed.errors).toBeUndefined();
    expect((await app.gql(ME, {}, token)).data?.me.id).toBe(agent.id);
    expect(codeOf(await app.gql(ME, {}, second))).toBe('UNAUTHENTICATED');
  });
});

describe('API tokens', () => {
  async function sessionFixture() {
    const channel = await app.services.prisma.channel.create({ data: { name: `Channel ${Math.random()}` } });
    const { visitor, token: visitorToken } = await app.services.auth.createVisitor({ name: 'V' });
    const session = await app.services.prisma.chatSession.create({ data: { channelId: channel.id, visitorId: visitor.id, status: 'QUEUED' } });
    return { channel, visitor, visitorToken, session };
  }

  it('shows the secret once, stores only its hash, and lists tokens without it', async () => {
    const created = await app.gql(CREATE_API_TOKEN, { input: { name: 'CRM sync', scopes: ['REQUESTS_WRITE', 'CHATS_READ'] } }, admin.token);
    const { token, apiToken } = created.data.createApiToken;
    expect(token).toMatch(/^lct_/);
    expect(token.startsWith(apiToken.prefix)).toBe(true);
    const row = await app.services.prisma.apiToken.findUniqueOrThrow({ where: { id: apiToken.id } });
    expect(JSON.stringify(row)).not.toContain(token);
    const listed = await app.gql(`{ apiTokens { id name prefix scopes } }`, {}, admin.token);
    expect(JSON.stringify(listed.data)).not.toContain(token);
    expect(listed.data.apiTokens.map((t: any) => t.id)).toContain(apiToken.id);

    const viewer = await app.gql(VIEWER, {}, token);
    expect(viewer.data.viewer).toEqual({ kind: 'API_TOKEN', id: apiToken.id, scopes: ['REQUESTS_WRITE', 'CHATS_READ'] });
  });

  it('validates scopes and names', async () => {
    const noScopes = await app.gql(CREATE_API_TOKEN, { input: { name: 'x', scopes: [] } }, admin.token);
    expect(noScopes.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION', field: 'scopes' });
    const badScope = await app.gql(CREATE_API_TOKEN, { input: { name: 'x', scopes: ['EVERYTHING'] } }, admin.token);
    expect(badScope.status).toBe(400);
    expect(badScope.errors?.[0]?.message).toMatch(/EVERYTHING/);
    const noName = await app.gql(CREATE_API_TOKEN, { input: { name: ' \u0007 ', scopes: [] } }, admin.token);
    expect(noName.errors?.[0]).toMatchObject({ message: 'name: must not be empty', extensions: { code: 'VALIDATION', field: 'name' } });
    const longName = await app.gql(CREATE_API_TOKEN, { input: { name: 'x'.repeat(101), scopes: ['CHATS_READ'] } }, admin.token);
    expect(longName.errors?.[0]?.message).toBe('name: must be at most 100 characters');
    // Authorization is checked before the arguments.
    const agent = await app.agentWithToken();
    const notAdmin = await app.gql(CREATE_API_TOKEN, { input: { name: '', scopes: [] } }, agent.token);
    expect(notAdmin.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await app.gql(CREATE_API_TOKEN, { input: { name: '', scopes: [] } });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('grants what the scope allows and FORBIDDEN for what it does not', async () => {
    const { session } = await sessionFixture();
    const reader = (await app.gql(CREATE_API_TOKEN, { input: { name: 'reader', scopes: ['CHATS_READ'] } }, admin.token)).data.createApiToken.token;
    const writer = (await app.gql(CREATE_API_TOKEN, { input: { name: 'writer', scopes: ['REQUESTS_WRITE'] } }, admin.token)).data.createApiToken.token;

    expect((await app.gql(CHAT_SESSION, { id: session.id }, reader)).data?.chatSession.id).toBe(session.id);
    const denied = await app.gql(CHAT_SESSION, { id: session.id }, writer);
    expect(codeOf(denied)).toBe('FORBIDDEN');
    expect(denied.errors?.[0]?.message).toMatch(/^Requires one of: .*an API token with the CHATS_READ scope\.$/);
    // An API token is never an admin or an agent, whatever its scopes.
    expect(codeOf(await app.gql(`{ apiTokens { id } }`, {}, reader))).toBe('FORBIDDEN');
    expect(codeOf(await app.gql(ME, {}, reader))).toBe('FORBIDDEN');
  });

  it('stops working when revoked or expired', async () => {
    const created = (await app.gql(CREATE_API_TOKEN, { input: { name: 'temp', scopes: ['CHATS_READ'] } }, admin.token)).data.createApiToken;
    expect((await app.gql(VIEWER, {}, created.token)).data?.viewer.kind).toBe('API_TOKEN');
    await app.gql(`mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }`, { id: created.apiToken.id }, admin.token);
    const revoked = await app.gql(VIEWER, {}, created.token);
    expect(codeOf(revoked)).toBe('UNAUTHENTICATED');
    expect(revoked.errors?.[0]?.message).toMatch(/revoked/);

    const expiring = (
      await app.gql(
        CREATE_API_TOKEN,
        { input: { name: 'expiring', scopes: ['CHATS_READ'], expiresAt: new Date(Date.now() + 60_000).toISOString() } },
        admin.token,
      )
    ).data.createApiToken;
    await app.services.prisma.apiToken.update({ where: { id: expiring.apiToken.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    const expired = await app.gql(VIEWER, {}, expiring.token);
    expect(expired.errors?.[0]?.message).toMatch(/expired/);

    const pastExpiry = await app.gql(CREATE_API_TOKEN, { input: { name: 'past', scopes: ['CHATS_READ'], expiresAt: '2001-01-01T00:00:00Z' } }, admin.token);
    expect(pastExpiry.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION', field: 'expiresAt' });
  });

  describe('visitor tokens', () => {
    it('reach only the visitor’s own sessions', async () => {
      const mine = await sessionFixture();
      const theirs = await sessionFixture();
      expect((await app.gql(CHAT_SESSION, { id: mine.session.id }, mine.visitorToken)).data?.chatSession.id).toBe(mine.session.id);

      const other = await app.gql(CHAT_SESSION, { id: theirs.session.id }, mine.visitorToken);
      expect(codeOf(other)).toBe('NOT_FOUND');
      expect(other.data).toBeNull();
      // Visitors cannot reach agent-only fields.
      expect(codeOf(await app.gql(`{ agents { id } }`, {}, mine.visitorToken))).toBe('FORBIDDEN');
    });

    it('let unknown ids read as NOT_FOUND, and agents outside the channel get NOT_FOUND too', async () => {
      const { session, visitorToken } = await sessionFixture();
      const missing = await app.gql(CHAT_SESSION, { id: '00000000-0000-7000-8000-000000000000' }, visitorToken);
      expect(codeOf(missing)).toBe('NOT_FOUND');
      expect(codeOf(await app.gql(CHAT_SESSION, { id: 'not-a-uuid' }, visitorToken))).toBe('NOT_FOUND');

      const outsider = await app.agentWithToken();
      expect(codeOf(await app.gql(CHAT_SESSION, { id: session.id }, outsider.token))).toBe('NOT_FOUND');
      await app.services.prisma.channelMember.create({ data: { channelId: session.channelId, agentId: outsider.agent.id } });
      expect((await app.gql(CHAT_SESSION, { id: session.id }, outsider.token)).data?.chatSession.id).toBe(session.id);
    });
  });
});
