/**
 * A WebSocket stand-in for unit tests of graphql-ws clients: it opens on the next microtask,
 * acknowledges `connection_init`, records what it was sent, and lets the test push server
 * messages (`serverSends`) or drop the connection (`serverCloses`).
 */
export class FakeWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  /** Every socket opened, oldest first. */
  static readonly all: FakeWebSocket[] = [];

  readyState = FakeWebSocket.CONNECTING;
  readonly sent: { type: string; id?: string; payload?: unknown }[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  /** Answers each `subscribe` with these messages (`id` filled in), if set. */
  static onSubscribe: ((id: string) => object[]) | null = null;

  constructor(
    readonly url: string,
    readonly protocol: string,
  ) {
    FakeWebSocket.all.push(this);
    queueMicrotask(() => {
      if (this.readyState !== FakeWebSocket.CONNECTING) return;
      this.readyState = FakeWebSocket.OPEN;
      this.onopen?.();
    });
  }

  static reset() {
    FakeWebSocket.all.length = 0;
    FakeWebSocket.onSubscribe = null;
  }

  send(data: string) {
    const msg = JSON.parse(data) as { type: string; id?: string; payload?: unknown };
    this.sent.push(msg);
    if (msg.type === 'connection_init') this.serverSends({ type: 'connection_ack' });
    if (msg.type === 'subscribe' && msg.id && FakeWebSocket.onSubscribe) {
      for (const m of FakeWebSocket.onSubscribe(msg.id)) this.serverSends(m);
    }
  }

  serverSends(message: object) {
    queueMicrotask(() => this.onmessage?.({ data: JSON.stringify(message) }));
  }

  serverCloses(code = 1011, reason = '') {
    if (this.readyState === FakeWebSocket.CLOSED) return;
    this.readyState = FakeWebSocket.CLOSED;
    this.onclose?.({ code, reason });
  }

  close(code = 1000, reason = '') {
    this.serverCloses(code, reason);
  }

  /** The ids and types of what the client sent, without connection messages. */
  operations(): string[] {
    return this.sent.filter((m) => m.type === 'subscribe' || m.type === 'complete').map((m) => `${m.type}:${m.id}`);
  }
}
