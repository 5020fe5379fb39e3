import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { START_CHAT, channelWithAgents, send, startChat } from './chat-fixtures';
import { startTestApp, subscribe, type TestApp } from './harness';
import { apiToken, dataOf, errorOf, roomyLimits } from './knowledge-fixtures';

const SETTINGS = `id name language badgeHeader description timeZone openingHoursEnabled archivedAt
  openingHours { weekday opensAt closesAt breakStartsAt breakEndsAt }
  warnAgentsAfterMinutes warnManagersAfterMinutes
  widgetTheme widgetColor widgetFont widgetLogoUrl showAgentPhoto widgetHeader welcomeMessage queueMessage
  prechatEnabled prechatRequiredFields faqSuggestionsEnabled faqFolder { id }
  offlineHeader offlineMessage offlineCreatesRequest offlineRequiredFields offlineAfterWaitMinutes offlineAfterQueueLength
  postchatEnabled postchatRating postchatTranscript embedSnippet demoPageUrl
  members { agent { id } canRespond getsNotifications canListenIn isManager }`;
const CREATE = `mutation($input: CreateChannelInput!) { createChannel(input: $input) { ${SETTINGS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateChannelInput!) { updateChannel(id: $id, input: $input) { ${SETTINGS} } }`;
const ARCHIVE = `mutation($id: ID!, $archived: Boolean) { archiveChannel(id: $id, archived: $archived) { id archivedAt } }`;
const DELETE = `mutation($id: ID!) { deleteChannel(id: $id) }`;
const SET_MEMBER = `mutation($c: ID!, $a: ID!, $flags: ChannelMemberInput) { setChannelMember(channelId: $c, agentId: $a, flags: $flags) { agent { id } channel { id } canRespond getsNotifications canListenIn isManager } }`;
const REMOVE_MEMBER = `mutation($c: ID!, $a: ID!) { removeChannelMember(channelId: $c, agentId: $a) { id members { agent { id } } } }`;
const GET = `query($id: ID!) { channel(id: $id) { ${SETTINGS} } }`;
const LIST = `query($all: Boolean) { channels(includeArchived: $all) { id name } }`;
const UPDATE_AGENT = `mutation($id: ID!, $input: UpdateAgentInput!) { updateAgent(id: $id, input: $input) { id email presence active photoUrl } }`;

let app: TestApp;
let admin: { token: string; agent: { id: string } };
let agent: { token: string; agent: { id: string } };
let visitorToken: string;
let chatsToken: string;

beforeAll(async () => {
  app = await startTestApp(roomyLimits);
  admin = await app.agentWithToken({ role: 'ADMIN' });
  agent = await app.agentWithToken();
  visitorToken = (await app.services.auth.createVisitor({ name: 'V' })).token;
  chatsToken = await apiToken(app, admin.token, ['CHATS_READ', 'KNOWLEDGE_READ']);
});
afterAll(() => app?.stop());

const unique = (prefix = 'Channel') => `${prefix} ${randomUUID().slice(0, 8)}`;
async function channel(input: Record<string, unknown> = {}) {
  return dataOf(await app.gql(CREATE, { input: { name: unique(), ...input } }, admin.token)).createChannel;
}

describe('authorization', () => {
  it('lets only admins write channels and members: agents, visitors and API tokens get FORBIDDEN, anonymous UNAUTHENTICATED', async () => {
    const c = await channel();
    for (const [query, variables] of [
      [CREATE, { input: { name: unique() } }],
      [UPDATE, { id: c.id, input: { name: unique() } }],
      [ARCHIVE, { id: c.id }],
      [DELETE, { id: c.id }],
      [SET_MEMBER, { c: c.id, a: agent.agent.id, flags: { isManager: true } }],
      [REMOVE_MEMBER, { c: c.id, a: admin.agent.id }],
    ] as const) {
      for (const token of [agent.token, visitorToken, chatsToken])
        expect(errorOf(await app.gql(query, variables, token)), query).toEqual({ code: 'FORBIDDEN' });
      expect(errorOf(await app.gql(query, variables)), query).toEqual({ code: 'UNAUTHENTICATED' });
    }
    expect(dataOf(await app.gql(GET, { id: c.id }, admin.token)).channel).toMatchObject({ name: c.name, archivedAt: null, members: [] });
  });

  it('shows settings to members and admins; other agents get NOT_FOUND; visitors and tokens see the name but not the settings', async () => {
    const { channel: c, agents } = await channelWithAgents(app, { member: { canRespond: true } });
    const member = agents.member!;
    expect(dataOf(await app.gql(GET, { id: c.id }, member.token)).channel).toMatchObject({
      id: c.id,
      widgetColor: '#2563eb',
      members: [{ agent: { id: member.agent.id } }],
    });
    expect(errorOf(await app.gql(GET, { id: c.id }, agent.token))).toEqual({ code: 'NOT_FOUND' });
    expect(errorOf(await app.gql(GET, { id: randomUUID() }, admin.token))).toEqual({ code: 'NOT_FOUND' });
    expect(errorOf(await app.gql(GET, { id: 'not-an-id' }, admin.token))).toEqual({ code: 'NOT_FOUND' });
    expect(errorOf(await app.gql(GET, { id: c.id }, visitorToken))).toEqual({ code: 'FORBIDDEN' });

    // Through a chat, a visitor (and a CHATS_READ token) reaches the channel: the name, not the settings.
    const chat = await startChat(app, c.id);
    const through = (fields: string, token: string) =>
      app.gql(`query($id: ID!) { chatSession(id: $id) { channel { ${fields} } } }`, { id: chat.sessionId }, token);
    for (const token of [chat.visitorToken, chatsToken]) {
      expect(dataOf(await through('name', token)).chatSession.channel).toEqual({ name: c.name });
      for (const field of ['widgetColor', 'embedSnippet', 'members { canRespond }', 'welcomeMessage', 'openingHours { opensAt }'])
        expect(errorOf(await through(field, token)), field).toEqual({ code: 'FORBIDDEN' });
    }
  });

  it('lists only the agent’s own channels, and memberships only to the agent and admins', async () => {
    const { channel: c, agents } = await channelWithAgents(app, { member: { canRespond: true } });
    const other = await channel();
    const member = agents.member!;
    const names = dataOf(await app.gql(LIST, {}, member.token)).channels.map((x: { id: string }) => x.id);
    expect(names).toEqual([c.id]);
    const adminIds = dataOf(await app.gql(LIST, {}, admin.token)).channels.map((x: { id: string }) => x.id);
    expect(adminIds).toEqual(expect.arrayContaining([c.id, other.id]));

    const MEMBERSHIPS = `query { agents { id memberships { channel { id } isManager } } }`;
    expect(errorOf(await app.gql(MEMBERSHIPS, {}, member.token))).toEqual({ code: 'FORBIDDEN' });
    const me = dataOf(await app.gql(`{ me { memberships { channel { id } canRespond } } }`, {}, member.token)).me;
    expect(me.memberships).toEqual([{ channel: { id: c.id }, canRespond: true }]);
    const all = dataOf(await app.gql(MEMBERSHIPS, {}, admin.token)).agents;
    expect(all.find((a: { id: string }) => a.id === member.agent.id).memberships).toEqual([{ channel: { id: c.id }, isManager: false }]);
  });
});

describe('settings', () => {
  it('creates a channel with every setting and reads them back; omitted settings get their defaults', async () => {
    const folder = await app.services.prisma.faqFolder.create({ data: { name: unique('Folder') } });
    const input = {
      name: unique(),
      language: 'nb',
      badgeHeader: 'Snakk med oss',
      description: 'Norsk kundestøtte',
      timeZone: 'Europe/Oslo',
      openingHoursEnabled: true,
      openingHours: [
        { weekday: 'FRIDAY', opensAt: '09:00', closesAt: '15:00' },
        { weekday: 'MONDAY', opensAt: '8:30', closesAt: '24:00', breakStartsAt: '12:00', breakEndsAt: '12:30' },
      ],
      warnAgentsAfterMinutes: 2,
      warnManagersAfterMinutes: 5,
      widgetTheme: 'DARK',
      widgetColor: '#0AF',
      widgetFont: '"Open Sans", Arial, sans-serif',
      widgetLogoUrl: 'https://example.com/logo.png',
      showAgentPhoto: false,
      widgetHeader: 'Kundestøtte',
      welcomeMessage: 'Hei!',
      queueMessage: 'Du er nummer {queuePosition}. Ventetid {averageWait}.',
      prechatEnabled: false,
      prechatRequiredFields: ['EMAIL', 'PHONE', 'EMAIL'],
      faqSuggestionsEnabled: true,
      faqFolderId: folder.id,
      offlineHeader: 'Stengt',
      offlineMessage: 'Legg igjen en melding.',
      offlineCreatesRequest: false,
      offlineRequiredFields: ['NAME', 'COUNTRY'],
      offlineAfterWaitMinutes: 10,
      offlineAfterQueueLength: 20,
      postchatEnabled: true,
      postchatRating: false,
      postchatTranscript: false,
    };
    const created = dataOf(await app.gql(CREATE, { input }, admin.token)).createChannel;
    const { faqFolderId: _folderId, ...settings } = input;
    expect(created).toMatchObject({
      ...settings,
      openingHours: [
        { weekday: 'MONDAY', opensAt: '08:30', closesAt: '24:00', breakStartsAt: '12:00', breakEndsAt: '12:30' },
        { weekday: 'FRIDAY', opensAt: '09:00', closesAt: '15:00', breakStartsAt: null, breakEndsAt: null },
      ],
      widgetColor: '#00aaff',
      prechatRequiredFields: ['EMAIL', 'PHONE'],
      faqFolder: { id: folder.id },
    });
    expect(dataOf(await app.gql(GET, { id: created.id }, admin.token)).channel).toEqual(created);

    const plain = await channel();
    expect(plain).toMatchObject({
      language: 'en',
      timeZone: 'UTC',
      openingHoursEnabled: false,
      openingHours: [],
      warnAgentsAfterMinutes: null,
      widgetTheme: 'LIGHT',
      widgetLogoUrl: null,
      prechatEnabled: true,
      prechatRequiredFields: ['NAME', 'EMAIL'],
      faqSuggestionsEnabled: false,
      faqFolder: null,
      offlineRequiredFields: ['EMAIL'],
      offlineAfterQueueLength: null,
      postchatEnabled: true,
    });
  });

  it('updates only what is given; null turns optional settings off', async () => {
    const c = await channel({ warnAgentsAfterMinutes: 3, widgetLogoUrl: 'https://example.com/a.png', offlineAfterQueueLength: 5, description: 'Before' });
    const updated = dataOf(
      await app.gql(
        UPDATE,
        { id: c.id, input: { warnAgentsAfterMinutes: null, widgetLogoUrl: '', offlineAfterQueueLength: null, widgetColor: '#123456', description: '' } },
        admin.token,
      ),
    ).updateChannel;
    expect(updated).toEqual({
      ...c,
      warnAgentsAfterMinutes: null,
      widgetLogoUrl: null,
      offlineAfterQueueLength: null,
      widgetColor: '#123456',
      description: '',
    });
    // Opening hours given replace every day; left out they stay.
    const withHours = dataOf(
      await app.gql(
        UPDATE,
        { id: c.id, input: { openingHoursEnabled: true, openingHours: [{ weekday: 'SUNDAY', opensAt: '10:00', closesAt: '14:00' }] } },
        admin.token,
      ),
    ).updateChannel;
    expect(withHours.openingHours).toEqual([{ weekday: 'SUNDAY', opensAt: '10:00', closesAt: '14:00', breakStartsAt: null, breakEndsAt: null }]);
    const renamed = dataOf(await app.gql(UPDATE, { id: c.id, input: { name: `  ${c.name} renamed  ` } }, admin.token)).updateChannel;
    expect(renamed).toMatchObject({ name: `${c.name} renamed`, openingHoursEnabled: true, openingHours: withHours.openingHours });
    expect(errorOf(await app.gql(UPDATE, { id: randomUUID(), input: { name: 'x' } }, admin.token))).toEqual({ code: 'NOT_FOUND' });
  });

  it('rejects every bad setting with VALIDATION naming the field, and changes nothing', async () => {
    const c = await channel();
    const cases: [Record<string, unknown>, string][] = [
      [{ name: '   ' }, 'name'],
      [{ name: 'n'.repeat(101) }, 'name'],
      [{ language: 'english please' }, 'language'],
      [{ language: 'x' }, 'language'],
      [{ badgeHeader: '' }, 'badgeHeader'],
      [{ badgeHeader: 'b'.repeat(61) }, 'badgeHeader'],
      [{ description: 'd'.repeat(501) }, 'description'],
      [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
      [{ timeZone: '+01:00' }, 'timeZone'],
      [{ openingHours: [{ weekday: 'MONDAY', opensAt: '9am', closesAt: '17:00' }] }, 'openingHours'],
      [{ openingHours: [{ weekday: 'MONDAY', opensAt: '09:00', closesAt: '24:01' }] }, 'openingHours'],
      [{ openingHours: [{ weekday: 'MONDAY', opensAt: '09:60', closesAt: '17:00' }] }, 'openingHours'],
      [{ openingHours: [{ weekday: 'MONDAY', opensAt: '17:00', closesAt: '09:00' }] }, 'openingHours'],
      [{ openingHours: [{ weekday: 'MONDAY', opensAt: '09:00', closesAt: '17:00', breakStartsAt: '12:00' }] }, 'openingHours'],
      [{ openingHours: [{ weekday: 'MONDAY', opensAt: '09:00', closesAt: '17:00', breakStartsAt: '08:00', breakEndsAt: '10:00' }] }, 'openingHours'],
      [
        {
          openingHours: [
            { weekday: 'MONDAY', opensAt: '09:00', closesAt: '17:00' },
            { weekday: 'MONDAY', opensAt: '10:00', closesAt: '11:00' },
          ],
        },
        'openingHours',
      ],
      [{ openingHoursEnabled: true, openingHours: [] }, 'openingHours'],
      [{ openingHoursEnabled: true }, 'openingHours'],
      [{ warnAgentsAfterMinutes: 0 }, 'warnAgentsAfterMinutes'],
      [{ warnManagersAfterMinutes: 1441 }, 'warnManagersAfterMinutes'],
      [{ widgetColor: 'blue' }, 'widgetColor'],
      [{ widgetColor: '#12345g' }, 'widgetColor'],
      [{ widgetFont: 'Arial; } body { display: none' }, 'widgetFont'],
      [{ widgetFont: 'f'.repeat(201) }, 'widgetFont'],
      [{ widgetLogoUrl: 'javascript:alert(1)' }, 'widgetLogoUrl'],
      [{ widgetLogoUrl: '/logo.png' }, 'widgetLogoUrl'],
      [{ widgetHeader: 'h'.repeat(61) }, 'widgetHeader'],
      [{ welcomeMessage: ' ' }, 'welcomeMessage'],
      [{ welcomeMessage: 'w'.repeat(1001) }, 'welcomeMessage'],
      [{ queueMessage: 'You are {position}' }, 'queueMessage'],
      [{ queueMessage: 'q'.repeat(501) }, 'queueMessage'],
      [{ faqSuggestionsEnabled: true }, 'faqFolderId'],
      [{ faqFolderId: randomUUID() }, 'faqFolderId'],
      [{ faqFolderId: 'folder-1' }, 'faqFolderId'],
      [{ offlineHeader: '' }, 'offlineHeader'],
      [{ offlineMessage: 'm'.repeat(1001) }, 'offlineMessage'],
      [{ offlineAfterWaitMinutes: -5 }, 'offlineAfterWaitMinutes'],
      [{ offlineAfterQueueLength: 1001 }, 'offlineAfterQueueLength'],
    ];
    for (const [input, field] of cases) {
      const result = await app.gql(UPDATE, { id: c.id, input }, admin.token);
      expect(errorOf(result), JSON.stringify(input)).toEqual({ code: 'VALIDATION', field });
      expect(result.errors![0]!.message).toMatch(new RegExp(`^${field}: `));
    }
    expect(dataOf(await app.gql(GET, { id: c.id }, admin.token)).channel).toEqual(c);
    // The same checks guard creation.
    expect(errorOf(await app.gql(CREATE, { input: { name: unique(), widgetColor: 'red' } }, admin.token))).toEqual({
      code: 'VALIDATION',
      field: 'widgetColor',
    });
    // GraphQL itself refuses unknown enum values.
    expect((await app.gql(UPDATE, { id: c.id, input: { widgetTheme: 'NEON' } }, admin.token)).errors).toBeDefined();
  });

  it('names the day and the problem in opening-hours errors', async () => {
    const c = await channel();
    const result = await app.gql(UPDATE, { id: c.id, input: { openingHours: [{ weekday: 'WEDNESDAY', opensAt: '18:00', closesAt: '08:00' }] } }, admin.token);
    expect(result.errors![0]!.message).toBe('openingHours: Wednesday: closesAt must be after opensAt');
  });

  it('keeps names unique regardless of case: CONFLICT naming the field', async () => {
    const first = await channel();
    const second = await channel();
    expect(errorOf(await app.gql(CREATE, { input: { name: first.name.toUpperCase() } }, admin.token))).toEqual({ code: 'CONFLICT', field: 'name' });
    expect(errorOf(await app.gql(UPDATE, { id: second.id, input: { name: ` ${first.name.toLowerCase()} ` } }, admin.token))).toEqual({
      code: 'CONFLICT',
      field: 'name',
    });
    // Renaming to its own name (another case) is no clash.
    expect(dataOf(await app.gql(UPDATE, { id: first.id, input: { name: first.name.toUpperCase() } }, admin.token)).updateChannel.name).toBe(
      first.name.toUpperCase(),
    );
  });

  it('keeps names unique regardless of case when two admins create or rename at the same moment', async () => {
    // Each round races "Sales …" against "sales …": both pass the check before either inserts.
    for (let round = 0; round < 8; round++) {
      const name = unique('Sales');
      const results = await Promise.all([name, name.toLowerCase()].map((n) => app.gql(CREATE, { input: { name: n } }, admin.token)));
      expect(results.filter((r) => !r.errors)).toHaveLength(1);
      expect(errorOf(results.find((r) => r.errors)!)).toEqual({ code: 'CONFLICT', field: 'name' });
      const stored = await app.services.prisma.channel.findMany({ where: { name: { equals: name, mode: 'insensitive' } } });
      expect(stored).toHaveLength(1);

      const [a, b] = [await channel(), await channel()];
      const target = unique('Support');
      const renames = await Promise.all([
        app.gql(UPDATE, { id: a.id, input: { name: target } }, admin.token),
        app.gql(UPDATE, { id: b.id, input: { name: target.toUpperCase() } }, admin.token),
      ]);
      expect(renames.filter((r) => !r.errors)).toHaveLength(1);
      expect(errorOf(renames.find((r) => r.errors)!)).toEqual({ code: 'CONFLICT', field: 'name' });
    }
  });

  it('has the database refuse a second spelling of a name, whoever writes it', async () => {
    const name = unique('Billing');
    await app.services.prisma.channel.create({ data: { name } });
    await expect(app.services.prisma.channel.create({ data: { name: name.toUpperCase() } })).rejects.toMatchObject({ code: 'P2002' });
  });

  it('applies opening hours, the queue limit and the FAQ folder to visitors at once', async () => {
    const { channel: c } = await channelWithAgents(app, { responder: { canRespond: true } });
    // Open every day, but only for an hour that is hours away from now.
    const window = new Date().getUTCHours() < 12 ? { opensAt: '15:00', closesAt: '16:00' } : { opensAt: '03:00', closesAt: '04:00' };
    const days = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'].map((weekday) => ({ weekday, ...window }));
    const tooEarly = { openingHoursEnabled: true, timeZone: 'UTC', openingHours: days };
    dataOf(await app.gql(UPDATE, { id: c.id, input: tooEarly }, admin.token));
    const closed = await app.gql(START_CHAT, { input: { channelId: c.id, message: 'Hello?' } });
    expect(closed.errors?.[0]?.extensions).toMatchObject({ code: 'CHANNEL_OFFLINE', reason: 'OUTSIDE_OPENING_HOURS' });

    dataOf(await app.gql(UPDATE, { id: c.id, input: { openingHoursEnabled: false, offlineAfterQueueLength: 1 } }, admin.token));
    await startChat(app, c.id);
    const full = await app.gql(START_CHAT, { input: { channelId: c.id, message: 'Me too' } });
    expect(full.errors?.[0]?.extensions).toMatchObject({ code: 'CHANNEL_OFFLINE', reason: 'QUEUE_TOO_LONG' });

    const folder = await app.services.prisma.faqFolder.create({ data: { name: unique('Folder') } });
    const tag = `tag${randomUUID().slice(0, 6)}`;
    await app.services.prisma.faqEntry.create({ data: { folderId: folder.id, question: `How to ${tag}?`, answer: 'Like so.', published: true } });
    const SUGGEST = `query($c: ID!, $q: String!) { faqSuggestions(channelId: $c, question: $q) { question } }`;
    expect(dataOf(await app.gql(SUGGEST, { c: c.id, q: tag })).faqSuggestions).toEqual([]);
    dataOf(await app.gql(UPDATE, { id: c.id, input: { faqSuggestionsEnabled: true, faqFolderId: folder.id } }, admin.token));
    expect(dataOf(await app.gql(SUGGEST, { c: c.id, q: tag })).faqSuggestions).toEqual([{ question: `How to ${tag}?` }]);
  });
});

describe('embed snippet', () => {
  it('is one script tag naming the channel, on the address the request came to', async () => {
    const c = await channel();
    const origin = app.url;
    expect(c.embedSnippet).toBe(`<script src="${origin}/widget.js" data-channel="${c.id}" defer></script>`);
    expect(c.demoPageUrl).toBe(`${origin}/demo/${c.id}`);
  });

  it('uses PUBLIC_URL when it is configured', async () => {
    const configured = await startTestApp({ publicUrl: 'https://chat.example.com/support' });
    try {
      const owner = await configured.agentWithToken({ role: 'ADMIN' });
      const created = dataOf(await configured.gql(`mutation { createChannel(input: { name: "Support" }) { id embedSnippet } }`, {}, owner.token)).createChannel;
      expect(created.embedSnippet).toBe(`<script src="https://chat.example.com/support/widget.js" data-channel="${created.id}" defer></script>`);
      const demo = await fetch(`${configured.url}/demo/${created.id}`).then((r) => r.text());
      expect(demo).toContain(`https://chat.example.com/support/widget.js`);
    } finally {
      await configured.stop();
    }
  });
});

describe('archive and delete', () => {
  it('archives a channel: no new chats or offline forms, out of the default lists, open chats go on; restoring undoes it', async () => {
    const { channel: c, agents } = await channelWithAgents(app, { responder: { canRespond: true } });
    const open = await startChat(app, c.id);
    const archived = dataOf(await app.gql(ARCHIVE, { id: c.id }, admin.token)).archiveChannel;
    expect(archived.archivedAt).toEqual(expect.any(String));
    // Archiving twice keeps the first time.
    expect(dataOf(await app.gql(ARCHIVE, { id: c.id, archived: true }, admin.token)).archiveChannel.archivedAt).toBe(archived.archivedAt);

    // New chats and offline forms are refused with the reason, for new visitors and for the one whose chat is open.
    const archivedRefusal = { code: 'CHANNEL_OFFLINE', reason: 'ARCHIVED', offlineForm: false };
    for (const token of [undefined, open.visitorToken]) {
      const started = await app.gql(START_CHAT, { input: { channelId: c.id, message: 'Hi' } }, token);
      expect(started.errors?.[0]?.extensions).toEqual(archivedRefusal);
      expect(started.errors?.[0]?.message).toBe(`${c.name} is archived: it takes no new chats and no offline forms.`);
      const offline = await app.gql(
        `mutation($input: OfflineFormInput!) { submitOfflineForm(input: $input) { requestNumber } }`,
        {
          input: { channelId: c.id, message: 'Call me', email: 'a@example.com' },
        },
        token,
      );
      expect(offline.errors?.[0]?.extensions).toEqual(archivedRefusal);
    }
    // The widget still finds the channel, offline for that reason, and the visitor goes on in their open chat.
    const widget = dataOf(await app.gql(`query($id: ID!) { widgetChannel(channelId: $id) { id availability { online reason queueLength } } }`, { id: c.id }));
    expect(widget.widgetChannel).toEqual({ id: c.id, availability: { online: false, reason: 'ARCHIVED', queueLength: 1 } });
    const resumed = dataOf(await app.gql(`query($id: ID!) { chatSession(id: $id) { id status } }`, { id: open.sessionId }, open.visitorToken));
    expect(resumed.chatSession).toEqual({ id: open.sessionId, status: 'QUEUED' });
    expect(dataOf(await send(app, open.visitorToken, open.sessionId, 'Still there?')).sendMessage.body).toBe('Still there?');
    const identified = await app.gql(
      `mutation($input: IdentifyVisitorInput!) { identifyVisitor(input: $input) { name } }`,
      { input: { channelId: c.id, name: 'Archie' } },
      open.visitorToken,
    );
    expect(dataOf(identified).identifyVisitor).toEqual({ name: 'Archie' });
    const ids = async (token: string, all?: boolean) => dataOf(await app.gql(LIST, { all }, token)).channels.map((x: { id: string }) => x.id);
    expect(await ids(admin.token)).not.toContain(c.id);
    expect(await ids(admin.token, true)).toContain(c.id);
    expect(await ids(agents.responder!.token)).toEqual([]);

    // The chat already queued can still be answered.
    const claimed = dataOf(await app.gql(`mutation($ids: [ID!]) { getNextInQueue(channelIds: $ids) { id } }`, { ids: [c.id] }, agents.responder!.token));
    expect(claimed.getNextInQueue.id).toBe(open.sessionId);

    expect(dataOf(await app.gql(ARCHIVE, { id: c.id, archived: false }, admin.token)).archiveChannel.archivedAt).toBeNull();
    await startChat(app, c.id);
    expect(errorOf(await app.gql(ARCHIVE, { id: randomUUID() }, admin.token))).toEqual({ code: 'NOT_FOUND' });
  });

  it('deletes only a channel that never had a chat; one with chats is CONFLICT (HAS_CHATS) and stays', async () => {
    const unused = await channel();
    dataOf(await app.gql(SET_MEMBER, { c: unused.id, a: agent.agent.id }, admin.token));
    expect(dataOf(await app.gql(DELETE, { id: unused.id }, admin.token)).deleteChannel).toBe(unused.id);
    expect(errorOf(await app.gql(GET, { id: unused.id }, admin.token))).toEqual({ code: 'NOT_FOUND' });
    expect(errorOf(await app.gql(DELETE, { id: unused.id }, admin.token))).toEqual({ code: 'NOT_FOUND' });

    const { channel: used } = await channelWithAgents(app, { responder: { canRespond: true } });
    await startChat(app, used.id);
    const refused = await app.gql(DELETE, { id: used.id }, admin.token);
    expect(refused.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'HAS_CHATS', field: 'id' });
    expect(refused.errors![0]!.message).toContain('archive it instead');
    expect(dataOf(await app.gql(GET, { id: used.id }, admin.token)).channel.id).toBe(used.id);
  });
});

describe('members', () => {
  it('adds an agent with flags, changes some flags, and removes them; the agent’s console is told', async () => {
    const c = await channel();
    const joiner = await app.agentWithToken();
    const events = subscribe(app.ws(`Bearer ${joiner.token}`), `subscription { agentEvents { reasons } }`);
    await events.waitFor((e) => e.agentEvents.reasons.includes('initial'));

    const added = dataOf(await app.gql(SET_MEMBER, { c: c.id, a: joiner.agent.id, flags: { canListenIn: true } }, admin.token)).setChannelMember;
    expect(added).toEqual({
      agent: { id: joiner.agent.id },
      channel: { id: c.id },
      canRespond: true,
      getsNotifications: true,
      canListenIn: true,
      isManager: false,
    });
    await events.waitFor((e) => e.agentEvents.reasons.includes('channels'));
    expect(dataOf(await app.gql(GET, { id: c.id }, joiner.token)).channel.id).toBe(c.id);

    const changed = dataOf(
      await app.gql(SET_MEMBER, { c: c.id, a: joiner.agent.id, flags: { canRespond: false, isManager: true } }, admin.token),
    ).setChannelMember;
    expect(changed).toMatchObject({ canRespond: false, getsNotifications: true, canListenIn: true, isManager: true });
    // No flags given: nothing changes (and no duplicate membership).
    expect(dataOf(await app.gql(SET_MEMBER, { c: c.id, a: joiner.agent.id }, admin.token)).setChannelMember).toEqual(changed);
    expect(dataOf(await app.gql(GET, { id: c.id }, admin.token)).channel.members).toHaveLength(1);

    const after = dataOf(await app.gql(REMOVE_MEMBER, { c: c.id, a: joiner.agent.id }, admin.token)).removeChannelMember;
    expect(after).toEqual({ id: c.id, members: [] });
    expect(errorOf(await app.gql(GET, { id: c.id }, joiner.token))).toEqual({ code: 'NOT_FOUND' });
    expect(errorOf(await app.gql(REMOVE_MEMBER, { c: c.id, a: joiner.agent.id }, admin.token))).toEqual({ code: 'NOT_FOUND' });
    events.stop();
  });

  it('tells the other members’ consoles that the member list changed, as reason "members"', async () => {
    const { channel: c, agents } = await channelWithAgents(app, { colleague: { canRespond: true } });
    const joiner = await app.agentWithToken();
    const events = subscribe(app.ws(`Bearer ${agents.colleague!.token}`), `subscription { agentEvents { reasons } }`);
    await events.waitFor((e) => e.agentEvents.reasons.includes('initial'));
    const reasonsAfter = async (change: () => Promise<unknown>) => {
      const since = events.values().length;
      await change();
      return (await events.waitFor((e) => events.values().indexOf(e) >= since)).agentEvents.reasons;
    };
    expect(await reasonsAfter(() => app.gql(SET_MEMBER, { c: c.id, a: joiner.agent.id }, admin.token))).toEqual(['members']);
    expect(await reasonsAfter(() => app.gql(REMOVE_MEMBER, { c: c.id, a: joiner.agent.id }, admin.token))).toEqual(['members']);
    expect(await reasonsAfter(() => app.gql(UPDATE, { id: c.id, input: { warnAgentsAfterMinutes: 3 } }, admin.token))).toEqual(['settings']);
    events.stop();
  });

  it('refuses unknown and deactivated agents and unknown channels', async () => {
    const c = await channel();
    expect(errorOf(await app.gql(SET_MEMBER, { c: c.id, a: randomUUID() }, admin.token))).toEqual({ code: 'VALIDATION', field: 'agentId' });
    // A malformed id argument names nothing: NOT_FOUND at the edge.
    expect(errorOf(await app.gql(SET_MEMBER, { c: c.id, a: 'agent-1' }, admin.token))).toEqual({ code: 'NOT_FOUND' });
    expect(errorOf(await app.gql(SET_MEMBER, { c: randomUUID(), a: agent.agent.id }, admin.token))).toEqual({ code: 'NOT_FOUND' });
    const leaver = await app.agentWithToken();
    dataOf(await app.gql(UPDATE_AGENT, { id: leaver.agent.id, input: { active: false } }, admin.token));
    expect(errorOf(await app.gql(SET_MEMBER, { c: c.id, a: leaver.agent.id }, admin.token))).toEqual({ code: 'VALIDATION', field: 'agentId' });
  });

  it('gives the flags their meaning: only members who can respond count as available', async () => {
    const c = await channel({ prechatEnabled: false });
    const responder = await app.agentWithToken();
    await app.gql(`mutation { setPresence(presence: PRESENT) { id } }`, {}, responder.token);
    dataOf(await app.gql(SET_MEMBER, { c: c.id, a: responder.agent.id, flags: { canRespond: false } }, admin.token));
    const noOne = await app.gql(START_CHAT, { input: { channelId: c.id, message: 'Hello?' } });
    expect(noOne.errors?.[0]?.extensions).toMatchObject({ code: 'CHANNEL_OFFLINE', reason: 'NO_AGENT_PRESENT' });
    dataOf(await app.gql(SET_MEMBER, { c: c.id, a: responder.agent.id, flags: { canRespond: true } }, admin.token));
    await startChat(app, c.id);
  });
});

describe('agents administration', () => {
  it('lets admins change a login email (unique, valid) and validates photo URLs; agents cannot change their email', async () => {
    const target = await app.agentWithToken();
    const email = `renamed-${randomUUID().slice(0, 6)}@example.com`;
    expect(dataOf(await app.gql(UPDATE_AGENT, { id: target.agent.id, input: { email: email.toUpperCase() } }, admin.token)).updateAgent.email).toBe(email);
    expect(errorOf(await app.gql(UPDATE_AGENT, { id: target.agent.id, input: { email: 'nope' } }, admin.token))).toEqual({
      code: 'VALIDATION',
      field: 'email',
    });
    const other = await app.agentWithToken();
    expect(errorOf(await app.gql(UPDATE_AGENT, { id: other.agent.id, input: { email } }, admin.token))).toEqual({ code: 'CONFLICT', field: 'email' });
    expect(errorOf(await app.gql(UPDATE_AGENT, { id: target.agent.id, input: { email: 'me@example.com' } }, target.token))).toEqual({
      code: 'VALIDATION',
      field: 'email',
    });
    expect(errorOf(await app.gql(UPDATE_AGENT, { id: target.agent.id, input: { photoUrl: 'data:image/png;base64,AAAA' } }, target.token))).toEqual({
      code: 'VALIDATION',
      field: 'photoUrl',
    });
    expect(
      dataOf(await app.gql(UPDATE_AGENT, { id: target.agent.id, input: { photoUrl: 'https://example.com/me.jpg' } }, target.token)).updateAgent.photoUrl,
    ).toBe('https://example.com/me.jpg');
    // The new email logs in.
    const login = await app.gql(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, { e: email, p: target.password });
    expect(login.errors).toBeUndefined();
  });

  it('sets a deactivated agent Away, so they no longer count as present', async () => {
    const { channel: c, agents } = await channelWithAgents(app, { only: { canRespond: true } });
    const deactivated = dataOf(await app.gql(UPDATE_AGENT, { id: agents.only!.agent.id, input: { active: false } }, admin.token)).updateAgent;
    expect(deactivated).toMatchObject({ active: false, presence: 'AWAY' });
    const result = await app.gql(START_CHAT, { input: { channelId: c.id, message: 'Anyone?' } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'CHANNEL_OFFLINE', reason: 'NO_AGENT_PRESENT' });
  });
});

describe('mutation answers', () => {
  it('are read with the query for what the caller selected, so no resolver ignores it', async () => {
    // Outside production the schema warns about a Prisma query a resolver left unused.
    const warn = vi.spyOn(console, 'warn');
    const unusedQueries = () => warn.mock.calls.map((call) => String(call[0])).filter((message) => message.includes('Prisma query was unused'));
    try {
      const joiner = await app.agentWithToken();
      const nested = `id name openingHours { weekday } members { agent { id name } canRespond }`;
      const created = dataOf(
        await app.gql(`mutation($input: CreateChannelInput!) { createChannel(input: $input) { ${nested} } }`, { input: { name: unique() } }, admin.token),
      ).createChannel;
      const updated = dataOf(
        await app.gql(`mutation($id: ID!) { updateChannel(id: $id, input: { description: "Orders" }) { ${nested} } }`, { id: created.id }, admin.token),
      ).updateChannel;
      expect(updated).toEqual({ ...created, openingHours: [], members: [] });
      const member = dataOf(
        await app.gql(
          `mutation($c: ID!, $a: ID!) { setChannelMember(channelId: $c, agentId: $a) { agent { name } channel { name members { agent { id } } } } }`,
          { c: created.id, a: joiner.agent.id },
          admin.token,
        ),
      ).setChannelMember;
      expect(member).toEqual({ agent: { name: joiner.agent.name }, channel: { name: created.name, members: [{ agent: { id: joiner.agent.id } }] } });
      const archived = dataOf(
        await app.gql(`mutation($id: ID!) { archiveChannel(id: $id) { id members { agent { id } } } }`, { id: created.id }, admin.token),
      ).archiveChannel;
      expect(archived).toEqual({ id: created.id, members: [{ agent: { id: joiner.agent.id } }] });
      const removed = dataOf(
        await app.gql(
          `mutation($c: ID!, $a: ID!) { removeChannelMember(channelId: $c, agentId: $a) { id members { agent { id } } } }`,
          { c: created.id, a: joiner.agent.id },
          admin.token,
        ),
      ).removeChannelMember;
      expect(removed).toEqual({ id: created.id, members: [] });
      const agent = dataOf(
        await app.gql(
          `mutation($id: ID!) { updateAgent(id: $id, input: { nickname: "Jo" }) { nickname memberships { channel { id } } } }`,
          { id: joiner.agent.id },
          admin.token,
        ),
      ).updateAgent;
      expect(agent).toEqual({ nickname: 'Jo', memberships: [] });
      expect(unusedQueries()).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });
});
