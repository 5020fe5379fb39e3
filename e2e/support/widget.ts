import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Locator, Page } from 'playwright-core';
import { pngBytes } from '../../api/test/file-fixtures';
import { createAgent, gql, login, record, wsClient, type AgentLogin, type Recording } from './graphql';

/** A real PNG (the server sniffs uploads), small enough for any limit. */
export const TINY_PNG = pngBytes(40, 20);

export interface HostSite {
  /** http://127.0.0.1:port: another origin than the API, as a customer's website is. */
  url: string;
  /** Serves `html` at `path` (and a tiny PNG at /photo.png, for agent photos). */
  page(path: string, html: string): void;
  close(): Promise<void>;
}

/** A customer's website on an origin of its own, so the widget talks to the API across origins. */
export async function startHostSite(): Promise<HostSite> {
  const pages = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/photo.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end(TINY_PNG);
    if (path === '/favicon.ico') return void res.writeHead(204).end();
    const html = pages.get(path);
    if (html === undefined) return void res.writeHead(404).end('Not found');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    page: (path, html) => void pages.set(path, html),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The one-line embed, with optional data- attributes (`{ email: 'cookie:mail' }` → data-email="cookie:mail"). */
export function embedSnippet(apiUrl: string, channelId: string, attributes: Record<string, string> = {}): string {
  const extra = Object.entries(attributes)
    .map(([name, value]) => ` data-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}="${value.replace(/"/g, '&quot;')}"`)
    .join('');
  return `<script src="${apiUrl}/widget.js" data-channel="${channelId}"${extra} defer></script>`;
}

export function hostPage(body: string, head = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Customer site</title>${head}</head><body>${body}</body></html>`;
}

/** Locators inside the widget's shadow root (Playwright's CSS and role locators pierce open shadow roots). */
export function widgetOn(page: Page) {
  const host = page.locator('chat-widget-host');
  return {
    host,
    launcher: host.locator('button.launcher'),
    dialog: host.getByRole('dialog'),
    log: host.getByRole('log'),
    field: (label: RegExp | string) => host.getByLabel(label),
    button: (name: string | RegExp) => host.getByRole('button', { name }),
    /** Each row of the conversation, in order: a message's text (or its file name, or an image's alt text), or a system line. */
    async rows(): Promise<string[]> {
      return host
        .locator('.log > *')
        .evaluateAll((rows) =>
          rows.map(
            (row) =>
              (row.matches('.line')
                ? row.textContent
                : (row.querySelector('.text')?.textContent ??
                  row.querySelector('.file')?.textContent ??
                  row.querySelector<HTMLImageElement>('img.image')?.alt ??
                  '')
              )?.trim() ?? '',
          ),
        );
    },
    /**
     * Waits for the conversation after "Start chat". When it does not come, the error says what
     * the widget shows instead (a banner, a field's error, what the fields hold), not only "timeout".
     */
    async conversation(timeout = 15_000) {
      try {
        await host.getByRole('log').waitFor({ timeout });
      } catch (error) {
        const shown = await host.evaluate((element) => {
          const root = element.shadowRoot;
          const fields = Array.from(root?.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea') ?? []).map(
            (field) => `${field.id}=${JSON.stringify(field.value)}${field.disabled ? ' (disabled)' : ''}`,
          );
          return `text: ${(root?.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 600)}; fields: ${fields.join(', ')}`;
        });
        throw new Error(`No conversation within ${timeout} ms after starting the chat. The widget shows ${shown}`, { cause: error });
      }
    },
    /** Opens the widget unless it already is (it reopens by itself after a reload in the same tab). */
    async open() {
      // The launcher and an open panel render together, once the channel's configuration has loaded.
      await host.locator('button.launcher').waitFor();
      if (!(await host.getByRole('dialog').isVisible())) await host.locator('button.launcher').click();
      await host.getByRole('dialog').waitFor();
    },
  };
}

/** The id of the element focused inside the widget's shadow root. */
export function focusedInWidget(page: Page): Promise<string | null> {
  return page.evaluate(() => document.querySelector('chat-widget-host')?.shadowRoot?.activeElement?.id ?? null);
}

export async function text(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').trim();
}

/** What the website's server computes for a signed identity. */
export function signIdentity(secret: string, email: string): string {
  return createHmac('sha256', secret).update(email.trim().toLowerCase()).digest('hex');
}

export async function createChannel(apiUrl: string, adminToken: string, input: Record<string, unknown>): Promise<{ id: string; name: string }> {
  const data = await gql<{ createChannel: { id: string; name: string } }>(
    apiUrl,
    `mutation($input: CreateChannelInput!) { createChannel(input: $input) { id name } }`,
    { input: { name: `Channel ${randomUUID().slice(0, 8)}`, ...input } },
    adminToken,
  );
  return data.createChannel;
}

export const AGENT_CHAT_EVENTS = `subscription($sessionId: ID!, $after: Int) { chatEvents(sessionId: $sessionId, after: $after) {
  cursor type status
  message { id cursor body authorKind systemType clientMessageId attachments { fileName contentType isImage } }
  typing { by isTyping } read { by upToCursor } rating { rating comment }
} }`;

export interface AgentChatEvent {
  chatEvents: {
    cursor: number | null;
    type: string;
    status: string | null;
    message: {
      id: string;
      cursor: number;
      body: string;
      authorKind: string;
      systemType: string | null;
      attachments: { fileName: string; contentType: string; isImage: boolean }[];
    } | null;
    typing: { by: string; isTyping: boolean } | null;
    read: { by: string; upToCursor: number } | null;
    rating: { rating: number; comment: string | null } | null;
  };
}

/** An agent driven through the API over HTTP and graphql-ws, as the console would: Present, member of a channel. */
export class ApiAgent {
  private readonly follows: Recording<AgentChatEvent>[] = [];
  private readonly socket;

  private constructor(
    readonly apiUrl: string,
    readonly login: AgentLogin,
    readonly name: string,
  ) {
    this.socket = wsClient(apiUrl, login.token);
  }

  /** A new agent, member (can respond) of `channelId`, Present. */
  static async create(apiUrl: string, adminToken: string, channelId: string, options: { name?: string; nickname?: string; photoUrl?: string } = {}) {
    const name = options.name ?? `Agent ${randomUUID().slice(0, 6)}`;
    const created = await createAgent(apiUrl, adminToken, { email: `${randomUUID().slice(0, 8)}@agents.test`, name, nickname: options.nickname });
    if (options.photoUrl)
      await gql(
        apiUrl,
        `mutation($id: ID!, $input: UpdateAgentInput!) { updateAgent(id: $id, input: $input) { id } }`,
        { id: created.id, input: { photoUrl: options.photoUrl } },
        adminToken,
      );
    await gql(
      apiUrl,
      `mutation($c: ID!, $a: ID!) { setChannelMember(channelId: $c, agentId: $a, flags: { canRespond: true }) { canRespond } }`,
      { c: channelId, a: created.id },
      adminToken,
    );
    const agent = new ApiAgent(apiUrl, await login(apiUrl, created.email, created.password), options.nickname ?? name);
    await agent.gql(`mutation { setPresence(presence: PRESENT) { id } }`);
    return agent;
  }

  gql<T = any>(query: string, variables?: Record<string, unknown>) {
    return gql<T>(this.apiUrl, query, variables, this.login.token);
  }

  /** The waiting chat of the visitor with this name. */
  async queuedSessionOf(visitorName: string): Promise<string> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const { queue } = await this.gql<{ queue: { session: { id: string; visitor: { name: string | null } } }[] }>(
        `{ queue { session { id visitor { name } } } }`,
      );
      const found = queue.find((q) => q.session.visitor.name === visitorName);
      if (found) return found.session.id;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${visitorName} is not in the queue`);
  }

  async accept(sessionId: string) {
    await this.gql(`mutation($id: ID!) { acceptChat(sessionId: $id) { id } }`, { id: sessionId });
  }

  /** Records the chat's events from its start. */
  follow(sessionId: string): Recording<AgentChatEvent> {
    const recording = record<AgentChatEvent>(this.socket, AGENT_CHAT_EVENTS, { sessionId, after: 0 }, (v) => v.chatEvents.cursor);
    this.follows.push(recording);
    return recording;
  }

  async send(sessionId: string, body: string) {
    return (
      await this.gql<{ sendMessage: { id: string; cursor: number } }>(`mutation($input: SendMessageInput!) { sendMessage(input: $input) { id cursor } }`, {
        input: { sessionId, body, clientMessageId: randomUUID() },
      })
    ).sendMessage;
  }

  async typing(sessionId: string, typing: boolean) {
    await this.gql(`mutation($id: ID!, $t: Boolean!) { setTyping(sessionId: $id, typing: $t) }`, { id: sessionId, t: typing });
  }

  async markRead(sessionId: string, upToCursor: number) {
    await this.gql(`mutation($id: ID!, $c: Int!) { markRead(sessionId: $id, upToCursor: $c) { id } }`, { id: sessionId, c: upToCursor });
  }

  async end(sessionId: string) {
    await this.gql(`mutation($id: ID!) { endChat(sessionId: $id) { id } }`, { id: sessionId });
  }

  async session(sessionId: string) {
    return (
      await this.gql<{
        chatSession: {
          status: string;
          rating: number | null;
          ratingComment: string | null;
          visitor: { name: string | null; email: string | null; emailVerified: boolean };
        };
      }>(`query($id: ID!) { chatSession(id: $id) { status rating ratingComment visitor { name email emailVerified } } }`, { id: sessionId })
    ).chatSession;
  }

  async close() {
    for (const follow of this.follows) follow.stop();
    await this.socket.dispose();
  }
}
