import type { PrismaClient } from '../../generated/prisma/client';
import { embedSnippet } from '../../modules/channels/channels.service';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The page's only style; its CSP allows exactly this text, by hash (http/security-headers.ts). */
export const DEMO_PAGE_STYLE = `
    body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 3rem auto; padding: 0 1rem; color: #1f2937; }
    code, pre { background: #f3f4f6; border-radius: 6px; }
    pre { padding: .75rem; overflow-x: auto; }
    a[aria-current] { font-weight: 600; }
  `;

/**
 * A host page embedding the widget exactly as a customer's site would, one page per channel,
 * so a newcomer can chat with themselves (console in one window, this page in another).
 */
export async function renderDemoPage(prisma: PrismaClient, channelId: string | null, origin: string): Promise<string> {
  const channels = await prisma.channel.findMany({
    where: { archivedAt: null },
    orderBy: { name: 'asc' },
    select: { id: true, name: true, description: true },
  });
  const current = channels.find((c) => c.id === channelId) ?? channels[0];
  const links = channels
    .map(
      (c) =>
        `<li><a href="/demo/${c.id}"${c.id === current?.id ? ' aria-current="page"' : ''}>${escapeHtml(c.name)}</a> <small>${escapeHtml(c.description)}</small></li>`,
    )
    .join('\n');
  const embed = current
    ? `<pre><code>${escapeHtml(embedSnippet(origin, current.id))}</code></pre>
    <script src="/widget.js" data-channel="${current.id}" defer></script>`
    : '<p>No channels yet: create one in the console.</p>';
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="icon" type="image/svg+xml" href="/favicon.svg">
  <title>Widget demo${current ? ` – ${escapeHtml(current.name)}` : ''}</title>
  <style>${DEMO_PAGE_STYLE}</style>
</head>
<body>
  <h1>Acme Inc. — widget demo</h1>
  <p>This page embeds the chat widget the way a customer's website would. Open the
  <a href="/console/" target="_blank">agent console</a> in another window, log in, set yourself Present, and chat with yourself.</p>
  <h2>Channels</h2>
  <ul>${links}</ul>
  <h2>Embed snippet</h2>
  ${embed}
</body>
</html>`;
}
