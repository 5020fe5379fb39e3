import SchemaBuilder, { BasePlugin, isThenable, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';

/**
 * Pothos runs argument mappers (the validation plugin's checks) before any plugin's resolver
 * wrapper, so scope-auth would answer a bad argument with VALIDATION before it answers a missing
 * login with UNAUTHENTICATED. This plugin keeps the order the checks had in the services: a
 * mapper's error is carried on the arguments and thrown inside scope-auth's wrapper, after
 * authorization passed.
 */

const REFUSED = Symbol('argument check failed');
type Args = Record<string | symbol, unknown>;

const refusal = (args: Args): unknown => (REFUSED in args ? args[REFUSED] : undefined);

function throwRefusal<T extends GraphQLFieldResolver<unknown, object, Args>>(resolver: T): T {
  return ((parent, args, context, info) => {
    if (REFUSED in args) throw refusal(args);
    return resolver(parent, args, context, info);
  }) as T;
}

export class AuthBeforeValidationPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    if (fieldConfig.argMappers.length === 0) return fieldConfig;
    return {
      ...fieldConfig,
      argMappers: fieldConfig.argMappers.map((mapper) => (args: Args, context, info) => {
        if (REFUSED in args) return args;
        try {
          const mapped = mapper(args, context, info);
          return isThenable(mapped) ? Promise.resolve(mapped).catch((error: unknown) => ({ [REFUSED]: error })) : mapped;
        } catch (error) {
          return { [REFUSED]: error };
        }
      }),
    };
  }

  override wrapResolve(resolver: GraphQLFieldResolver<unknown, Types['Context'], object>) {
    return throwRefusal(resolver);
  }

  override wrapSubscribe(subscribe: GraphQLFieldResolver<unknown, Types['Context'], object> | undefined) {
    return subscribe && throwRefusal(subscribe);
  }
}

declare global {
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      authBeforeValidation: AuthBeforeValidationPlugin<Types>;
    }
  }
}

const pluginName = 'authBeforeValidation';
SchemaBuilder.registerPlugin(pluginName, AuthBeforeValidationPlugin);
export default pluginName;
