import type { TypedDocumentString } from '../../gql/graphql';

/**
 * A minimal graphql-transport-ws client over the browser WebSocket (the protocol of
 * /graphql/ws): connection_init → connection_ack, then subscribe/next/error/complete per id,
 * answering pings. The session cookie authenticates the same-origin socket.
 * One socket carries all subscriptions of a page; it is closed when the last one ends.
 */
type Handler = { next: (data: unknown) => void; payload: { query: string; variables: unknown } };

let socket: WebSocket | null = null;
let acked = false;
let nextId = 1;
const handlers = new Map<string, Handler>();

function send(msg: object) {
  socket?.send(JSON.stringify(msg));
}

function open(): WebSocket {
  if (socket) return socket;
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql/ws`;
  const ws = new WebSocket(url, 'graphql-transport-ws');
  socket = ws;
  acked = false;
  ws.onopen = () => ws.send(JSON.stringify({ type: 'connection_init', payload: {} }));
  ws.onmessage = (ev: MessageEvent<string>) => {
    let msg: { type?: string; id?: string; payload?: { data?: unknown } };
    try {
      msg = JSON.parse(ev.data) as typeof msg;
    } catch {
      return;
    }
    switch (msg.type) {
      case 'connection_ack':
        acked = true;
        for (const [id, h] of handlers) ws.send(JSON.stringify({ id, type: 'subscribe', payload: h.payload }));
        break;
      case 'ping':
        ws.send(JSON.stringify({ type: 'pong' }));
        break;
      case 'next':
        if (msg.id && msg.payload?.data) handlers.get(msg.id)?.next(msg.payload.data);
        break;
      case 'error':
      case 'complete':
        if (msg.id) handlers.delete(msg.id);
        break;
    }
  };
  ws.onclose = () => {
    if (socket === ws) {
      socket = null;
      acked = false;
      // Reconnect after a pause while someone still listens (e.g. after a server restart).
      if (handlers.size > 0) setTimeout(() => handlers.size > 0 && open(), 3000);
    }
  };
  return ws;
}

/** Subscribes; returns the function that ends the subscription. */
export function subscribe<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  next: (data: TResult) => void,
): () => void {
  const id = String(nextId++);
  const payload = { query: document.toString(), variables };
  handlers.set(id, { next: (d) => next(d as TResult), payload });
  open();
  if (acked) send({ id, type: 'subscribe', payload });
  return () => {
    if (!handlers.delete(id)) return;
    if (acked) send({ id, type: 'complete' });
    if (handlers.size === 0 && socket) {
      const ws = socket;
      socket = null;
      ws.close(1000);
    }
  };
}
