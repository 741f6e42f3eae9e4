/// SIP over WebSocket (RFC 7118, docs/sip-over-websocket.md) with a client nobody here wrote:
/// SIP.js (Node's WebSocket, --experimental-websocket) calls the real floorctl binary over WSS
/// with an offer of only a TCP/WSS/BFCP m-line, gets the answer with its websocket-uri, takes
/// the floor over it with web/src's BfcpClient, and hangs up; raw `sip` WebSockets check the
/// CRLF keep-alive and a malformed request.

import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {Inviter, SessionState, UserAgent} from 'sip.js';

import {BfcpClient} from '../../../web/src/index.js';
import {FloorctlServer} from '../../browser/support/floorctl-server.js';

const CONFIG = `io_threads = 1
[websocket]
listen = "127.0.0.1:@PORT@"
public_port = @PUBLIC_PORT@
public_host = "localhost"
[sip]
udp = ["127.0.0.1:0"]
tcp = ["127.0.0.1:0"]
[[conference]]
id = 4321
sip_uris = ["sip:demo@127.0.0.1"]
[[conference.floor]]
id = 1
label = "Slides"
[logging]
level = "debug"
`;

/// The softphone's offer: BFCP over WSS only (RFC 8857, RFC 8856), as a web client makes it.
const OFFER = [
  'v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
  'm=application 9 TCP/WSS/BFCP *', 'a=setup:active', 'a=connection:new', 'a=floorctrl:c-only', ''
].join('\r\n');

/// SIP.js's session description handler, reduced to what a BFCP-only call needs: our offer out,
/// the answer kept.
class BfcpDescriptionHandler {
  remote = null;
  close() {}
  getDescription() {
    return Promise.resolve({body: OFFER, contentType: 'application/sdp'});
  }
  hasDescription(contentType) {
    return contentType === 'application/sdp';
  }
  setDescription(sdp) {
    this.remote = sdp;
    return Promise.resolve();
  }
  sendDtmf() {
    return false;
  }
}

/// Resolves when `session` reaches `state` (bounded).
function reach(session, state) {
  if (session.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${state} in 15 s`)), 15000);
    session.stateChange.addListener((s) => {
      if (s === state) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

/// Resolves when floorctl's output matches `pattern` (its log reaches us through a pipe, a little
/// after the event it reports); fails after 5 s.
async function logged(pattern) {
  for (let waited = 0; !pattern.test(server.output); waited += 20) {
    if (waited >= 5000) assert.match(server.output, pattern);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const server = new FloorctlServer();
before(async () => {
  await server.start(CONFIG);
});
after(async () => {
  const ended = await server.stop();
  await server.dispose();
  assert.deepEqual(
      ended, {code: 0, signal: null}, server.output);  // clean exit, no sanitizer report
});

/// A SIP.js user agent `user`@example.org that calls floorctl over WSS and is in the call
/// (bounded); returns it, the session and the SDP answer.
async function callOverWss(user) {
  let handler = null;
  const ua = new UserAgent({
    uri: UserAgent.makeURI(`sip:${user}@example.org`),
    transportOptions: {server: `wss://127.0.0.1:${server.port}/bfcp`},
    sessionDescriptionHandlerFactory: () => (handler = new BfcpDescriptionHandler()),
    logBuiltinEnabled: false,
  });
  await ua.start();
  const inviter = new Inviter(ua, UserAgent.makeURI('sip:demo@127.0.0.1'));
  const established = reach(inviter, SessionState.Established);
  await inviter.invite();
  await established;
  return {ua, inviter, answer: handler.remote};
}

/// web/src's BfcpClient for the websocket-uri, conference and user of an SDP answer.
function bfcpFor(answer) {
  return new BfcpClient({
    url: /^a=websocket-uri:(\S+)\r$/m.exec(answer)[1],
    conference: Number(/^a=confid:(\d+)\r$/m.exec(answer)[1]),
    user: Number(/^a=userid:(\d+)\r$/m.exec(answer)[1]),
    reconnect: {maxAttempts: 0},
  });
}

test(
    'SIP.js calls over WSS, gets the BFCP answer and takes the floor over its websocket-uri',
    async () => {
      const {ua, inviter, answer} = await callOverWss('alice');
      try {
        assert.match(answer, /^m=application \d+ TCP\/WSS\/BFCP \*\r$/m, answer);
        assert.match(
            answer, /^a=websocket-uri:wss:\/\/localhost:\d+\/bfcp\?token=[A-Za-z0-9_-]+\r$/m);
        assert.match(answer, /^a=floorctrl:s-only\r$/m);
        assert.match(answer, /^a=confid:4321\r$/m);
        assert.match(answer, /^a=floorid:1/m);
        // The call controller saw the WebSocket client, not the edge's loopback TCP flow.
        await logged(/msg="SIP participant" .*signalling=wss peer=127\.0\.0\.1/);

        // Take the floor over the websocket-uri of the answer (RFC 8124, RFC 8857).
        const bfcp = bfcpFor(answer);
        await bfcp.connect();
        const granted = await bfcp.requestFloor(1).granted();
        assert.equal(granted.status, 'granted');

        // BYE ends the participant: floorctl closes its BFCP connection.
        const bfcpClosed = new Promise((resolve, reject) => {
          const timer = setTimeout(
              () => reject(new Error('BFCP connection still open 10 s after BYE')), 10000);
          bfcp.addEventListener('close', () => {
            clearTimeout(timer);
            resolve();
          });
        });
        const terminated = reach(inviter, SessionState.Terminated);
        await inviter.bye();
        await terminated;
        await bfcpClosed;
      } finally {
        await ua.stop();
      }
    });

test('a call whose WebSocket closes without BYE ends: its BFCP connection is closed', async () => {
  const {ua, answer} = await callOverWss('bob');
  const bfcp = bfcpFor(answer);
  await bfcp.connect();
  assert.equal((await bfcp.requestFloor(1).granted()).status, 'granted');
  const bfcpClosed = new Promise((resolve, reject) => {
    const timer = setTimeout(
        () => reject(new Error('BFCP connection still open 10 s after the SIP WebSocket closed')),
        10000);
    bfcp.addEventListener('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  // The signalling connection goes away (a tab closed, a network change): no BYE is sent.
  await ua.transport.disconnect();
  await bfcpClosed;
  await logged(/msg="SIP over WebSocket client gone; its calls end" .*calls=1/);
  await ua.stop().catch(() => {});
});

/// A raw `sip` WebSocket: send(text) resolves with the next message as text (bounded); `frames`
/// lists the frame type of every message received ('text' or 'binary').
async function rawSip() {
  const ws = new WebSocket(`wss://127.0.0.1:${server.port}/bfcp`, 'sip');
  ws.binaryType = 'arraybuffer';
  const queue = [];
  const frames = [];
  let waiting = null;
  ws.onmessage = (e) => {
    frames.push(typeof e.data === 'string' ? 'text' : 'binary');
    const text = typeof e.data === 'string' ? e.data : new TextDecoder().decode(e.data);
    if (waiting) {
      waiting(text);
      waiting = null;
    } else {
      queue.push(text);
    }
  };
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error('WebSocket error'));
  });
  return {
    ws,
    frames,
    exchange(text) {
      ws.send(text);
      if (queue.length) return Promise.resolve(queue.shift());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no answer in 10 s')), 10000);
        waiting = (m) => {
          clearTimeout(timer);
          resolve(m);
        };
      });
    },
  };
}

test('a CRLF CRLF keep-alive over sip is answered with CRLF', async () => {
  const c = await rawSip();
  assert.equal(c.ws.protocol, 'sip');
  assert.equal(await c.exchange('\r\n\r\n'), '\r\n');
  assert.deepEqual(c.frames, ['text']); // RFC 7118 §5.2: SIP is UTF-8, sent as text
  c.ws.close();
});

test('a request with a short body is answered 400 and the connection keeps serving', async () => {
  const c = await rawSip();
  const invite = [
    'INVITE sip:demo@127.0.0.1 SIP/2.0', 'Via: SIP/2.0/WSS x1y2z3.invalid;branch=z9hG4bKshort',
    'From: <sip:mallory@example.org>;tag=m1', 'To: <sip:demo@127.0.0.1>', 'Call-ID: short-body',
    'CSeq: 1 INVITE', 'Content-Type: application/sdp', 'Content-Length: 5000', '', OFFER
  ].join('\r\n');
  const answer = await c.exchange(invite);
  assert.match(answer, /^SIP\/2\.0 400 Bad Request\r\n/);
  assert.match(answer, /\r\nWarning: 399 floorctl "body shorter than Content-Length"\r\n/);
  assert.match(
      answer,
      /\r\nVia: SIP\/2\.0\/WSS x1y2z3\.invalid;branch=z9hG4bKshort;received=127\.0\.0\.1\r\n/);
  assert.equal(await c.exchange('\r\n\r\n'), '\r\n');
  assert.deepEqual(c.frames, ['text', 'text']);
  c.ws.close();
});

test('a client that sends only bad messages is closed with 1008 after ten in a row', async () => {
  const c = await rawSip();
  const closed = new Promise((resolve, reject) => {
    const timer = setTimeout(
        () => reject(new Error(`still open 10 s after ten bad messages:\n${server.output}`)), 10000);
    c.ws.onclose = (e) => {
      clearTimeout(timer);
      resolve(e.code);
    };
  });
  // A keep-alive in between neither counts nor breaks the run.
  for (let i = 0; i < 9; ++i) c.ws.send(`not SIP at all ${i}\r\n\r\n`);
  assert.equal(await c.exchange('\r\n\r\n'), '\r\n');
  c.ws.send('still not SIP\r\n\r\n');
  assert.equal(await closed, 1008);
  await logged(/sip over websocket: too many bad messages in a row; closing.* faults=10/);
});
