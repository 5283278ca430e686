import { createServer as createHttpServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/*
 * DynamoDB endpoints that fail as a real one can, over real sockets: one that takes every
 * connection and request and never answers (a DynamoDB that hangs), and DynamoDB Local behind
 * a proxy that carries chosen requests out but never passes their answer back (a connection
 * lost after the write was made).
 */

export interface FaultyStore {
  /** The URL to give the bridge as its DynamoDB endpoint. */
  endpoint: string;
  /** Requests received (the silent one), or answers kept back (the lossy one). */
  count(): number;
  close(): Promise<void>;
}

/**
 * A DynamoDB that takes connections and reads whatever is sent, and never answers a byte.
 *
 * @example
 * const silent = await silentStore();
 * const store = createStore({ tableName: 'any', endpoint: silent.endpoint });
 */
export async function silentStore(): Promise<FaultyStore> {
  const sockets = new Set<Socket>();
  let requests = 0;
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk: Buffer) => (requests += chunk.toString('latin1').match(/^POST \/ HTTP\/1\.1\r$/gm)?.length ?? 0));
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    count: () => requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** What a lossy store looks at to pick the requests whose answers it loses. */
export interface StoreRequest {
  /** The DynamoDB operation, e.g. `UpdateItem`. */
  operation: string;
  /** The request's JSON body, as sent (keys and all). */
  body: string;
}

/**
 * DynamoDB Local (at `endpoint`) behind a proxy that passes every request on, and every answer
 * back except those to the requests `loses` picks: those are carried out, and their caller
 * waits in vain, as when a connection breaks after the write.
 *
 * @example
 * const lossy = await lossyStore(table.endpoint, (r) => r.operation === 'UpdateItem' && r.body.includes('TIMERS#'));
 */
export async function lossyStore(endpoint: string, loses: (request: StoreRequest) => boolean): Promise<FaultyStore> {
  const target = new URL(endpoint);
  let lost = 0;
  const server = createHttpServer((req, res) => {
    void readBody(req).then((body) => {
      const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
      const onward = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        if (loses({ operation, body })) {
          lost += 1;
          answer.resume();
          return;
        }
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(res);
      });
      onward.on('error', () => res.destroy());
      onward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    count: () => lost,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
