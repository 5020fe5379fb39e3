import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './harness';

const SETTINGS = `fragment S on Agent { notifyBrowser notifySound notifyManagerWarnings }`;
const ME = `${SETTINGS} { me { id ...S } }`;
const AGENTS = `${SETTINGS} { agents { id ...S } }`;
const UPDATE = `${SETTINGS} mutation($id: ID!, $input: UpdateAgentInput!) { updateAgent(id: $id, input: $input) { id ...S } }`;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.stop());

// The console's per-agent switches for new-chat notifications, the sound and manager warnings.
describe('agent notification settings', () => {
  it('are on by default and each can be switched off by the agent themself', async () => {
    const { agent, token } = await app.agentWithToken();
    expect((await app.gql(ME, {}, token)).data.me).toEqual({ id: agent.id, notifyBrowser: true, notifySound: true, notifyManagerWarnings: true });

    const off = await app.gql(UPDATE, { id: agent.id, input: { notifySound: false, notifyManagerWarnings: false } }, token);
    expect(off.errors).toBeUndefined();
    expect(off.data.updateAgent).toEqual({ id: agent.id, notifyBrowser: true, notifySound: false, notifyManagerWarnings: false });
    // Omitted switches keep their value; the change is stored.
    const browserOff = await app.gql(UPDATE, { id: agent.id, input: { notifyBrowser: false } }, token);
    expect(browserOff.data.updateAgent).toMatchObject({ notifyBrowser: false, notifySound: false, notifyManagerWarnings: false });
    expect((await app.gql(ME, {}, token)).data.me).toMatchObject({ notifyBrowser: false, notifySound: false, notifyManagerWarnings: false });
  });

  it('are private: another agent can neither read nor change them; an admin can', async () => {
    const owner = await app.agentWithToken();
    const other = await app.agentWithToken();
    const admin = await app.agentWithToken({ role: 'ADMIN' });

    const listed = await app.gql(AGENTS, {}, other.token);
    expect(listed.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const changed = await app.gql(UPDATE, { id: owner.agent.id, input: { notifySound: false } }, other.token);
    expect(changed.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await app.gql(ME, {}, owner.token)).data.me.notifySound).toBe(true);

    const byAdmin = await app.gql(UPDATE, { id: owner.agent.id, input: { notifySound: false } }, admin.token);
    expect(byAdmin.data.updateAgent.notifySound).toBe(false);
    const adminList = await app.gql(AGENTS, {}, admin.token);
    expect(adminList.errors).toBeUndefined();
    expect(adminList.data.agents.find((a: { id: string }) => a.id === owner.agent.id).notifySound).toBe(false);
  });

  it('reject a value that is not a boolean', async () => {
    const { agent, token } = await app.agentWithToken();
    const result = await app.gql(UPDATE, { id: agent.id, input: { notifySound: 'loud' } }, token);
    expect(result.errors?.[0]?.message).toMatch(/Boolean/);
    expect((await app.gql(ME, {}, token)).data.me.notifySound).toBe(true);
  });
});
