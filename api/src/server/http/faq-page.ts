import type { FaqService } from '../../modules/knowledge/faq.service';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface FaqPage {
  status: 200 | 404;
  headers: Record<string, string>;
  body: string;
}

/** The page's only style; its CSP allows exactly this text, by hash (http/security-headers.ts). */
export const FAQ_PAGE_STYLE = `
    body { font: 16px/1.6 system-ui, sans-serif; max-width: 42rem; margin: 3rem auto; padding: 0 1rem; color: #1f2937; }
    h1 { font-size: 1.5rem; line-height: 1.3; }
    .answer { white-space: pre-wrap; overflow-wrap: anywhere; }
    .updated { color: #6b7280; font-size: .875rem; }
  `;

/**
 * The public, read-only page of a FAQ entry, the target of a FAQ sent "as a link" into a chat.
 * Only published entries exist here: a draft, a deleted entry and a malformed id are all the same
 * 404, so the page tells nothing about what is unpublished. Every text is HTML-escaped; the
 * answer's line breaks are kept.
 */
export async function renderFaqPage(faq: Pick<FaqService, 'findPublishedEntry'>, id: string): Promise<FaqPage> {
  const entry = await faq.findPublishedEntry(id);
  if (!entry)
    return {
      status: 404,
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
      body: page('Not found', '<h1>Not found</h1>\n  <p>This FAQ entry does not exist or is not published.</p>'),
    };
  const updated = entry.updatedAt.toISOString();
  return {
    status: 200,
    // Revalidated on every view, so unpublishing takes effect at once.
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' },
    body: page(
      entry.question,
      `<article>
    <h1>${escapeHtml(entry.question)}</h1>
    <div class="answer">${escapeHtml(entry.answer)}</div>
    <p class="updated">Updated <time datetime="${updated}">${updated.slice(0, 10)}</time></p>
  </article>`,
    ),
  };
}

function page(title: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <link rel="icon" type="image/svg+xml" href="/favicon.svg">
  <title>${escapeHtml(title)}</title>
  <style>${FAQ_PAGE_STYLE}</style>
</head>
<body>
  ${content}
</body>
</html>`;
}
