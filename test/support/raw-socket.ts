import { WebSocket } from 'ws';

/**
 * A client speaking the raw graphql-transport-ws protocol over `ws`, so a test sees every frame
 * and close code (and can stop reading, as a slow consumer does).
 */
export interface RawSocket {
  ws: WebSocket;
  /** Messages received, parsed. */
  messages: { id?: string; type: string; payload?: any }[];
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves once `count` messages matching `match` have arrived. */
  waitFor(match: (m: { id?: string; type: string; payload?: any }) => boolean, count?: number): Promise<void>;
  subscribe(id: string, query: string, variables?: Record<string, unknown>): void;
}

export function rawSocket(url: string, params: Record<string, unknown>, localAddress?: string): RawSocket {
  const ws = new WebSocket(url, 'graphql-transport-ws', { localAddress });
  const messages: RawSocket['messages'] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data) => {
    messages.push(JSON.parse(String(data)));
    for (const w of [...waiters]) w();
  });
  ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: params })));
  ws.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => {
      resolve({ code, reason: String(reason) });
      for (const w of [...waiters]) w();
    }),
  );
  return {
    ws,
    messages,
    closed,
    waitFor(match, count = 1) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.filter(match).length >= count) {
            waiters.splice(waiters.indexOf(check), 1);
            resolve();
          } else if (ws.readyState === WebSocket.CLOSED) {
            waiters.splice(waiters.indexOf(check), 1);
            reject(new Error(`closed before ${count} matching messages: ${JSON.stringify(messages.slice(-3))}`));
          }
        };
        waiters.push(check);
        check();
      });
    },
    subscribe(id, query, variables) {
      ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query, ...(variables && { variables }) } }));
    },
  };
}

/** Waits for a condition the test cannot be told about (a server-side counter), checking every 20 ms. */
export async function until(condition: () => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const acked = (s: RawSocket) => s.waitFor((m) => m.type === 'connection_ack');
