import { createHash, randomBytes } from 'node:crypto';

/** Every bearer token starts with its kind, so one lookup finds its row. */
export type TokenKind = 'agent' | 'visitor' | 'api';

const PREFIXES: Record<TokenKind, string> = { agent: 'lca', visitor: 'lcv', api: 'lct' };
const TOKEN_PATTERN = /^(lca|lcv|lct)_([A-Za-z0-9_-]{43})$/;

export function generateToken(kind: TokenKind): string {
  return `${PREFIXES[kind]}_${randomBytes(32).toString('base64url')}`;
}

/** Tokens are 256-bit random, so a plain SHA-256 is a safe storage hash (no salt or stretching needed). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function parseToken(token: string): { kind: TokenKind } | null {
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return null;
  const kind = (Object.keys(PREFIXES) as TokenKind[]).find((k) => PREFIXES[k] === match[1]);
  return kind ? { kind } : null;
}

/** Accepts `Bearer <token>` (case-insensitive scheme) or a bare token; null when nothing was sent. */
export function bearerFrom(header: string | null | undefined): string | null {
  if (header == null) return null;
  const trimmed = header.trim();
  if (trimmed === '') return null;
  const match = /^Bearer\s+(.+)$/i.exec(trimmed);
  return (match ? match[1]! : trimmed).trim();
}
