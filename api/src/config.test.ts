import { describe, expect, it } from 'vitest';
import { chatLimitsFromEnv, corsOriginsFromEnv, publicUrlFromEnv } from './config';

describe('PUBLIC_URL', () => {
  it('is an http(s) base URL without a trailing slash, or null when unset', () => {
    expect(publicUrlFromEnv(undefined)).toBeNull();
    expect(publicUrlFromEnv('')).toBeNull();
    expect(publicUrlFromEnv('https://chat.example.com/')).toBe('https://chat.example.com');
    expect(publicUrlFromEnv('http://localhost:4000/support//')).toBe('http://localhost:4000/support');
  });

  it('refuses what cannot be a base URL', () => {
    for (const bad of ['chat.example.com', 'ftp://example.com', 'https://example.com/?x=1', 'https://example.com/#top'])
      expect(() => publicUrlFromEnv(bad), bad).toThrow(/PUBLIC_URL must be/);
  });
});

describe('per-IP limits of widgetChannel and faqSuggestions', () => {
  it('defaults to 300 widgetChannel and 60 faqSuggestions calls per minute', () => {
    const limits = chatLimitsFromEnv({});
    expect(limits.widgetChannelPerIp).toEqual({ limit: 300, windowSeconds: 60 });
    expect(limits.faqSuggestionsPerIp).toEqual({ limit: 60, windowSeconds: 60 });
  });

  it('refuses a value that is not a positive whole number', () => {
    for (const bad of ['0', '-5', '2.5', 'many'])
      expect(() => chatLimitsFromEnv({ FAQ_SUGGESTIONS_LIMIT_PER_IP: bad }), bad).toThrow(/FAQ_SUGGESTIONS_LIMIT_PER_IP must be a positive whole number/);
    expect(() => chatLimitsFromEnv({ WIDGET_CHANNEL_LIMIT_PER_IP: '0' })).toThrow(/WIDGET_CHANNEL_LIMIT_PER_IP/);
  });
});

describe('CORS_ORIGINS', () => {
  it('is a comma-separated list of origins, normalised as browsers send them; unset is none', () => {
    expect(corsOriginsFromEnv(undefined)).toEqual([]);
    expect(corsOriginsFromEnv(' ')).toEqual([]);
    expect(corsOriginsFromEnv('https://CRM.example.com, http://localhost:5173/,https://a.example.com:443')).toEqual([
      'https://crm.example.com',
      'http://localhost:5173',
      'https://a.example.com',
    ]);
  });

  it('refuses anything that is not an http(s) origin, `null` and `*` included', () => {
    for (const bad of ['null', '*', 'crm.example.com', 'ftp://example.com', 'https://example.com/app', 'https://example.com?x', 'https://u:p@example.com', 'https://a.example.com,'])
      expect(() => corsOriginsFromEnv(bad), bad).toThrow(/CORS_ORIGINS must be a comma-separated list of origins/);
  });
});
