// web/app/presenter.js without a browser: a scripted client and screen capture drive every
// path of your own floor request (grant, queue, denial, revocation, a cancelled picker, a grant
// that needs a click, a reconnection that kept or lost the request) and the DOM events it
// announces to an integrator.

import assert from 'node:assert/strict';
import {beforeEach, test} from 'node:test';

import {Presenter} from '../../web/app/presenter.js';

// The page's window, as far as integration events need it.
const page = new EventTarget();
globalThis.dispatchEvent = (e) => page.dispatchEvent(e);
let announced = [];
for (const t of ['requested', 'queued', 'granted', 'sharing', 'released', 'denied', 'revoked']) {
  page.addEventListener(
      `floorctl:${t}`, (e) => announced.push([t, e.detail.reason ?? e.detail.position ?? '']));
}

/// A FloorRequest whose statuses the test sends with `answer`.
class ScriptedRequest extends EventTarget {
  id = null;
  status = null;
  queuePosition = 0;
  released = 0;
  constructor() {
    super();
    this.sent = new Promise((resolve, reject) => {
      this.resolveSent = resolve;
      this.rejectSent = reject;
    });
  }
  answer(status, queuePosition = 0) {
    const first = this.id === null;
    this.id = 7;
    this.status = status;
    this.queuePosition = queuePosition;
    const d = {requestId: 7, status, queuePosition, statusInfo: ''};
    if (first) this.resolveSent(d);
    this.dispatchEvent(Object.assign(new Event('status'), {detail: d}));
  }
  async release() {
    this.released += 1;
    this.answer('released');
  }
}

class ScriptedClient {
  requests = [];
  requestFloor(floor) {
    assert.equal(floor, 1);
    const r = new ScriptedRequest();
    this.requests.push(r);
    return r;
  }
}

/// A screen capture that succeeds, or fails with the DOMException name in `failWith`.
class ScriptedShare extends EventTarget {
  stream = null;
  failWith = null;
  async start() {
    if (this.failWith) {
      const e = new Error('refused');
      e.name = this.failWith;
      throw e;
    }
    this.stream = {id: 'screen'};
    return this.stream;
  }
  stop() {
    this.stream = null;
  }
}

const settle = () => new Promise((r) => setTimeout(r, 0));
let client;
let share;
let presenter;

beforeEach(() => {
  announced = [];
  client = new ScriptedClient();
  share = new ScriptedShare();
  presenter = new Presenter(client, 1, share);
});

test('a grant starts the capture; Stop releases the floor and ends it', async () => {
  const done = presenter.present();
  assert.equal(presenter.phase, 'requesting');
  client.requests[0].answer('granted');
  await done;
  await settle();
  assert.equal(presenter.phase, 'sharing');
  assert.ok(share.stream);
  await presenter.stop();
  assert.equal(presenter.phase, 'idle');
  assert.equal(client.requests[0].released, 1);
  assert.equal(share.stream, null);
  assert.deepEqual(
      announced, [['requested', ''], ['granted', ''], ['sharing', ''], ['released', 'stopped']]);
});

test('waiting in line shows the position from the request and from FloorStatus', async () => {
  const done = presenter.present();
  client.requests[0].answer('pending', 2);
  await done;
  assert.equal(presenter.phase, 'waiting');
  assert.equal(presenter.position, 2);
  presenter.observe({
    floor: 1,
    holders: [{requestId: 3, user: 1}],
    queue: [{requestId: 7, user: 2, position: 1}]
  });
  assert.equal(presenter.position, 1);
  assert.deepEqual(announced, [['requested', ''], ['queued', 2]]);
});

test('denied and revoked end the request with a note; revoked stops the capture', async () => {
  let done = presenter.present();
  client.requests[0].answer('denied');
  await done;
  assert.equal(presenter.phase, 'idle');
  assert.match(presenter.note, /denied/);

  done = presenter.present();
  client.requests[1].answer('granted');
  await done;
  await settle();
  assert.ok(share.stream);
  client.requests[1].answer('revoked');
  assert.equal(presenter.phase, 'idle');
  assert.equal(share.stream, null);
  assert.match(presenter.note, /chair ended/);
  assert.deepEqual(announced.slice(-2), [['released', 'revoked'], ['revoked', '']]);
});

test('closing the screen picker gives the floor back', async () => {
  share.failWith = 'NotAllowedError';
  const done = presenter.present();
  client.requests[0].answer('granted');
  await done;
  await settle();
  await settle();
  assert.equal(presenter.phase, 'idle');
  assert.equal(client.requests[0].released, 1);
  assert.match(presenter.note, /closed the screen picker/);
});

test('a grant without a fresh click waits for "Share my screen"', async () => {
  share.failWith = 'InvalidStateError';
  const done = presenter.present();
  client.requests[0].answer('pending', 1);
  await done;
  client.requests[0].answer('granted');
  await settle();
  assert.equal(presenter.phase, 'granted');
  assert.equal(presenter.needsClick, true);
  share.failWith = null;
  await presenter.shareScreen();
  assert.equal(presenter.phase, 'sharing');
  assert.equal(presenter.needsClick, false);
});

test(
    'after a reconnection the request is kept when FloorStatus still has it, else ended',
    async () => {
      const done = presenter.present();
      client.requests[0].answer('granted');
      await done;
      await settle();
      presenter.reconnected();
      presenter.observe({floor: 1, holders: [{requestId: 7, user: 1}], queue: []});
      assert.equal(presenter.phase, 'sharing');

      presenter.reconnected();
      presenter.observe({floor: 1, holders: [], queue: []});
      assert.equal(presenter.phase, 'idle');
      assert.equal(share.stream, null);
      assert.match(presenter.note, /connection dropped/);
      assert.deepEqual(announced.at(-1), ['released', 'disconnected']);
    });

test('after the server restarted, a request it forgot ends with the note given', async () => {
  const done = presenter.present();
  client.requests[0].answer('granted');
  await done;
  await settle();
  presenter.reconnected('The server restarted and your request ended.');
  presenter.observe({floor: 1, holders: [], queue: []});
  assert.equal(presenter.phase, 'idle');
  assert.equal(share.stream, null);
  assert.equal(presenter.note, 'The server restarted and your request ended.');
});

test('a request the server refuses leaves you idle with the reason', async () => {
  const done = presenter.present();
  client.requests[0].rejectSent(Object.assign(
      new Error('x'), {name: 'UnauthorizedOperation', info: 'not in this conference'}));
  await done;
  assert.equal(presenter.phase, 'idle');
  assert.match(presenter.note, /not in this conference/);
});
