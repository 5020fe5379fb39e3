import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  configSchema,
  configVariableNames,
  repoRoot,
  secretConfigVariables,
  chatLimitsFromEnv,
  configFromEnv,
  corsOriginsFromEnv,
  graphqlLimitsFromEnv,
  loginProtectionFromEnv,
  publicUrlFromEnv,
  socketLimitsFromEnv,
  trustProxyFromEnv,
} from './config';
import { MIN_PASSWORD_LENGTH } from './passwords';

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
    for (const bad of [
      'null',
      '*',
      'crm.example.com',
      'ftp://example.com',
      'https://example.com/app',
      'https://example.com?x',
      'https://u:p@example.com',
      'https://a.example.com,',
    ])
      expect(() => corsOriginsFromEnv(bad), bad).toThrow(/CORS_ORIGINS must be a comma-separated list of origins/);
  });
});

describe('GraphQL limits and production defaults', () => {
  it('has documented defaults, each set by its variable', () => {
    expect(graphqlLimitsFromEnv({})).toEqual({
      maxDepth: 12,
      maxAliases: 20,
      maxTokens: 3000,
      maxDirectives: 20,
      maxCost: 50_000,
      maxListItems: 50_000,
      maxBodyBytes: 1_048_576,
      introspection: 'authenticated',
    });
    expect(graphqlLimitsFromEnv({ GRAPHQL_MAX_DEPTH: '8', GRAPHQL_MAX_BODY_BYTES: '2048', GRAPHQL_INTROSPECTION: 'public' })).toMatchObject({
      maxDepth: 8,
      maxBodyBytes: 2048,
      introspection: 'public',
    });
  });

  it('refuses bad values with the variable named', () => {
    for (const name of [
      'GRAPHQL_MAX_DEPTH',
      'GRAPHQL_MAX_ALIASES',
      'GRAPHQL_MAX_TOKENS',
      'GRAPHQL_MAX_DIRECTIVES',
      'GRAPHQL_MAX_COST',
      'GRAPHQL_MAX_LIST_ITEMS',
      'GRAPHQL_MAX_BODY_BYTES',
    ])
      for (const bad of ['0', '-1', '2.5', 'lots'])
        expect(() => graphqlLimitsFromEnv({ [name]: bad }), `${name}=${bad}`).toThrow(new RegExp(`${name} must be a positive whole number`));
    expect(() => graphqlLimitsFromEnv({ GRAPHQL_INTROSPECTION: 'yes' })).toThrow(/GRAPHQL_INTROSPECTION must be "authenticated" or "public"/);
  });

  it('serves GraphiQL and suggestions only in development or when asked for', () => {
    expect(configFromEnv({})).toMatchObject({ development: false, graphiql: false });
    expect(configFromEnv({ NODE_ENV: 'production' })).toMatchObject({ development: false, graphiql: false });
    expect(configFromEnv({ NODE_ENV: 'development' })).toMatchObject({ development: true, graphiql: true });
    expect(configFromEnv({ NODE_ENV: 'production', GRAPHIQL: 'true' })).toMatchObject({ development: false, graphiql: true });
  });
});

function problemsOf(env: NodeJS.ProcessEnv): ConfigError['problems'] {
  try {
    configFromEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('the configuration schema', () => {
  it('refuses IDLE_TIMEOUT_SECONDS=ten and SEND_MESSAGE_LIMIT_PER_VISITOR=-3 together, naming each variable, its value and what is expected', () => {
    const problems = problemsOf({ IDLE_TIMEOUT_SECONDS: 'ten', SEND_MESSAGE_LIMIT_PER_VISITOR: '-3', PORT: '4000' });
    expect(problems.map((problem) => problem.variable)).toEqual(['IDLE_TIMEOUT_SECONDS', 'SEND_MESSAGE_LIMIT_PER_VISITOR']);
    expect(problems[0]!.message).toBe('IDLE_TIMEOUT_SECONDS must be a whole number of seconds from 1 to 604800, got "ten"');
    expect(problems[1]!.message).toBe('SEND_MESSAGE_LIMIT_PER_VISITOR must be a positive whole number of messages, got "-3"');
  });

  it('refuses a non-number in every numeric variable, by name', () => {
    const numeric = configVariableNames.filter(
      (name) => typeof configSchema.shape[name as keyof typeof configSchema.shape].safeParse(undefined).data === 'number',
    );
    expect(numeric.length).toBeGreaterThan(35);
    for (const name of numeric) {
      const problems = problemsOf({ [name]: 'lots' });
      expect(problems, name).toHaveLength(1);
      expect(problems[0]!.message, name).toMatch(new RegExp(`^${name} must be .*, got "lots"$`));
      expect(() => configFromEnv({ [name]: '2.5' }), name).toThrow(ConfigError);
    }
  });

  it('checks URL formats, enums, flags and emails', () => {
    const cases: Record<string, string> = {
      DATABASE_URL: 'mysql://root@db/livechat',
      REDIS_URL: 'http://redis:6379',
      SMTP_URL: 'mail.example.com',
      PUBLIC_URL: 'chat.example.com',
      LOG_LEVEL: 'verbose',
      NODE_ENV: 'staging',
      GRAPHIQL: 'yes',
      SEED_DEMO: 'no',
      ADMIN_EMAIL: 'admin',
      METRICS_PORT: '70000',
      GRAPHQL_INTROSPECTION: 'open',
    };
    const problems = problemsOf(cases);
    expect(problems.map((problem) => problem.variable).sort()).toEqual(Object.keys(cases).sort());
    expect(problems.find((problem) => problem.variable === 'LOG_LEVEL')?.message).toBe(
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
    );
    expect(problems.find((problem) => problem.variable === 'REDIS_URL')?.message).toMatch(/^REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(
      configFromEnv({
        DATABASE_URL: 'postgresql://u:p@db:5432/livechat',
        REDIS_URL: 'rediss://cache:6380',
        SMTP_URL: 'smtps://mail:465',
        LOG_LEVEL: 'debug',
        SEED_DEMO: 'false',
        METRICS_PORT: '9464',
      }),
    ).toMatchObject({
      databaseUrl: 'postgresql://u:p@db:5432/livechat',
      redisUrl: 'rediss://cache:6380',
      mail: { smtpUrl: 'smtps://mail:465' },
      logLevel: 'debug',
      seed: { demoContent: false },
      metrics: { port: 9464 },
    });
  });

  it('never prints a secret’s value, even a wrong one', () => {
    const env = {
      METRICS_TOKEN: 'short-tok',
      ATTACHMENT_URL_SECRET: 'tiny',
      ADMIN_PASSWORD: 'hunter2',
      DATABASE_URL: 'mysql://root:pa55word@db/x',
      SMTP_URL: 'ftp://u:mailpass@x',
    };
    let message = '';
    try {
      configFromEnv(env);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/Invalid configuration \(5 variables\)/);
    for (const [name, value] of Object.entries(env)) {
      expect(secretConfigVariables).toContain(name);
      expect(message).toContain(`${name} must be`);
      expect(message).not.toContain(value);
      expect(message).toContain(`a hidden value of ${value.length} characters`);
    }
    expect(message).not.toMatch(/hunter2|pa55word|mailpass/);
  });

  it('asks of ADMIN_PASSWORD what agents’ passwords need', () => {
    expect(MIN_PASSWORD_LENGTH).toBe(10);
    expect(problemsOf({ ADMIN_PASSWORD: 'x'.repeat(MIN_PASSWORD_LENGTH - 1) })[0]!.variable).toBe('ADMIN_PASSWORD');
    expect(configFromEnv({ ADMIN_EMAIL: 'boss@example.com', ADMIN_PASSWORD: 'x'.repeat(MIN_PASSWORD_LENGTH) }).seed).toEqual({
      adminEmail: 'boss@example.com',
      adminPassword: 'x'.repeat(MIN_PASSWORD_LENGTH),
      demoContent: true,
    });
  });

  it('takes an empty value as unset, and ignores variables it does not read', () => {
    const defaults = configFromEnv({});
    expect(configFromEnv({ PORT: '', IDLE_TIMEOUT_SECONDS: ' ', LOG_LEVEL: '', HOME: '/root', PATH: '/usr/bin' })).toEqual({
      ...defaults,
      log: expect.any(Function),
    });
    expect(defaults).toMatchObject({
      port: 4000,
      logLevel: 'info',
      shutdownGraceSeconds: 10,
      compressMinBytes: 1024,
      metrics: { token: null, port: null, host: '127.0.0.1' },
    });
  });

  it('takes WORKERS as auto (one per core) or a positive whole number, 1 by default, and refuses anything else by name', () => {
    expect(configFromEnv({}).workers).toBe(1);
    expect(configFromEnv({ WORKERS: '3' }).workers).toBe(3);
    expect(configFromEnv({ WORKERS: 'auto' }).workers).toBe(availableParallelism());
    for (const bad of ['0', '-2', '1.5', 'all', '2 workers'])
      expect(problemsOf({ WORKERS: bad }), bad).toEqual([
        { variable: 'WORKERS', message: `WORKERS must be "auto" or a whole number of processes from 1 to 1024, got "${bad}"` },
      ]);
  });

  it('moves the offline-form and identify limits into the configuration', () => {
    expect(configFromEnv({}).chat).toMatchObject({ offlineFormPerIp: { limit: 5, windowSeconds: 600 }, identifyPerVisitor: { limit: 10, windowSeconds: 60 } });
    expect(configFromEnv({ OFFLINE_FORM_LIMIT_PER_IP: '2', IDENTIFY_LIMIT_PER_VISITOR: '4' }).chat).toMatchObject({
      offlineFormPerIp: { limit: 2 },
      identifyPerVisitor: { limit: 4 },
    });
  });
});

/** The README's configuration table: each row names one or more `VARIABLES` and their `defaults`. */
function readmeConfigurationRows() {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Configuration\n'), readme.indexOf('\n## ', readme.indexOf('\n## Configuration\n') + 5));
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const [names = '', defaults = ''] = line.split(' | ');
      return {
        names: [...names.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((match) => match[1]!),
        defaults: [...defaults.matchAll(/`([^`]*)`/g)].map((match) => match[1]!),
        defaultCell: defaults,
      };
    });
}

describe('the README’s configuration table', () => {
  it('lists exactly the variables of the schema', () => {
    const documented = readmeConfigurationRows().flatMap((row) => row.names);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual([...configVariableNames].sort());
  });

  it('gives each variable the schema’s default', () => {
    for (const row of readmeConfigurationRows()) {
      const defaults = row.names.map((name) => configSchema.shape[name as keyof typeof configSchema.shape].safeParse(undefined).data);
      if (defaults.every((value) => value === undefined || (Array.isArray(value) && value.length === 0) || value === false)) continue;
      // One default per variable, in order, or one for them all.
      const documented = row.defaults.length === 1 ? row.names.map(() => row.defaults[0]) : row.defaults;
      defaults.forEach((value, index) => {
        if (value === undefined || value === null) expect(row.defaultCell, row.names[index]).toMatch(/unset|^`\.\/data`|</);
        else expect(documented[index], row.names[index]).toBe(String(value));
      });
    }
  });
});
