/// A loopback TCP relay in front of the server that can take the network away (every connection
/// severed, new ones refused) and give it back, while the server itself runs on.

import net from 'node:net';

export class NetworkRelay {
  #server = net.createServer((client) => this.#relay(client));
  #sockets = new Set();
  #target;
  #down = false;
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

  /// The network goes down: every relayed connection is destroyed (both sides), and new ones
  /// are closed at once until up().
  down() {
    this.#down = true;
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
  }

  /// The network is back: new connections are relayed again.
  up() {
    this.#down = false;
  }

  close() {
    this.down();
    this.#server.close();
  }

  #relay(client) {
    if (this.#down) {
      client.destroy();
      return;
    }
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
