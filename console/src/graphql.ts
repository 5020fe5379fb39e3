import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env.d.ts';

/**
 * Typed GraphQL documents: `graphql(\`query …\`)` infers result and variable types from
 * schema.graphql. `graphql-env.d.ts` is generated (`pnpm --filter console graphql-types`,
 * run by build, typecheck and test) and not committed.
 */
export const graphql = initGraphQLTada<{
  // Fragments type their spreads in place: components share fragments for consistent fields,
  // not to hide data from each other, so readFragment() is not needed (it still works).
  disableMasking: true;
  introspection: introspection;
  scalars: {
    DateTime: string;
    JSON: unknown;
    File: Blob;
  };
}>();

export type { FragmentOf, ResultOf, VariablesOf } from 'gql.tada';
export { readFragment } from 'gql.tada';
