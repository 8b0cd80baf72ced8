/**
 * GraphQL subscriptions over /graphql/ws with graphql-ws (graphql-transport-ws protocol). The
 * socket is same-origin, so the browser sends the session cookie with the upgrade and the
 * server authenticates it. One socket carries all subscriptions of the page; it opens with the
 * first and closes shortly after the last. A dropped connection (e.g. a server restart) is
 * reopened, with its subscriptions, for as long as someone still listens.
 */
import { createClient } from 'graphql-ws';
import type { TypedDocumentString } from '../gql/graphql';
import { graphqlSocketUrl } from './socketUrl';

export type Subscribe = <TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  next: (data: TResult) => void,
) => () => void;

/** Pause before reconnect attempt `retries` (0-based): 0.5 s, 1 s, 2 s, then every 3 s. */
export function reconnectDelay(retries: number): number {
  return Math.min(500 * 2 ** retries, 3000);
}

export function createSubscriber(url: string, webSocketImpl?: unknown, random: () => number = Math.random): Subscribe {
  const client = createClient({
    url,
    webSocketImpl,
    lazy: true,
    // A re-render that swaps one subscription for another keeps the socket.
    lazyCloseTimeout: 1000,
    retryAttempts: Infinity,
    // Jitter, so that clients do not all come back at the same instant after a restart.
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, reconnectDelay(retries) + random() * 500)),
  });
  return (document, variables, next) =>
    client.subscribe(
      { query: document.toString(), variables: variables as Record<string, unknown> },
      {
        next: (result) => {
          if (result.data) next(result.data as Parameters<typeof next>[0]);
        },
        // A refused subscription leaves the page as it was loaded, as a missed event does.
        error: () => undefined,
        complete: () => undefined,
      },
    );
}

let shared: Subscribe | undefined;

/** Subscribes on the page's socket; returns the function that ends the subscription. */
export const subscribe: Subscribe = (document, variables, next) => {
  shared ??= createSubscriber(graphqlSocketUrl(window.location));
  return shared(document, variables, next);
};
