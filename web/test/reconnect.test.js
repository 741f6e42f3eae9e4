// Reconnection: jittered exponential back-off with the same URL, then the floor subscription
// and the outstanding requests are restored; a request the server forgot is cancelled.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {backoffDelay} from '../src/index.js';
import {TransactionTable} from '../src/transactions.js';

import {acceptHandshake, connected, FakeWebSocket, flush, frs, reply} from './client_setup.js';
import {ManualClock} from './fake_websocket.js';

test('backoff: exponential steps up to maxDelayMs, the upper half jittered', () => {
  const o = {initialDelayMs: 500, maxDelayMs: 10000, maxAttempts: Infinity};
  assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7].map((a) => backoffDelay(a, o, () => 0)),
      [250, 500, 1000, 2000, 4000, 5000, 5000]);
  assert.deepEqual([1, 2, 6].map((a) => backoffDelay(a, o, () => 0.999999)), [500, 1000, 10000]);
});

test('transaction IDs are non-zero, wrap around after 65535 and skip outstanding ones', () => {
  const t = new TransactionTable(new ManualClock(), 1000);
  t.last = 65533;
  const a = t.begin('a', () => {}, () => {});
  const b = t.begin('b', () => {}, () => {});
  const c = t.begin('c', () => {}, () => {});
  assert.deepEqual([a, b, c], [65534, 65535, 1]);
  t.last = 65533;  // 65534, 65535 and 1 still outstanding
  assert.equal(t.nextId(), 2);
});

test(
    'a dropped connection reconnects with back-off, restores the subscription and re-queries requests',
    async () => {
      const {client, ws, clock, events} = await connected();
      const sub = client.subscribe([1, 2]);
      ws.serverSend(reply(ws.lastSent, 8, {floor: 1, requests: []}));
      await sub;
      const kept = client.requestFloor(1);
      ws.serverSend(frs(ws.lastSent.transaction, 5, 3));
      const forgotten = client.requestFloor(1);
      ws.serverSend(frs(ws.lastSent.transaction, 6, 1, 1));
      await Promise.all([kept.sent, forgotten.sent]);
      const inFlight = client.userQuery();

      ws.serverClose(1006);
      assert.equal(client.state, 'reconnecting');
      await assert.rejects(inFlight, {name: 'ConnectionClosed'});
      assert.deepEqual(
          events.at(-1),
          {type: 'reconnecting', detail: {attempt: 1, delayMs: 375, goingAway: false}});

      clock.advance(374);
      assert.equal(FakeWebSocket.instances.length, 1, 'not before the delay');
      clock.advance(1);
      assert.equal(FakeWebSocket.instances.length, 2);
      // The first attempt fails: the next waits twice as long.
      FakeWebSocket.last.serverClose(1006);
      await flush();
      assert.deepEqual(
          events.at(-1),
          {type: 'reconnecting', detail: {attempt: 2, delayMs: 750, goingAway: false}});
      clock.advance(750);
      const ws3 = FakeWebSocket.last;
      assert.equal(FakeWebSocket.instances.length, 3);
      assert.equal(ws3.url, ws.url, 'same URL and token');
      acceptHandshake();
      await flush();
      assert.equal(client.state, 'open');
      assert.deepEqual(events.filter((e) => e.type === 'open').at(-1)?.detail, {reconnected: true});

      const [, floorQuery, q5, q6] = ws3.sent;
      assert.deepEqual([floorQuery.primitive, floorQuery.floors], [7, [1, 2]]);
      assert.deepEqual([q5.primitive, q5.requestId, q6.primitive, q6.requestId], [3, 5, 3, 6]);
      ws3.serverSend(reply(floorQuery, 8, {floor: 1, requests: []}));
      ws3.serverSend(frs(q5.transaction, 5, 3));
      ws3.serverSend(reply(q6, 13, {code: 7, errorInfo: 'floor request 6 does not exist'}));
      await flush();
      assert.equal(kept.status, 'granted');
      assert.equal(forgotten.status, 'cancelled');
      assert.match(forgotten.statusInfo, /no longer knows request 6/);
      await assert.rejects(forgotten.granted(), {name: 'RequestEnded', status: 'cancelled'});
      assert.deepEqual(events.filter((e) => e.type === 'error'), []);
    });

test('a request unanswered when the connection drops fails with ConnectionClosed', async () => {
  const {client, ws} = await connected();
  const r = client.requestFloor(1);
  ws.serverClose(1006);
  await assert.rejects(r.sent, {name: 'ConnectionClosed'});
  assert.equal(client.state, 'reconnecting');
  await client.close();
  assert.equal(client.state, 'closed');
});

test('after maxAttempts failed attempts the client closes and cancels its requests', async () => {
  const {client, ws, clock, events} =
      await connected({reconnect: {initialDelayMs: 100, maxAttempts: 2}});
  const r = client.requestFloor(1);
  ws.serverSend(frs(ws.lastSent.transaction, 5, 1, 1));
  await r.sent;
  ws.serverClose(1006);
  for (let i = 0; i < 2; i++) {
    clock.advance(10000);
    FakeWebSocket.last.serverClose(1006);
    await flush();
  }
  assert.equal(client.state, 'closed');
  assert.equal(events.at(-1)?.type, 'close');
  assert.match(events.at(-1)?.detail.reason, /gave up after 2/);
  assert.equal(r.status, 'cancelled');
  assert.equal(FakeWebSocket.instances.length, 3);
});

test('reconnect.maxAttempts 0: a dropped connection closes the client', async () => {
  const {client, ws, events} = await connected({reconnect: {maxAttempts: 0}});
  ws.serverClose(1006);
  assert.equal(client.state, 'closed');
  assert.equal(events.at(-1)?.type, 'close');
});

test('close() while a reconnection completes its Hello leaves the client closed', async () => {
  const {client, ws, clock} = await connected();
  ws.serverClose(1006);
  clock.advance(375);
  assert.equal(client.state, 'reconnecting');
  // The HelloAck arrives and, one tick later, before the reconnection has taken note of it, the
  // page closes.
  acceptHandshake();
  await Promise.resolve();
  await client.close();
  await flush();
  assert.equal(client.state, 'closed');
  assert.notEqual(FakeWebSocket.last.readyState, 1, 'the new WebSocket is not left open');
});

test(
    'a Goodbye then a 1001 close (the server stopping) reconnects with the same token',
    async () => {
      const {client, ws, clock, events} = await connected();
      const sub = client.subscribe([1]);
      ws.serverSend(reply(ws.lastSent, 8, {floor: 1, requests: []}));
      await sub;
      const r = client.requestFloor(1);
      ws.serverSend(frs(ws.lastSent.transaction, 5, 3));
      await r.sent;

      ws.serverSend({primitive: 16, conference: 1, user: 3, transaction: 9});
      assert.deepEqual([ws.lastSent.primitive, ws.lastSent.transaction], [17, 9], 'GoodbyeAck');
      // Between the Goodbye and the close nothing more is sent.
      await assert.rejects(client.userQuery(), {name: 'ConnectionClosed'});
      ws.serverClose(1001);
      assert.equal(client.state, 'reconnecting');
      assert.deepEqual(
          events.at(-1),
          {type: 'reconnecting', detail: {attempt: 1, delayMs: 375, goingAway: true}});
      assert.equal(r.status, 'granted', 'the request waits for the new server to say');

      clock.advance(375);
      assert.equal(FakeWebSocket.last.url, ws.url, 'same URL and token');
      acceptHandshake();
      await flush();
      assert.equal(client.state, 'open');
      const [, floorQuery, q5] = FakeWebSocket.last.sent;
      assert.deepEqual([floorQuery.primitive, q5.primitive, q5.requestId], [7, 3, 5]);
      // The restarted server does not know request 5.
      FakeWebSocket.last.serverSend(reply(q5, 13, {code: 7, errorInfo: 'no request 5'}));
      await flush();
      assert.equal(r.status, 'cancelled');
      assert.equal(events.filter((e) => e.type === 'close').length, 0);
      // A later plain drop is not "going away".
      FakeWebSocket.last.serverClose(1006);
      assert.equal(events.at(-1)?.detail.goingAway, false);
      await client.close();
    });

test('a Goodbye then a 1000 close ends the client for good', async () => {
  const {client, ws, clock, events} = await connected();
  ws.serverSend({primitive: 16, conference: 1, user: 3, transaction: 9});
  ws.serverClose(1000);
  assert.equal(client.state, 'closed');
  assert.deepEqual(
      events.at(-1), {type: 'close', detail: {code: 1000, reason: 'the server said Goodbye'}});
  clock.advance(60000);
  assert.equal(FakeWebSocket.instances.length, 1, 'no reconnection');
});

test('a Goodbye without a close ends the client after a short wait', async () => {
  const {client, ws, clock, events} = await connected();
  ws.serverSend({primitive: 16, conference: 1, user: 3, transaction: 9});
  clock.advance(1999);
  assert.equal(client.state, 'open', 'still waiting for the close');
  clock.advance(1);
  assert.equal(client.state, 'closed');
  assert.equal(ws.closeCode, 1000);
  assert.equal(events.at(-1)?.type, 'close');
  clock.advance(60000);
  assert.equal(FakeWebSocket.instances.length, 1, 'no reconnection');
});

test('a Goodbye during a reconnection\'s Hello fails that attempt only', async () => {
  const {client, ws, clock, events} = await connected();
  ws.serverClose(1006);
  clock.advance(375);
  const attempt = FakeWebSocket.last;
  attempt.serverOpen();
  attempt.serverSend({primitive: 16, conference: 1, user: 3, transaction: 4});
  assert.equal(attempt.lastSent.primitive, 17, 'GoodbyeAck');
  attempt.serverClose(1000);
  await flush();
  assert.equal(client.state, 'reconnecting');
  assert.deepEqual(events.at(-1)?.detail, {attempt: 2, delayMs: 750, goingAway: false});
  clock.advance(60000);
  assert.equal(client.state, 'reconnecting', 'no Goodbye wait left behind');
  await client.close();
});
