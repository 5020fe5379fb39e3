import { describe, expect, it } from 'vitest';
import { chatLimitsFromEnv, configFromEnv, corsOriginsFromEnv, graphqlLimitsFromEnv, loginProtectionFromEnv, publicUrlFromEnv, socketLimitsFromEnv, trustProxyFromEnv } from './config';

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

describe('TRUST_PROXY', () => {
  it('is off by default, a hop count, or a list of addresses and ranges; true is one hop', () => {
    expect(trustProxyFromEnv(undefined)).toBe(false);
    expect(trustProxyFromEnv('false')).toBe(false);
    expect(trustProxyFromEnv('0')).toBe(false);
    expect(trustProxyFromEnv('true')).toBe(1);
    expect(trustProxyFromEnv('2')).toBe(2);
    expect(trustProxyFromEnv('loopback, 10.0.0.0/8,uniquelocal , ::1')).toEqual(['loopback', '10.0.0.0/8', 'uniquelocal', '::1']);
  });

  it('refuses what proxy-addr cannot read, at start', () => {
    for (const bad of ['yes', '10.0.0.0/33', 'loopback,proxy.example.com', '-1'])
      expect(() => trustProxyFromEnv(bad), bad).toThrow(/TRUST_PROXY must be false, a hop count, or a comma-separated list/);
  });
});

describe('login protection', () => {
  it('has defaults and refuses bad values and the replaced LOGIN_RATE_LIMIT_* variables', () => {
    expect(loginProtectionFromEnv({})).toEqual({
      failsBeforeLockout: 5,
      lockoutSeconds: 60,
      maxLockoutSeconds: 3600,
      failsPerIp: 100,
      failsPerEmail: 1000,
      failWindowSeconds: 3600,
    });
    expect(() => loginProtectionFromEnv({ LOGIN_FAILS_PER_IP: '0' })).toThrow(/LOGIN_FAILS_PER_IP must be a positive whole number/);
    expect(() => loginProtectionFromEnv({ LOGIN_LOCKOUT_SECONDS: '600', LOGIN_LOCKOUT_MAX_SECONDS: '60' })).toThrow(/LOGIN_LOCKOUT_MAX_SECONDS/);
    expect(() => loginProtectionFromEnv({ LOGIN_RATE_LIMIT_PER_EMAIL: '5' })).toThrow(/no longer read/);
  });
});

describe('socket limits', () => {
  it('has defaults and refuses bad values', () => {
    expect(socketLimitsFromEnv({})).toEqual({ subscriptionsPerSocket: 100, connectionsPerIp: 200, operationsPerSocket: { limit: 300, windowSeconds: 60 } });
    expect(chatLimitsFromEnv({}).setTypingPerChat).toEqual({ limit: 30, windowSeconds: 10 });
    expect(() => socketLimitsFromEnv({ WS_MAX_CONNECTIONS_PER_IP: 'lots' })).toThrow(/WS_MAX_CONNECTIONS_PER_IP must be a positive whole number/);
    expect(() => chatLimitsFromEnv({ SET_TYPING_LIMIT_PER_CHAT: '-1' })).toThrow(/SET_TYPING_LIMIT_PER_CHAT/);
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

describe('GraphQL limits and production defaults', () => {
  it('has documented defaults, each set by its variable', () => {
    expect(graphqlLimitsFromEnv({})).toEqual({
      maxDepth: 12, maxAliases: 20, maxTokens: 3000, maxDirectives: 20, maxCost: 50_000, maxListItems: 50_000, maxBodyBytes: 1_048_576, introspection: 'authenticated',
    });
    expect(graphqlLimitsFromEnv({ GRAPHQL_MAX_DEPTH: '8', GRAPHQL_MAX_BODY_BYTES: '2048', GRAPHQL_INTROSPECTION: 'public' })).toMatchObject({ maxDepth: 8, maxBodyBytes: 2048, introspection: 'public' });
  });

  it('refuses bad values with the variable named', () => {
    for (const name of ['GRAPHQL_MAX_DEPTH', 'GRAPHQL_MAX_ALIASES', 'GRAPHQL_MAX_TOKENS', 'GRAPHQL_MAX_DIRECTIVES', 'GRAPHQL_MAX_COST', 'GRAPHQL_MAX_LIST_ITEMS', 'GRAPHQL_MAX_BODY_BYTES'])
      for (const bad of ['0', '-1', '2.5', 'lots']) expect(() => graphqlLimitsFromEnv({ [name]: bad }), `${name}=${bad}`).toThrow(new RegExp(`${name} must be a positive whole number`));
    expect(() => graphqlLimitsFromEnv({ GRAPHQL_INTROSPECTION: 'yes' })).toThrow(/GRAPHQL_INTROSPECTION must be "authenticated" or "public"/);
  });

  it('serves GraphiQL and suggestions only in development or when asked for', () => {
    expect(configFromEnv({})).toMatchObject({ development: false, graphiql: false });
    expect(configFromEnv({ NODE_ENV: 'production' })).toMatchObject({ development: false, graphiql: false });
    expect(configFromEnv({ NODE_ENV: 'development' })).toMatchObject({ development: true, graphiql: true });
    expect(configFromEnv({ NODE_ENV: 'production', GRAPHIQL: 'true' })).toMatchObject({ development: false, graphiql: true });
  });
});
