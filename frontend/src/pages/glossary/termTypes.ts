import type { GlossaryTermQuery } from '../../gql/graphql';

export type Term = NonNullable<GlossaryTermQuery['term']>;
/** One definition of a term, as the term page shows it. */
export type Def = Term['definitions'][number];
