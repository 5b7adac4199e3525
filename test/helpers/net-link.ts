import { type Server, type Socket, connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { listen } from '../cloud/server';

/**
 * One PC's own line to the cloud: a TCP forwarder on 127.0.0.1 that can be cut and restored, so a
 * test decides which PC is online when (stopping the cloud itself cuts every PC at once).
 */
export class NetLink {
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async open(targetPort: number): Promise<NetLink> {
    let link: NetLink | null = null;
    const server = createServer((client) => {
      const upstream = connect(targetPort, '127.0.0.1');
      link!.track(client);
      link!.track(upstream);
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await listen(server, 0);
    link = new NetLink(server, (server.address() as AddressInfo).port);
    return link;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The line is cut: open connections drop, new ones are refused. */
  async down(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  async up(): Promise<void> {
    if (!this.server.listening) await listen(this.server, this.port);
  }

  private track(s: Socket): void {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
  }
}
