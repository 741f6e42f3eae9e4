// BfcpClient against a fake WebSocket: the handshake, a floor request's life, errors, timeouts,
// server Goodbye, concurrent transactions, garbage from the server.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {BfcpDecodeError, BfcpError} from '../src/index.js';

import {
  acceptHandshake,
  connected,
  FakeWebSocket,
  flush,
  frs,
  makeClient,
  reply
} from './client_setup.js';

test(
    'connect opens the sub-protocol "bfcp" in binary mode, sends Hello, resolves on HelloAck',
    async () => {
      const {client, events} = makeClient();
      assert.equal(client.state, 'closed');
      const p = client.connect();
      assert.equal(client.state, 'connecting');
      const ws = FakeWebSocket.last;
      assert.equal(ws.url, 'wss://example.test/bfcp?token=T');
      assert.equal(ws.protocols, 'bfcp');
      assert.equal(ws.binaryType, 'arraybuffer');
      acceptHandshake();
      await p;
      assert.equal(client.state, 'open');
      const hello = ws.sent[0];
      assert.deepEqual(
          [hello.primitive, hello.conference, hello.user, hello.version], [11, 1, 3, 1]);
      assert.notEqual(hello.transaction, 0);
      assert.deepEqual(events, [{type: 'open', detail: {reconnected: false}}]);
    });

test(
    'connect rejects when the connection closes during the handshake, or no HelloAck comes',
    async () => {
      const a = makeClient();
      const p1 = a.client.connect();
      FakeWebSocket.last.serverClose(1006);
      await assert.rejects(p1, {name: 'ConnectionClosed'});
      assert.equal(a.client.state, 'closed');

      const b = makeClient();
      const p2 = b.client.connect();
      FakeWebSocket.last.serverOpen();
      b.clock.advance(5000);
      await assert.rejects(p2, {name: 'Timeout'});
      assert.equal(b.client.state, 'closed');
      assert.equal(FakeWebSocket.last.closeCode, 1000);
    });

test('a floor request: Pending at position 2 → Granted → release → Released', async () => {
  const {client, ws, events} = await connected();
  const r = client.requestFloor(1, {priority: 'high', info: 'slides'});
  const req = ws.lastSent;
  assert.deepEqual(
      [req.primitive, req.floors, req.priority, req.participantInfo], [1, [1], 3, 'slides']);
  /** @type {any[]} */
  const seen = [];
  r.addEventListener('status', (e) => seen.push(/** @type {any} */ (e).detail));

  ws.serverSend(frs(req.transaction, 5, 1, 2));
  const first = await r.sent;
  assert.deepEqual([first.requestId, first.status, first.queuePosition], [5, 'pending', 2]);
  assert.deepEqual([r.id, r.status, r.queuePosition], [5, 'pending', 2]);

  const granted = r.granted();
  ws.serverSend(frs(0, 5, 3, 0, 'you present'));
  const g = await granted;
  assert.deepEqual([g.status, g.statusInfo, r.status], ['granted', 'you present', 'granted']);

  const released = r.release();
  await flush();
  const rel = ws.lastSent;
  assert.deepEqual([rel.primitive, rel.requestId], [2, 5]);
  ws.serverSend(frs(rel.transaction, 5, 6));
  assert.equal((await released).status, 'released');
  assert.equal(r.status, 'released');
  assert.deepEqual(seen.map((d) => d.status), ['pending', 'granted', 'released']);
  assert.deepEqual(
      events.filter((e) => e.type === 'requeststatus').map((e) => e.detail.status),
      ['pending', 'granted', 'released']);
  assert.deepEqual(
      await r.release(), {requestId: 5, status: 'released', queuePosition: 0, statusInfo: ''},
      'releasing again answers at once');
});

test('granted() rejects with RequestEnded when the request is denied first', async () => {
  const {client, ws} = await connected();
  const r = client.requestFloor(1);
  const granted = r.granted();
  ws.serverSend(frs(ws.lastSent.transaction, 6, 4, 0, 'busy'));
  await assert.rejects(granted, {name: 'RequestEnded', status: 'denied', statusInfo: 'busy'});
});

test('Error 5 becomes a BfcpError UnauthorizedOperation with the ERROR-INFO', async () => {
  const {client, ws} = await connected();
  const action =
      client.chairAction({requestId: 5, floor: 1, status: 'revoked', info: 'time is up'});
  const sent = ws.lastSent;
  assert.equal(sent.primitive, 9);
  assert.deepEqual(
      sent.info,
      {id: 5, floors: [{floor: 1, status: 7, queuePosition: 0, statusInfo: 'time is up'}]});
  ws.serverSend(reply(sent, 13, {code: 5, errorInfo: 'user 3 does not chair floor 1'}));
  await assert.rejects(action, (/** @type {any} */ e) => {
    assert.ok(e instanceof BfcpError);
    assert.equal(e.name, 'UnauthorizedOperation');
    assert.equal(e.code, 5);
    assert.equal(e.info, 'user 3 does not chair floor 1');
    return true;
  });

  const r = client.requestFloor(9);
  ws.serverSend(reply(ws.lastSent, 13, {code: 6, errorInfo: 'floor 9 does not exist'}));
  await assert.rejects(r.sent, {name: 'InvalidFloorId', code: 6});
  await assert.rejects(r.granted(), {name: 'InvalidFloorId'});
});

test('ChairActionAck resolves chairAction', async () => {
  const {client, ws} = await connected();
  const action = client.chairAction({requestId: 5, floor: 1, status: 'accepted'});
  ws.serverSend(reply(ws.lastSent, 10));
  assert.equal(await action, undefined);
});

test(
    'no answer within requestTimeoutMs rejects with a Timeout error; a late answer is ignored',
    async () => {
      const {client, ws, clock, events} = await connected({requestTimeoutMs: 2000});
      const q = client.userQuery(9);
      const sent = ws.lastSent;
      assert.deepEqual([sent.primitive, sent.beneficiary], [5, 9]);
      clock.advance(1999);
      await flush();
      clock.advance(1);
      await assert.rejects(
          q,
          (/** @type {any} */ e) =>
              e instanceof BfcpError && e.name === 'Timeout' && /2000 ms/.test(e.info));
      ws.serverSend(reply(sent, 6, {requests: []}));
      assert.equal(client.state, 'open');
      assert.deepEqual(events.filter((e) => e.type === 'error'), []);
    });

test(
    'several outstanding transactions, answered out of order, each get their own answer',
    async () => {
      const {client, ws} = await connected();
      const user = client.userQuery();
      const query = client.requestQuery(5);
      const sub = client.subscribe([1]);
      const [u, q, s] = ws.sent.slice(-3);
      assert.equal(new Set([u.transaction, q.transaction, s.transaction]).size, 3);
      assert.ok([u, q, s].every((m) => m.transaction !== 0));
      ws.serverSend(reply(s, 8, {floor: 1, requests: []}));
      ws.serverSend({...frs(q.transaction, 5, 2, 1)});
      ws.serverSend(reply(u, 6, {
        beneficiaryInfo: {id: 3, displayName: 'me'},
        requests: [{id: 5, floors: [{floor: 1, status: 2, queuePosition: 1}]}],
      }));
      assert.deepEqual(await sub, {floor: 1, holders: [], queue: [], requests: []});
      const qd = await query;
      assert.deepEqual([qd.requestId, qd.status, qd.queuePosition], [5, 'accepted', 1]);
      const ud = await user;
      assert.equal(ud.user?.displayName, 'me');
      assert.deepEqual(ud.requests.map((d) => [d.requestId, d.status]), [[5, 'accepted']]);
    });

test('FloorStatus notifications become floorstatus events with holders and queue', async () => {
  const {client, ws, events} = await connected();
  const sub = client.subscribe([1]);
  assert.deepEqual(ws.lastSent.floors, [1]);
  ws.serverSend(reply(ws.lastSent, 8, {floor: 1, requests: []}));
  await sub;
  ws.serverSend({
    primitive: 8,
    conference: 1,
    user: 3,
    transaction: 0,
    floor: 1,
    requests: [
      {
        id: 7,
        floors: [{floor: 1, status: 1, queuePosition: 2}],
        beneficiary: {id: 4, displayName: 'Dee'}
      },
      {id: 5, floors: [{floor: 1, status: 3}], beneficiary: {id: 3, displayName: 'me'}},
      {id: 6, floors: [{floor: 1, status: 2, queuePosition: 1}], requestedBy: {id: 2}},
    ],
  });
  const d = events.filter((e) => e.type === 'floorstatus').at(-1)?.detail;
  assert.deepEqual(d.holders, [{requestId: 5, user: 3, displayName: 'me', status: 'granted'}]);
  assert.deepEqual(
      d.queue.map((/** @type {any} */ q) => [q.requestId, q.user, q.position, q.status]),
      [[6, 2, 1, 'accepted'], [7, 4, 2, 'pending']]);
});

test('a Goodbye from the server is answered with GoodbyeAck and closes for good', async () => {
  const {client, ws, events} = await connected();
  const r = client.requestFloor(1);
  ws.serverSend(frs(ws.lastSent.transaction, 5, 3));
  await r.sent;
  ws.serverSend({primitive: 16, conference: 1, user: 3, transaction: 77});
  const ack = ws.lastSent;
  assert.deepEqual([ack.primitive, ack.transaction], [17, 77]);
  // The server closes with 1000 (participant removed): this participant is done.
  ws.serverClose(1000);
  assert.equal(client.state, 'closed');
  assert.equal(r.status, 'cancelled');
  assert.deepEqual(
      events.at(-1), {type: 'close', detail: {code: 1000, reason: 'the server said Goodbye'}});
  assert.equal(FakeWebSocket.instances.length, 1, 'no reconnection');
});

test('close() sends Goodbye, waits for GoodbyeAck and closes with 1000', async () => {
  const {client, ws, events} = await connected();
  const closing = client.close();
  const bye = ws.lastSent;
  assert.equal(bye.primitive, 16);
  ws.serverSend(reply(bye, 17));
  await closing;
  assert.equal(ws.closeCode, 1000);
  assert.equal(client.state, 'closed');
  assert.equal(events.at(-1)?.type, 'close');
  await assert.rejects(client.requestFloor(1).sent, {name: 'ConnectionClosed'});
});

test(
    'a garbage frame from the server is an error event, not a crash; the client goes on',
    async () => {
      const {client, ws, events} = await connected();
      ws.serverSendRaw(Uint8Array.from([0x20, 0x04, 0x00, 0x09, 1, 2, 3]));
      ws.serverSendRaw(Uint8Array.from([0x60, 0x0b, 0, 0, 0, 0, 0, 1, 0, 1, 0, 3]));  // version 3
      ws.serverSendRaw('not binary');
      ws.serverSend({primitive: 8, conference: 2, user: 3, transaction: 0});  // another conference
      const errors = events.filter((e) => e.type === 'error').map((e) => e.detail);
      assert.equal(errors.length, 4);
      assert.ok(errors.every((e) => e instanceof BfcpDecodeError));
      assert.match(errors[0].reason, /truncated header/);
      assert.equal(errors[1].code, 12);
      assert.match(errors[2].reason, /text frame/);
      assert.equal(client.state, 'open');
      const q = client.requestQuery(5);
      ws.serverSend(frs(ws.lastSent.transaction, 5, 1, 1));
      assert.equal((await q).status, 'pending');
    });

test('an Error no request waits for is an error event', async () => {
  const {ws, events} = await connected();
  ws.serverSend(
      {primitive: 13, conference: 1, user: 3, transaction: 0, code: 9, errorInfo: 'use TLS'});
  const e = events.at(-1);
  assert.equal(e?.type, 'error');
  assert.equal(e?.detail.name, 'UseTls');
});
