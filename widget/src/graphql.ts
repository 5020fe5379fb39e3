// gql.tada's types for the widget's operations, at no cost at run time: an operation is its text,
// sent as it is, so the bundle carries no GraphQL parser. `pnpm --filter widget typecheck`
// generates graphql-env.d.ts from schema.graphql and runs `gql.tada check`, which validates each
// graphql(`…`) document against the schema.
import type { DocumentDecoration, initGraphQLTada, ResultOf, setupSchema, VariablesOf } from 'gql.tada';

interface WidgetSchema {
  // graphql-env.d.ts (generated, not committed) puts the introspection of schema.graphql in gql.tada's setupSchema; read
  // from there rather than imported, because api/src/graphql/limits.test.ts imports operations.ts in a program without it.
  introspection: setupSchema['introspection'];
  scalars: { DateTime: string; File: File };
  // The widget reads its results whole: no fragment masking.
  disableMasking: true;
}

/** gql.tada's graphql(), for its types only. */
declare const tada: initGraphQLTada<WidgetSchema>;
type TadaFragment = NonNullable<Parameters<typeof tada>[1]>[number];

/** A document's text, with the types of its result and variables. */
export type TypedText<Result, Variables> = string & DocumentDecoration<Result, Variables>;

/** An operation's text, with the types gql.tada inferred for its result and variables (ResultOf, VariablesOf). */
export type Operation<Document extends DocumentDecoration = DocumentDecoration> = TypedText<ResultOf<Document>, VariablesOf<Document>> & {
  readonly __document?: Document;
};

// Never called, so the bundle drops it: calling tada here picks its overload for a document's text.
function parse<const Source extends string, const Fragments extends readonly TadaFragment[]>(source: Source, fragments: Fragments) {
  return tada(source, fragments);
}

type DocumentsOf<Fragments extends readonly string[]> = {
  [K in keyof Fragments]: Fragments[K] extends { readonly __document?: infer Document } ? NonNullable<Document> : never;
};
type Parsed<Source extends string, Fragments extends readonly string[]> =
  DocumentsOf<Fragments> extends infer Documents extends readonly TadaFragment[] ? ReturnType<typeof parse<Source, Documents>> : never;

/** A GraphQL document as its text, followed by the fragments it spreads. */
export const graphql = ((source: string, fragments: readonly string[] = []) => source + fragments.join('')) as <
  const Source extends string,
  const Fragments extends readonly string[] = [],
>(
  source: Source,
  fragments?: Fragments,
) => Operation<Parsed<Source, Fragments>>;

export type { ResultOf, VariablesOf };
