/**
 * The address of the GraphQL WebSocket (graphql-transport-ws) on the page's own origin, so the
 * browser sends the session cookie with the upgrade and the server's origin check passes.
 */
export function graphqlSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql/ws`;
}
