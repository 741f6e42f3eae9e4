// The library against the real server: floorctl (FLOORCTL_BINARY, set by CTest) on loopback
// port 0, clients on the small Node WebSocket of node_websocket.js. A floor request's life,
// an Error reply, a dropped connection restored, a chair's revocation, the server's Goodbye
// (removal: closed for good; shutdown: reconnecting).
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import https from 'node:https';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';

import {BfcpClient} from '../src/index.js';

import {NodeWebSocket} from './node_websocket.js';

const CONFIG = `io_threads = 1
[websocket]
listen = "127.0.0.1:0"
[[conference]]
id = 1
chair_users = [9]
reconnect_grace = "30s"
[[conference.floor]]
id = 1
[logging]
format = "json"
`;

/** Starts floorctl and resolves with its port once it listens. */
function startServer() {
  const bin = process.env.FLOORCTL_BINARY;
  assert.ok(bin, 'FLOORCTL_BINARY must name the floorctl binary (CTest sets it)');
  const dir = mkdtempSync(join(tmpdir(), 'floorctl-web-e2e-'));
  writeFileSync(join(dir, 'floorctl.conf'), CONFIG);
  const proc =
      spawn(bin, ['--config', join(dir, 'floorctl.conf')], {stdio: ['ignore', 'pipe', 'pipe']});
  let output = '';
  const port = new Promise((resolve, reject) => {
    const timer =
        setTimeout(() => reject(new Error(`no "(port N)" line in 30 s:\n${output}`)), 30000);
    const onData = (/** @type {Buffer} */ d) => {
      output += d.toString();
      const m = /\(port (\d+)\)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`floorctl exited (${code}):\n${output}`)));
  });
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const kill = setTimeout(() => proc.kill('SIGKILL'), 5000);
      proc.kill('SIGTERM');
      await exited;
      clearTimeout(kill);
    }
    rmSync(dir, {recursive: true, force: true});
  };
  return {port, stop};
}

/**
 * @param {number} port
 * @param {string} method
 * @param {string} path
 * @param {object} [body]
 * @returns {Promise<{status: number, json: any}>}
 */
function api(port, method, path, body) {
  return new Promise((resolve, reject) => {
    const req = https.request(
        {host: '127.0.0.1', port, path, method, rejectUnauthorized: false, timeout: 15000},
        (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on(
              'end',
              () => resolve({status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null}));
        });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer`)));
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

/**
 * Resolves with the detail of the next `type` event that satisfies `pred` (15 s at most: the suite
 * may run beside sanitizer builds).
 * @param {EventTarget} target
 * @param {string} type
 * @param {(d: any) => boolean} [pred]
 * @returns {Promise<any>}
 */
function next(target, type, pred = () => true) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching '${type}' event in 15 s`)), 15000);
    /** @param {Event} e */
    const on = (e) => {
      const d = /** @type {any} */ (e).detail;
      if (!pred(d)) return;
      clearTimeout(timer);
      target.removeEventListener(type, on);
      resolve(d);
    };
    target.addEventListener(type, on);
  });
}

test(
    'the client against floorctl: request, queue, error, reconnection, chair, Goodbye',
    async () => {
      const server = startServer();
      /** @type {BfcpClient[]} */
      const clients = [];
      try {
        const port = await server.port;
        /** @type {NodeWebSocket[]} */
        const sockets = [];
        class RecordedWebSocket extends NodeWebSocket {
          /** @param {string} url @param {string} protocol */
          constructor(url, protocol) {
            super(url, protocol);
            sockets.push(this);
          }
        }
        /** @param {object} body */
        const join = async (body) => {
          const {status, json} = await api(port, 'POST', '/api/conferences/1/participants', body);
          assert.equal(status, 201, JSON.stringify(json));
          const u = new URL(json.websocket_uri);
          const client = new BfcpClient({
            url: `wss://127.0.0.1:${port}${u.pathname}${u.search}`,
            conference: json.confid,
            user: json.userid,
            WebSocket: /** @type {any} */ (RecordedWebSocket),
            requestTimeoutMs: 15000,
            reconnect: {initialDelayMs: 50, maxDelayMs: 200, maxAttempts: 20},
          });
          clients.push(client);
          await client.connect();
          return {client, user: json.userid, socket: sockets.at(-1)};
        };

        const alice = await join({display_name: 'Alice'});
        assert.equal(alice.socket?.protocol.toLowerCase(), 'bfcp');
        const empty = await alice.client.subscribe([1]);
        assert.deepEqual([empty.floor, empty.holders, empty.queue], [1, [], []]);
        const ra = alice.client.requestFloor(1, {info: 'slides'});
        assert.equal((await ra.granted()).status, 'granted');

        const bob = await join({display_name: 'Bob'});
        const queued = next(alice.client, 'floorstatus', (d) => d.queue.length === 1);
        const rb = bob.client.requestFloor(1);
        const first = await rb.sent;
        assert.equal(first.status, 'pending');
        assert.ok(first.queuePosition >= 1);
        const fs = await queued;
        // FloorStatus names every request's beneficiary (BENEFICIARY-INFORMATION).
        assert.deepEqual(
            fs.holders.map((/** @type {any} */ h) => [h.requestId, h.status, h.displayName]),
            [[ra.id, 'granted', 'Alice']]);
        assert.deepEqual(
            fs.queue.map(
                (/** @type {any} */ q) => [q.requestId, q.status, q.position, q.displayName]),
            [[rb.id, 'pending', first.queuePosition, 'Bob']]);

        await assert.rejects(bob.client.requestQuery(999), (/** @type {any} */ e) => {
          assert.equal(e.name, 'FloorRequestIdDoesNotExist');
          assert.equal(e.code, 7);
          assert.ok(e.info.length > 0);
          return true;
        });

        // Alice's connection drops: the client reconnects with the same token, subscribes again and
        // finds its granted request (reconnect_grace keeps it).
        const reopened = next(alice.client, 'open', (d) => d.reconnected);
        const restored = next(alice.client, 'requeststatus', (d) => d.requestId === ra.id);
        const resubscribed = next(alice.client, 'floorstatus');
        alice.socket?.socket.destroy();
        await next(alice.client, 'reconnecting');
        await reopened;
        assert.equal((await restored).status, 'granted');
        await resubscribed;
        assert.equal(ra.status, 'granted');

        // The chair revokes Alice's floor: Bob is granted.
        const chair = await join({user_id: 9, chair: true, display_name: 'Chair'});
        const ended = ra.granted();  // already granted: resolves at once
        await ended;
        const revoked = next(ra, 'status', (d) => d.status === 'revoked');
        await chair.client.chairAction({
          requestId: /** @type {number} */ (ra.id),
          floor: 1,
          status: 'revoked',
          info: 'time is up'
        });
        assert.equal((await revoked).status, 'revoked');
        assert.equal((await rb.granted()).status, 'granted');

        // The operator removes Bob: the server says Goodbye, the client closes for good.
        const closed = next(bob.client, 'close');
        assert.equal(
            (await api(port, 'DELETE', `/api/conferences/1/participants/${bob.user}`)).status, 204);
        assert.match((await closed).reason, /Goodbye/);
        assert.equal(bob.client.state, 'closed');

        // The server stops (SIGTERM): Goodbye, then a 1001 close. The server is going away, not
        // done with Alice: her client tries again instead of closing.
        const goingAway = next(alice.client, 'reconnecting');
        await server.stop();
        assert.equal((await goingAway).goingAway, true);
        assert.equal(alice.client.state, 'reconnecting');

        await alice.client.close();
        await chair.client.close();
        assert.equal(alice.client.state, 'closed');
      } finally {
        for (const c of clients)
          if (c.state !== 'closed') await c.close().catch(() => {});
        await server.stop();
      }
    });
