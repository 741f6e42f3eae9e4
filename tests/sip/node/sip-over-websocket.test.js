/// SIP over WebSocket (RFC 7118, docs/sip-over-websocket.md) with a client nobody here wrote:
/// SIP.js (Node's WebSocket, --experimental-websocket) calls the real floorctl binary over WSS
/// with an offer of only a TCP/WSS/BFCP m-line, gets the answer with its websocket-uri, takes
/// the floor over it with web/src's BfcpClient, and hangs up; raw `sip` WebSockets check the
/// CRLF keep-alive and a malformed request.

import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';
import {Inviter, SessionState, UserAgent} from 'sip.js';

import {BfcpClient} from '../../../web/src/index.js';
import {FloorctlServer, SIP_CONFIG, sipConfig} from '../../browser/support/floorctl-server.js';

/// The softphone's offer: BFCP over WSS only (RFC 8857, RFC 8856), as a web client makes it.
const OFFER = [
  'v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
  'm=application 9 TCP/WSS/BFCP *', 'a=setup:active', 'a=connection:new', 'a=floorctrl:c-only', ''
].join('\r\n');

/// SIP.js's session description handler, reduced to what a BFCP-only call needs: our offer (or
/// answer) out, floorctl's kept.
class BfcpDescriptionHandler {
  remote = null;
  constructor(body = OFFER) {
    this.body = body;
  }
  close() {}
  getDescription() {
    return Promise.resolve({body: this.body, contentType: 'application/sdp'});
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

/// Resolves when `srv`'s output matches `pattern` (its log reaches us through a pipe, a little
/// after the event it reports); fails after 5 s.
async function logged(pattern, srv = server) {
  for (let waited = 0; !pattern.test(srv.output); waited += 20) {
    if (waited >= 5000) assert.match(srv.output, pattern);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const server = new FloorctlServer();
before(async () => {
  await server.start(SIP_CONFIG);
});
after(async () => {
  const ended = await server.stop();
  await server.dispose();
  assert.deepEqual(
      ended, {code: 0, signal: null}, server.output);  // clean exit, no sanitizer report
});

/// A started SIP.js user agent `user`@example.org whose server is floorctl's WebSocket URI at
/// `host` (default 127.0.0.1) of `srv`, with any more UserAgent options (credentials);
/// `calls.handler` is the description handler of its latest call.
async function startUserAgent(
    user, {host = '127.0.0.1', srv = server, body = OFFER, ...more} = {}) {
  const calls = {handler: null};
  const ua = new UserAgent({
    uri: UserAgent.makeURI(`sip:${user}@example.org`),
    transportOptions: {server: `wss://${host}:${srv.port}/bfcp`},
    sessionDescriptionHandlerFactory: () => (calls.handler = new BfcpDescriptionHandler(body)),
    logBuiltinEnabled: false,
    ...more,
  });
  await ua.start();
  return {ua, calls};
}

/// A SIP.js user agent that calls `target` (default sip:demo@127.0.0.1) over WSS and is in the
/// call (bounded); returns it, the session and the SDP answer. `options` as startUserAgent's.
async function callOverWss(user, {target = 'sip:demo@127.0.0.1', ...options} = {}) {
  const {ua, calls} = await startUserAgent(user, options);
  const inviter = new Inviter(ua, UserAgent.makeURI(target));
  const established = reach(inviter, SessionState.Established);
  await inviter.invite();
  await established;
  return {ua, inviter, answer: calls.handler.remote};
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

test('SIP.js with a preloaded Route to floorctl over ws is answered by floorctl', async () => {
  // SIP.js configured with an outbound proxy (JsSIP: use_preloaded_route) names the server's
  // WebSocket URI in a Route; sofia is a user agent and answers, it forwards nothing.
  const route = `sip:127.0.0.1:${server.port};transport=ws;lr`;
  const {ua, inviter, answer} = await callOverWss('dave', {preloadedRouteSet: [route]});
  try {
    assert.match(answer, /^a=websocket-uri:wss:\/\/localhost:\d+\/bfcp\?token=/m);
    const terminated = reach(inviter, SessionState.Terminated);
    await inviter.bye();
    await terminated;
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
async function rawSip(url = `wss://127.0.0.1:${server.port}/bfcp`) {
  const ws = new WebSocket(url, 'sip');
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
  assert.deepEqual(c.frames, ['text']);  // RFC 7118 §5.2: SIP is UTF-8, sent as text
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
        () => reject(new Error(`still open 10 s after ten bad messages:\n${server.output}`)),
        10000);
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

/// Resolves after `ms` (waits for sofia's idle timeout, which is real time in the binary).
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/// A second floorctl, on the IPv6 loopback only (WebSocket and SIP: the flows and their aliases
/// are IPv6 too), with digest authentication and a short SIP TCP idle timeout: a client at ::1,
/// credentials over a `transport=ws` Request-URI, and flows that outlive sofia's idle timeout.
describe('over IPv6, with digest authentication and a 1 s SIP idle timeout', () => {
  const IDLE_MS = 1000;
  const v6 = new FloorctlServer();
  before(async () => {
    await v6.start(sipConfig({
      listen: '[::1]:@PORT@',
      sipHost: '[::1]',
      sip: `digest_auth = true
realm = "floorctl.test"
tcp_idle_timeout = "${IDLE_MS}ms"
[[sip.user]]
name = "alice"
password = "secret"`,
    }));
  });
  after(async () => {
    const ended = await v6.stop();
    await v6.dispose();
    assert.deepEqual(ended, {code: 0, signal: null}, v6.output);
  });

  test(
      'a client at ::1 authenticates over transport=ws, calls, and stays in the call past ' +
          'three idle timeouts',
      async () => {
        // SIP.js computes the digest over the Request-URI as it wrote it, transport=ws included.
        const {ua, inviter, answer} = await callOverWss('alice', {
          host: '[::1]',
          target: 'sip:demo@127.0.0.1;transport=ws',
          srv: v6,
          authorizationUsername: 'alice',
          authorizationPassword: 'secret',
        });
        try {
          assert.match(answer, /^a=confid:4321\r$/m);
          // The controller saw the IPv6 client (received/rport of a bracket-less address).
          await logged(/msg="SIP participant" .*signalling=wss peer=::1/, v6);
          // The floor, over the answer's websocket-uri pointed at the IPv6 loopback.
          const bfcp = bfcpFor(answer.replace(/wss:\/\/localhost:/, 'wss://[::1]:'));
          await bfcp.connect();
          assert.equal((await bfcp.requestFloor(1).granted()).status, 'granted');
          let bfcpClosed = false;
          bfcp.addEventListener('close', () => (bfcpClosed = true));

          // Quiet for three of sofia's idle timeouts (no CRLF keep-alive from this client):
          // the edge's keep-alive keeps the loopback flow, so the call and its floor stay.
          await pause(3.5 * IDLE_MS);
          assert.equal(bfcpClosed, false, v6.output);
          assert.equal(inviter.state, SessionState.Established);
          assert.doesNotMatch(v6.output, /flow to the SIP side ended/);

          const terminated = reach(inviter, SessionState.Terminated);
          await inviter.bye();
          await terminated;
        } finally {
          await ua.stop();
        }
      });

  test('a wrong password over transport=ws is refused and reaches no conference', async () => {
    const {ua, calls} = await startUserAgent('alice', {
      host: '[::1]',
      srv: v6,
      authorizationUsername: 'alice',
      authorizationPassword: 'not-the-secret',
    });
    try {
      const inviter = new Inviter(ua, UserAgent.makeURI('sip:demo@127.0.0.1;transport=ws'));
      const rejected = new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no final response in 15 s')), 15000);
        inviter.invite({
          requestDelegate: {
            onReject: (response) => {
              clearTimeout(timer);
              resolve(response.message.statusCode);
            },
            onAccept: () => reject(new Error('accepted with a wrong password')),
          },
        });
      });
      // Challenged, answered with the wrong credentials, challenged again: SIP.js gives up.
      assert.ok([401, 403].includes(await rejected));
      assert.equal(calls.handler?.remote ?? null, null);
    } finally {
      await ua.stop();
    }
  });

  test('floorctl\'s BYE reaches the client at ::1 through its IPv6 alias', async () => {
    // An offerless INVITE whose ACK answers with port 0: floorctl ends the call with its own BYE
    // (docs/sip.md, "Offerless INVITE"), which sofia sends to the alias [::1]:<flow port> and the
    // edge gives back the client's own Request-URI.
    const answer = OFFER.replace('m=application 9 ', 'm=application 0 ');
    const {ua} = await startUserAgent('alice', {
      host: '[::1]',
      srv: v6,
      body: answer,
      authorizationUsername: 'alice',
      authorizationPassword: 'secret',
    });
    try {
      const inviter = new Inviter(
          ua, UserAgent.makeURI('sip:demo@127.0.0.1;transport=ws'), {inviteWithoutSdp: true});
      let bye = null;
      inviter.delegate = {
        onBye: (b) => {
          bye = b.request;
          b.accept();
        },
      };
      const ended = reach(inviter, SessionState.Terminated);
      await inviter.invite();
      await ended;
      assert.ok(bye, 'the call ended without a BYE from floorctl');
      // The client's own Contact URI (as it sent it, with ;ob), given back by the edge from the
      // alias sofia used.
      assert.equal(bye.ruri.toString(), `${ua.contact.uri.toString()};ob`);
      assert.match(bye.ruri.toString(), /\.invalid;transport=ws;ob$/);
      assert.match(bye.getHeader('Via'), /^SIP\/2\.0\/WSS \[::1\]:\d+;/);
    } finally {
      await ua.stop();
    }
  });

  test('a raw client quiet past four idle timeouts keeps its flow to the SIP side', async () => {
    const c = await rawSip(`wss://[::1]:${v6.port}/bfcp`);
    let closed = null;
    c.ws.onclose = (e) => (closed = e.code);
    // OPTIONS is answered by sofia, so each one proves the flow, not only the WebSocket.
    const options = async (cseq) => {
      const answer = await c.exchange([
        'OPTIONS sip:127.0.0.1 SIP/2.0', `Via: SIP/2.0/WSS i6le.invalid;branch=z9hG4bKidle${cseq}`,
        'From: <sip:probe@example.org>;tag=p1', 'To: <sip:127.0.0.1>', 'Call-ID: idle-options',
        `CSeq: ${cseq} OPTIONS`, 'Max-Forwards: 70', '', ''
      ].join('\r\n'));
      assert.match(answer, /^SIP\/2\.0 200 /);
      assert.match(
          answer, /\r\nVia: SIP\/2\.0\/WSS i6le\.invalid;branch=z9hG4bKidle\d;.*received=::1/);
    };
    // A first message: sofia's idle clock for a connection starts with its first traffic.
    await options(1);
    // Two idle timeouts with the client's own CRLF CRLF keep-alives (answered by the edge; sofia
    // never sees them), then two with nothing at all.
    for (let waited = 0; waited < 2 * IDLE_MS; waited += IDLE_MS / 2) {
      assert.equal(await c.exchange('\r\n\r\n'), '\r\n');
      await pause(IDLE_MS / 2);
    }
    await pause(2 * IDLE_MS);
    assert.equal(closed, null, v6.output);
    await options(2);
    c.ws.close();
  });
});
