/** Small real servers on 127.0.0.1 shared by the transport tests: socket tracking, listening, a CONNECT proxy. */
import type { IncomingMessage, Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/** Every socket the test's servers and tunnels hold (destroyed by the test when it ends). */
export const openSockets = new Set<Socket>();

const track = (s: Server) => s.on('connection', (c: Socket) => (openSockets.add(c), c.on('close', () => openSockets.delete(c))));

/** Listens on a free loopback port; its connections are tracked in `openSockets`. */
export async function listenOnLoopback(s: Server): Promise<number> {
  track(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as AddressInfo).port;
}

/** Makes `proxy` tunnel `CONNECT 127.0.0.1:port` (other hosts: 403); `onTunnel` sees each target. */
export function handleConnect(proxy: Server, onTunnel: (target: string) => void): void {
  proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    onTunnel(req.url!);
    const [host, port] = req.url!.split(':');
    if (host !== '127.0.0.1') return void client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    openSockets.add(upstream);
    upstream.on('close', () => openSockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
}
