/// Shared setup of the client tests: a BfcpClient on a FakeWebSocket and a manual clock, and the
/// server's side of the Hello exchange.

import {BfcpClient} from '../src/index.js';

import {FakeWebSocket, flush, ManualClock} from './fake_websocket.js';

export const CONF = 1;
export const USER = 3;

/**
 * @param {object} [extra] more BfcpClient options
 */
export function makeClient(extra = {}) {
  FakeWebSocket.reset();
  const clock = new ManualClock();
  const client = new BfcpClient({
    url: 'wss://example.test/bfcp?token=T',
    conference: CONF,
    user: USER,
    WebSocket: /** @type {any} */ (FakeWebSocket),
    timers: clock,
    random: () => 0.5,
    ...extra,
  });
  /** @type {Array<{type: string, detail: any}>} */
  const events = [];
  for (const type of ['open', 'close', 'reconnecting', 'error', 'floorstatus', 'requeststatus'])
    client.addEventListener(
        type, (e) => events.push({type, detail: /** @type {any} */ (e).detail}));
  return {client, clock, events};
}

/**
 * Plays the server's side of the newest socket's handshake: open, expect Hello, answer HelloAck.
 * @returns {FakeWebSocket}
 */
export function acceptHandshake() {
  const ws = FakeWebSocket.last;
  ws.serverOpen();
  const hello = ws.lastSent;
  if (hello?.primitive !== 11) throw new Error(`expected Hello, got ${JSON.stringify(hello)}`);
  ws.serverSend(reply(hello, 12, {supportedPrimitives: [1, 2, 3], supportedAttributes: [1, 2]}));
  return ws;
}

/**
 * @param {object} [extra]
 */
export async function connected(extra) {
  const setup = makeClient(extra);
  const p = setup.client.connect();
  const ws = acceptHandshake();
  await p;
  return {...setup, ws};
}

/**
 * The server's answer to `req` (same transaction).
 * @param {any} req
 * @param {number} primitive
 * @param {object} [body]
 */
export function reply(req, primitive, body = {}) {
  return {primitive, conference: CONF, user: USER, transaction: req.transaction, ...body};
}

/**
 * A FloorRequestStatus for request `id` on floor 1.
 * @param {number} transaction
 * @param {number} id
 * @param {number} status
 * @param {number} [queuePosition]
 * @param {string} [statusInfo]
 */
export function frs(transaction, id, status, queuePosition = 0, statusInfo) {
  return {
    primitive: 4,
    conference: CONF,
    user: USER,
    transaction,
    info: {id, floors: [{floor: 1, status, queuePosition, statusInfo}]},
  };
}

export {FakeWebSocket, flush};
