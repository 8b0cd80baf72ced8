import { afterEach, describe, expect, it, vi } from 'vitest';
import { normalizeError, request, RequestError } from './client';
import { MeQuery } from '../session/operations';

describe('normalizeError', () => {
  it('keeps known codes and the last segment of the field path, and the whole path', () => {
    expect(
      normalizeError({ message: 'ungültig', extensions: { code: 'VALIDATION', field: 'input.email' } }),
    ).toEqual({ code: 'VALIDATION', message: 'ungültig', field: 'email', path: 'input.email' });
    expect(normalizeError({ message: 'x', extensions: { code: 'VALIDATION', field: 'breakdown[1].value' } }).path).toBe(
      'breakdown[1].value',
    );
  });

  it('maps unknown or missing codes to INTERNAL', () => {
    expect(normalizeError({ message: 'x', extensions: { code: 'WEIRD' } }).code).toBe('INTERNAL');
    expect(normalizeError({ message: 'x' }).code).toBe('INTERNAL');
  });
});

describe('request', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('posts JSON with the CSRF header and the session cookie', async () => {
    const fetchMock = vi.fn(() =>
      Promise.resolve(new Response(JSON.stringify({ data: { me: null } }), { status: 200 })),
    );
    vi.stubGlobal('fetch', fetchMock);
    await expect(request(MeQuery)).resolves.toEqual({ me: null });
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/graphql');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('same-origin');
    const headers = init.headers as Record<string, string>;
    expect(headers['Content-Type']).toBe('application/json');
    expect(headers['X-Teilhabe-Csrf']).toBe('1');
    expect(JSON.parse(init.body as string)).toMatchObject({ query: expect.stringContaining('query Me') as string });
  });

  it('throws a RequestError with the server codes', async () => {
    vi.stubGlobal('fetch', () =>
      Promise.resolve(
        new Response(
          JSON.stringify({ data: null, errors: [{ message: 'no', extensions: { code: 'FORBIDDEN' } }] }),
        ),
      ),
    );
    const err = await request(MeQuery).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestError);
    expect((err as RequestError).hasCode('FORBIDDEN')).toBe(true);
  });

  it('reports a network failure as NETWORK', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    const err = await request(MeQuery).catch((e: unknown) => e);
    expect((err as RequestError).errors[0]?.code).toBe('NETWORK');
  });
});
