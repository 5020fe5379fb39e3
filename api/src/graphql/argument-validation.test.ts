import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ValidationPlugin from '@pothos/plugin-validation';
import { execute, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { AppError, unauthenticated } from '../platform/errors';
import { checked, email, httpUrl, optionalText, text } from '../platform/validation';
import AuthBeforeValidationPlugin from './auth-before-validation';
import { argumentValidation } from './builder';

describe('a zod failure as an AppError', () => {
  const failure = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return error as AppError;
    }
    throw new Error('expected the check to fail');
  };

  it('is VALIDATION with `field: message` and the field in extensions, for the first failure', () => {
    const error = failure(() => checked(text('name', { max: 5 }), ' \u0007 '));
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toBe('name: must not be empty');
    expect(error.extensions).toEqual({ code: 'VALIDATION', field: 'name' });
    expect(failure(() => checked(text('name', { max: 5 }), 'Johanna')).message).toBe('name: must be at most 5 characters');
    expect(failure(() => checked(email('email'), 'not-an-address')).message).toBe('email: is not a valid email address');
    expect(failure(() => checked(httpUrl('photoUrl'), 'ftp://example.com/a.png')).message).toBe(
      'photoUrl: must be an absolute URL starting with https:// or http://',
    );
    expect(failure(() => checked(optionalText('nickname', 3), 'Jimmy')).message).toBe('nickname: must be at most 3 characters');
  });

  it('passes on the cleaned value when the check passes', () => {
    expect(checked(text('name', { max: 10 }), '  Jane\u0000 ')).toBe('Jane');
    expect(checked(optionalText('nickname', 10), '   ')).toBeNull();
    expect(checked(optionalText('nickname', 10), undefined)).toBeNull();
    expect(checked(email('email'), ' Jane@Example.COM ')).toBe('jane@example.com');
    expect(checked(httpUrl('photoUrl'), 'https://example.com')).toBe('https://example.com/');
    expect(checked(httpUrl('photoUrl'), '')).toBeNull();
  });
});

describe('argument checks through the validation plugin', () => {
  // The app's plugin order and error mapping, on a schema of one mutation.
  type Types = { Context: { loggedIn: boolean }; AuthScopes: { agent: boolean } };
  const options = {
    plugins: [ScopeAuthPlugin, AuthBeforeValidationPlugin, ValidationPlugin],
    scopeAuth: { authScopes: (ctx: Types['Context']) => ({ agent: ctx.loggedIn }), unauthorizedError: () => unauthenticated() },
    validation: argumentValidation,
  };
  // The cast: plugin-prisma's global types (loaded with the app's builder) require a prisma option, unused here.
  const builder = new SchemaBuilder<Types>(options as unknown as ConstructorParameters<typeof SchemaBuilder<Types>>[0]);
  builder.queryType({ fields: (t) => ({ ok: t.boolean({ resolve: () => true }) }) });
  builder.mutationType({
    fields: (t) => ({
      rename: t.string({
        authScopes: { agent: true },
        args: { name: t.arg.string({ required: true, validate: text('name', { max: 10 }) }) },
        resolve: (_root, { name }) => `[${name}]`,
      }),
    }),
  });
  const schema = builder.toSchema();
  const run = (name: string, loggedIn: boolean) =>
    execute({ schema, document: parse('mutation($name: String!) { rename(name: $name) }'), variableValues: { name }, contextValue: { loggedIn } });

  it('hands the resolver the transformed value', async () => {
    expect((await run('  Jane ', true)).data).toEqual({ rename: '[Jane]' });
  });

  it('answers a bad argument with the same VALIDATION error a service check gives', async () => {
    const [error] = (await run('   ', true)).errors!;
    expect(error!.message).toBe('name: must not be empty');
    expect(error!.extensions).toEqual({ code: 'VALIDATION', field: 'name' });
  });

  it('checks authorization first, as before: no login and a bad argument is UNAUTHENTICATED', async () => {
    const [error] = (await run('   ', false)).errors!;
    expect(error!.extensions.code).toBe('UNAUTHENTICATED');
  });
});
