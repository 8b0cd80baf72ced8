import { describe, expect, it, vi } from 'vitest';
import { getIntrospectionQuery, parse } from 'graphql';
import { FakeWebSocket } from '../test/fakeWebSocket';
import { createFetcher, LOGIN_HINT } from './fetcher';
import { limitTypeRefDepth } from './introspection';

const location = { protocol: 'https:', host: 'teilhabe.example.org' };

function collect<T>(result: unknown): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const seen: T[] = [];
    const iterable = result as AsyncIterable<T>;
    void (async () => {
      try {
        for await (const v of iterable) seen.push(v);
        resolve(seen);
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    })();
  });
}

describe('GraphiQL fetcher', () => {
  it('posts JSON to /graphql with the session cookie and the CSRF header', async () => {
    const fetchMock = vi.fn<typeof fetch>(() => Promise.resolve(Response.json({ data: { me: { id: '1' } } })));
    const fetcher = createFetcher(location, fetchMock);

    const result = await fetcher({ query: '{ me { id } }', operationName: null }, { documentAST: parse('{ me { id } }') });

    expect(result).toEqual({ data: { me: { id: '1' } } });
    expect(fetchMock).toHaveBeenCalledOnce();
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe('/graphql');
    expect(init?.method).toBe('POST');
    expect(init?.credentials).toBe('same-origin');
    expect(init?.headers).toMatchObject({ 'content-type': 'application/json', 'X-Teilhabe-Csrf': '1' });
    expect(JSON.parse(init?.body as string)).toMatchObject({ query: '{ me { id } }' });
  });

  it('asks for the schema with an introspection query the depth limit lets through', async () => {
    const fetchMock = vi.fn<typeof fetch>(() => Promise.resolve(Response.json({ data: {} })));
    const fetcher = createFetcher(location, fetchMock);

    await fetcher({ query: getIntrospectionQuery(), operationName: 'IntrospectionQuery' });

    const body = JSON.parse(fetchMock.mock.calls[0]?.[1]?.body as string) as { query: string };
    expect(body.query).toBe(limitTypeRefDepth(getIntrospectionQuery()));
    expect(fetchMock.mock.calls[0]?.[1]).toMatchObject({ credentials: 'same-origin', headers: { 'X-Teilhabe-Csrf': '1' } });
  });

  it('explains that the schema needs a login when the server withholds it', async () => {
    const fetchMock = vi.fn<typeof fetch>(() => Promise.resolve(Response.json({ data: { __schema: null } })));
    const fetcher = createFetcher(location, fetchMock);

    const result = await fetcher({ query: getIntrospectionQuery(), operationName: 'IntrospectionQuery' });

    expect((result as unknown as { errors: { message: string }[] }).errors.map((e) => e.message)).toEqual([LOGIN_HINT]);
    expect(result).not.toHaveProperty('data');
  });

  it('sends subscriptions over the same-origin socket with graphql-transport-ws', async () => {
    FakeWebSocket.reset();
    FakeWebSocket.onSubscribe = (id) => [
      { id, type: 'next', payload: { data: { tallyChanged: { yes: 2 } } } },
      { id, type: 'complete' },
    ];
    const fetchMock = vi.fn<typeof fetch>();
    const fetcher = createFetcher(location, fetchMock, FakeWebSocket as unknown as typeof WebSocket);
    const query = 'subscription Live { tallyChanged(proposalId: "p") { yes } }';

    const results = await collect(await fetcher({ query, operationName: 'Live' }, { documentAST: parse(query) }));

    expect(fetchMock).not.toHaveBeenCalled();
    expect(results).toEqual([{ data: { tallyChanged: { yes: 2 } } }]);
    expect(FakeWebSocket.all.map((s) => [s.url, s.protocol])).toEqual([['wss://teilhabe.example.org/graphql/ws', 'graphql-transport-ws']]);
  });
});
