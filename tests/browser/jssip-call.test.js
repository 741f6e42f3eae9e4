// A web softphone nobody here wrote calls floorctl from a page: JsSIP (its browser bundle) in
// headless Chromium, over SIP over WebSocket (RFC 7118, sub-protocol `sip`) on the server's
// WebSocket port, with an offer that JsSIP builds from an RTCPeerConnection plus a TCP/WSS/BFCP
// m-line the page adds (tests/browser/support/jssip-softphone.js). The page then opens the
// answered websocket-uri with the BFCP client floorctl serves, takes the floor, shares its screen
// and releases; a BYE from JsSIP ends the call and floorctl closes the BFCP connection. When the
// signalling WebSocket drops instead, floorctl ends the call itself.

import assert from 'node:assert/strict';
import {createRequire} from 'node:module';
import {after, before, describe, test} from 'node:test';
import {fileURLToPath} from 'node:url';

import {launchBrowser, openPage, screenshot} from './support/browser.js';
import {FloorctlServer, SIP_CONFIG} from './support/floorctl-server.js';
import {NetworkRelay} from './support/network-relay.js';

const SCENARIO_MS = 60000;
const JSSIP = createRequire(import.meta.url).resolve('jssip/dist/jssip.min.js');
const SOFTPHONE = fileURLToPath(new URL('./support/jssip-softphone.js', import.meta.url));

describe('JsSIP in Chromium calls over SIP over WebSocket', {timeout: 3 * SCENARIO_MS}, () => {
  const server = new FloorctlServer();
  // The second call's signalling goes through a relay that can take the network away.
  const relay = new NetworkRelay();
  let browser;

  /// A page of the server's origin (its landing page, which runs no script of its own: the
  /// web app of an integrator would be there) with JsSIP and the softphone script added, so
  /// that /web/bfcp/index.js is a same-origin import. (A page that playwright fulfils itself
  /// has no address space: Chromium's local network access checks then block its WebSockets to
  /// 127.0.0.1.)
  async function softphonePage() {
    const page = await openPage(browser, `${server.origin}/`);
    await page.addScriptTag({path: JSSIP});
    await page.addScriptTag({path: SOFTPHONE});
    return page;
  }

  /// Resolves when floorctl's output matches `pattern` (its log comes through a pipe, a little
  /// after the event); fails after 5 s.
  async function logged(pattern) {
    for (let waited = 0; !pattern.test(server.output); waited += 20) {
      if (waited >= 5000) assert.match(server.output, pattern);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  before(async () => {
    relay.target = await server.start(SIP_CONFIG);
    await relay.listen();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    relay.close();
    const ended = await server.stop();
    await server.dispose();
    assert.deepEqual(ended, {code: 0, signal: null}, server.output);  // no sanitizer report
  });

  test(
      'a register-less call with a BFCP m-line, then the floor over the answered websocket-uri',
      {timeout: SCENARIO_MS}, async () => {
        const page = await softphonePage();
        try {
          const bfcp = await page.evaluate(
              ([server, target]) => softphone.call(server, target, 'alice'),
              [`wss://127.0.0.1:${server.port}/bfcp`, 'sip:demo@127.0.0.1']);
          assert.equal(bfcp.mline, `m=application ${server.port} TCP/WSS/BFCP *`);
          assert.match(
              bfcp.websocketUri,
              new RegExp(`^wss://localhost:${server.port}/bfcp\\?token=[A-Za-z0-9_-]+$`));
          assert.equal(bfcp.setup, 'passive');
          assert.equal(bfcp.floorctrl, 's-only');
          assert.equal(bfcp.conference, 4321);
          assert.deepEqual(bfcp.floors, [1]);
          // floorctl carries no media: Chromium's audio line is answered with port 0, and
          // Chromium accepts that answer (the call is confirmed).
          assert.equal(bfcp.others.length, 1);
          assert.match(bfcp.others[0], /^m=audio 0 UDP\/TLS\/RTP\/SAVPF [0-9 ]+$/);
          await logged(/msg="SIP participant" .*signalling=wss peer=127\.0\.0\.1/);

          const presenting = await page.evaluate(() => softphone.present());
          assert.equal(presenting.status, 'granted');
          assert.equal(presenting.track, 'live');
          assert.ok(presenting.width > 0, 'the preview plays a captured picture');
          await screenshot(page, 'jssip-01-presenting');
          assert.equal(await page.evaluate(() => softphone.stopPresenting()), 'released');

          await page.evaluate(() => softphone.hangUp());
          // The BYE ended the participant: floorctl closed its BFCP connection.
          await page.evaluate(() => softphone.bfcpClosed());
          await logged(/msg="closing connection" conn=\d+ reason=removed/);
          const log = await page.evaluate(() => softphone.log);
          assert.deepEqual(
              log,
              [
                'ua:connected via WSS',
                'sdp:local offer + BFCP m-line',
                'sending INVITE',
                'sdp:remote answer, BFCP m-line taken out',
                'accepted 200',
                'confirmed',
                'bfcp:open',
                'bfcp:granted',
                'sharing video live',
                'bfcp:released',
                'ended local Terminated',
                'bfcp:close 1000 the server said Goodbye',
              ],
              page.consoleLog.join('\n'));
          await page.evaluate(() => softphone.stop());
        } finally {
          await page.context().close();
        }
      });

  test(
      'the signalling WebSocket drops while presenting: floorctl ends the call and closes BFCP',
      {timeout: SCENARIO_MS}, async () => {
        const page = await softphonePage();
        try {
          // JsSIP reaches floorctl through the relay; the answered websocket-uri names floorctl.
          const bfcp = await page.evaluate(
              ([server, target]) => softphone.call(server, target, 'bob'),
              [`wss://127.0.0.1:${relay.port}/bfcp`, 'sip:demo@127.0.0.1']);
          assert.match(bfcp.websocketUri, new RegExp(`^wss://localhost:${server.port}/`));
          assert.equal((await page.evaluate(() => softphone.present())).status, 'granted');

          // A network change: the SIP WebSocket is cut, no BYE is sent. floorctl ends the call
          // of that client itself: Goodbye and close on BFCP, and the capture stops.
          relay.down();
          await page.evaluate(() => softphone.bfcpClosed());
          await logged(/msg="SIP over WebSocket client gone; its calls end" .*calls=1/);
          // JsSIP's loss of its WebSocket and the server's close of BFCP come over two
          // connections, in no fixed order; the capture stops after the close.
          const log = await page.evaluate(() => softphone.log);
          const tail = log.slice(log.indexOf('sharing video live') + 1);
          const closed = 'bfcp:close 1000 the server said Goodbye';
          assert.deepEqual(
              [...tail].sort(), [closed, 'sharing stopped', 'ua:disconnected'],
              page.consoleLog.join('\n'));
          assert.ok(tail.indexOf('sharing stopped') > tail.indexOf(closed), tail.join(', '));
          await screenshot(page, 'jssip-02-signalling-lost');
          await page.evaluate(() => softphone.stop());
        } finally {
          relay.up();
          await page.context().close();
        }
      });
});
