import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type HostOptions, createHostServer } from '../../src/main/host/server';

export interface ServedHost {
  server: Server;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** Drops open connections (event streams) and stops listening. */
  close(): Promise<void>;
}

/** The browser host's HTTP server around a core, in this process, on a free loopback port. */
export async function serveHost(options: HostOptions): Promise<ServedHost> {
  const server = createHostServer(options);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
