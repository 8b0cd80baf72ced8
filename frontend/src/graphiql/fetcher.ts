/**
 * How GraphiQL talks to the server: the same transport as the app (`src/lib/client.ts`):
 * POST application/json to /graphql with the session cookie and the CSRF header the cookie
 * session requires, and subscriptions over /graphql/ws (graphql-transport-ws).
 */
import {
  createGraphiQLFetcher,
  type Fetcher,
  type FetcherOpts,
  type FetcherParams,
} from '@graphiql/toolkit';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { createClient } from 'graphql-ws';
import { graphqlSocketUrl } from '../lib/socketUrl';
import { limitTypeRefDepth } from './introspection';

export function createFetcher(
  location: Pick<Location, 'protocol' | 'host'>,
  // Injected by tests; the page uses the browser's.
  baseFetch: typeof fetch = (input, init) => fetch(input, init),
  socket: typeof WebSocket | undefined = undefined,
): Fetcher {
  const fetcher = createGraphiQLFetcher({
    url: '/graphql',
    headers: { 'X-Teilhabe-Csrf': '1' },
    fetch: (input, init) => baseFetch(input, { ...init, credentials: 'same-origin' }),
    // The server answers in one piece (no @defer/@stream); a plain POST is all it needs.
    enableIncrementalDelivery: false,
    // Lazy: the socket opens with the first subscription and closes after the last one.
    wsClient: createClient({ url: graphqlSocketUrl(location), lazy: true, webSocketImpl: socket }),
  });
  // GraphiQL's own introspection query nests deeper than the server's depth limit allows.
  const introspect = async (params: FetcherParams, opts?: FetcherOpts): Promise<ExecutionResult> => {
    const result = (await fetcher({ ...params, query: limitTypeRefDepth(params.query) }, opts)) as ExecutionResult;
    // The server answers introspection only for logged-in people; say so instead of GraphiQL's
    // "invalid introspection result".
    if (result.data && result.data.__schema === null) return { errors: [new GraphQLError(LOGIN_HINT)] };
    return result;
  };
  return (params, opts) => (params.operationName === 'IntrospectionQuery' ? introspect(params, opts) : fetcher(params, opts));
}

export const LOGIN_HINT =
  'The schema is shown to logged-in users only. Log in at /login (same browser), then reload this page.';

