import { graphql } from '../../gql';

export const SearchQueryDocument = graphql(`
  query Search($query: String!, $kinds: [SearchKind!]) {
    search(query: $query, kinds: $kinds, first: 50) {
      kind
      id
      title
      excerpt
      path
    }
  }
`);
