/** What the host page configures on the embed `<script>` tag and through `ChatWidget.identify()`. */
export interface VisitorPrefill {
  name?: string;
  email?: string;
  phone?: string;
  company?: string;
}

export interface EmbedOptions {
  channel: string;
  /** `light` or `dark`; overrides the channel's theme. */
  theme?: 'light' | 'dark';
  /** CSS colour; overrides the channel's accent colour. */
  color?: string;
  /** Overrides the channel's widget header. */
  title?: string;
  /** Prefill specs as written on the tag (`literal`, `cookie:NAME`, `url:PARAM`, `variable:NAME`); resolved when a form opens. */
  prefill: Record<keyof VisitorPrefill, string | undefined>;
  /** Hex HMAC-SHA256 of the email with the channel's identity secret, computed by the site's server. */
  emailSignature?: string;
}

export const PREFILL_FIELDS = ['name', 'email', 'phone', 'company'] as const;

export function readEmbedOptions(script: HTMLScriptElement): EmbedOptions | null {
  const data = script.dataset;
  const channel = data.channel?.trim();
  if (!channel) return null;
  const theme = data.theme?.toLowerCase();
  return {
    channel,
    theme: theme === 'light' || theme === 'dark' ? theme : undefined,
    color: data.color || undefined,
    title: data.title || undefined,
    prefill: { name: data.name, email: data.email, phone: data.phone, company: data.company },
    emailSignature: data.emailSignature || undefined,
  };
}

/**
 * One prefill value: `cookie:NAME` reads a cookie, `url:PARAM` a query parameter of the page,
 * `variable:NAME` a global of the page (`variable:user.email` follows dots); anything else is the
 * value itself. Missing sources give undefined; non-string values are turned into strings.
 */
export function resolvePrefill(spec: string | undefined, win: Window): string | undefined {
  if (!spec) return undefined;
  const match = /^(cookie|url|variable):(.+)$/.exec(spec);
  let value: unknown = spec;
  if (match?.[1] === 'cookie') {
    const raw = win.document.cookie
      .split('; ')
      .find((pair) => pair.startsWith(`${match[2]}=`))
      ?.slice(match[2]!.length + 1);
    try {
      value = raw && decodeURIComponent(raw);
    } catch {
      value = raw;
    }
  } else if (match?.[1] === 'url') {
    value = new URLSearchParams(win.location.search).get(match[2]!) ?? undefined;
  } else if (match?.[1] === 'variable') {
    value = win;
    for (const key of match[2]!.split('.')) value = value == null ? undefined : (value as Record<string, unknown>)[key];
  }
  if (value == null || typeof value === 'object' || typeof value === 'function') return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

export function resolvePrefills(specs: EmbedOptions['prefill'], win: Window): VisitorPrefill {
  const out: VisitorPrefill = {};
  for (const field of PREFILL_FIELDS) {
    const value = resolvePrefill(specs[field], win);
    if (value !== undefined) out[field] = value;
  }
  return out;
}
