/// A loopback TCP relay in front of the server that can sever every connection at once, the
/// way a network drop does, while the server itself runs on.

import net from 'node:net';

export class TcpCutter {
  #server = net.createServer((client) => this.#relay(client));
  #sockets = new Set();
  #target;
  port = 0;

  /// Relays to 127.0.0.1:`targetPort` (settable later through `target`).
  constructor(targetPort = 0) {
    this.#target = targetPort;
  }

  set target(port) {
    this.#target = port;
  }

  /// Listens on 127.0.0.1, port 0; resolves with the port.
  listen() {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => {
        this.port = this.#server.address().port;
        resolve(this.port);
      });
    });
  }

  /// Destroys every relayed connection (both sides); new ones are relayed as before.
  cut() {
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
  }

  close() {
    this.cut();
    this.#server.close();
  }

  #relay(client) {
    const upstream = net.connect(this.#target, '127.0.0.1');
    for (const [a, b] of [[client, upstream], [upstream, client]]) {
      this.#sockets.add(a);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        this.#sockets.delete(a);
        b.destroy();
      });
      a.pipe(b);
    }
  }
}
