import { describe, expect, it } from 'vitest';
import { chatLimitsFromEnv, configFromEnv, graphqlLimitsFromEnv, publicUrlFromEnv } from './config';

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
