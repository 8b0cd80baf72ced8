import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TypedDocumentString } from '../gql/graphql';
import { FakeWebSocket } from '../test/fakeWebSocket';
import { createSubscriber, reconnectDelay } from './subscriptions';

const Tally = 'subscription Tally($id: UUID!) { tallyChanged(proposalId: $id) { yes } }' as unknown as TypedDocumentString<
  { tallyChanged: { yes: number } },
  { id: string }
>;
const URL = 'wss://teilhabe.example.org/graphql/ws';

/** Lets queued microtasks and timers up to `ms` run. */
const settle = (ms = 0) => vi.advanceTimersByTimeAsync(ms);
const subscribes = (s: FakeWebSocket | undefined) => s?.sent.filter((m) => m.type === 'subscribe') ?? [];

describe('subscriptions (graphql-ws)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeWebSocket.reset();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('opens one same-origin socket for all subscriptions and passes on their data', async () => {
    const subscribe = createSubscriber(URL, FakeWebSocket, () => 0);
    const a = vi.fn();
    const b = vi.fn();
    subscribe(Tally, { id: 'p1' }, a);
    subscribe(Tally, { id: 'p2' }, b);
    await settle();

    expect(FakeWebSocket.all.map((s) => [s.url, s.protocol])).toEqual([[URL, 'graphql-transport-ws']]);
    const socket = FakeWebSocket.all[0];
    expect(socket?.sent[0]?.type).toBe('connection_init');
    const [first, second] = subscribes(socket);
    expect(first?.payload).toEqual({ query: String(Tally), variables: { id: 'p1' } });

    socket?.serverSends({ id: second?.id, type: 'next', payload: { data: { tallyChanged: { yes: 3 } } } });
    // An answer with errors only carries no data to pass on.
    socket?.serverSends({ id: first?.id, type: 'next', payload: { errors: [{ message: 'no' }] } });
    await settle();
    expect(b).toHaveBeenCalledWith({ tallyChanged: { yes: 3 } });
    expect(a).not.toHaveBeenCalled();
  });

  it('ends a subscription on the server and closes the socket after the last one', async () => {
    const subscribe = createSubscriber(URL, FakeWebSocket, () => 0);
    const stopA = subscribe(Tally, { id: 'p1' }, vi.fn());
    const stopB = subscribe(Tally, { id: 'p2' }, vi.fn());
    await settle();
    const socket = FakeWebSocket.all[0];
    const [first, second] = subscribes(socket);

    stopA();
    expect(socket?.operations()).toContain(`complete:${first?.id}`);
    stopB();
    expect(socket?.operations()).toContain(`complete:${second?.id}`);
    await settle(999);
    expect(socket?.readyState).toBe(FakeWebSocket.OPEN);
    await settle(1);
    expect(socket?.readyState).toBe(FakeWebSocket.CLOSED);
    expect(FakeWebSocket.all).toHaveLength(1);
  });

  it('reconnects after the server went away and subscribes again', async () => {
    const subscribe = createSubscriber(URL, FakeWebSocket, () => 0);
    const next = vi.fn();
    subscribe(Tally, { id: 'p1' }, next);
    await settle();
    FakeWebSocket.all[0]?.serverCloses(1006);

    await settle(reconnectDelay(0) - 1);
    expect(FakeWebSocket.all).toHaveLength(1);
    await settle(1);
    expect(FakeWebSocket.all).toHaveLength(2);
    const again = FakeWebSocket.all[1];
    expect(subscribes(again).map((m) => m.payload)).toEqual([{ query: String(Tally), variables: { id: 'p1' } }]);

    again?.serverSends({ id: subscribes(again)[0]?.id, type: 'next', payload: { data: { tallyChanged: { yes: 1 } } } });
    await settle();
    expect(next).toHaveBeenCalledWith({ tallyChanged: { yes: 1 } });
  });

  it('keeps trying while the server stays away, and stops once nobody listens', async () => {
    const subscribe = createSubscriber(URL, FakeWebSocket, () => 0);
    const stop = subscribe(Tally, { id: 'p1' }, vi.fn());
    await settle();
    for (let attempt = 0; attempt < 8; attempt++) {
      FakeWebSocket.all.at(-1)?.serverCloses(1006);
      await settle(reconnectDelay(attempt));
    }
    expect(FakeWebSocket.all).toHaveLength(9);

    stop();
    FakeWebSocket.all.at(-1)?.serverCloses(1006);
    await settle(60_000);
    expect(FakeWebSocket.all).toHaveLength(9);
  });

  it('waits longer after each failure, up to 3 s', () => {
    expect([0, 1, 2, 3, 10].map(reconnectDelay)).toEqual([500, 1000, 2000, 3000, 3000]);
  });
});
