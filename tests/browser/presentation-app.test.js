// The presentation web app in headless Chromium against the real floorctl binary on loopback:
// presenting and the queue, the chair's decisions, a dropped connection, a server restart and a
// crash (tokens kept in the store file), revoked and bad join links. Screenshots of every state go
// to FLOORCTL_SCREENSHOT_DIR.

import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';

import {GESTURE_ARGS, launchBrowser, openPage, screenshot} from './support/browser.js';
import {FloorctlServer} from './support/floorctl-server.js';
import {MeetingPage} from './support/meeting-page.js';
import {NetworkRelay} from './support/network-relay.js';

const SCENARIO_MS = 90000;

describe('presentation web app in Chromium', {timeout: 10 * SCENARIO_MS}, () => {
  // Pages reach the server through a relay that can cut every connection (a network drop); join
  // links and websocket_uri name the relay's port.
  const relay = new NetworkRelay();
  let server;
  let browser;
  const pages = [];

  /// Joins `conference` as `name` (more participant fields in `extra`) in a new page of `within`
  /// (the shared browser by default).
  async function join(conference, name, extra = {}, size, within = browser) {
    const p = await server.participant(conference, {display_name: name, ...extra});
    const page = await openPage(within, p.join, size);
    pages.push(page);
    const m = new MeetingPage(page);
    m.participant = p;
    return m;
  }

  /// Alice and Bob join `conference` in pages of `within`; Alice presents, Bob is number 1 in
  /// line.
  async function aliceSharesBobWaits(conference, within = browser) {
    const alice = await join(conference, 'Alice', {}, undefined, within);
    const bob = await join(conference, 'Bob', {}, undefined, within);
    await alice.connection('open');
    await bob.connection('open');
    await alice.present();
    await alice.sharing();
    await bob.present();
    await bob.myState('You are number 1 in line.');
    return {alice, bob};
  }

  async function closeAll() {
    for (const page of pages.splice(0)) await page.context().close();
  }

  before(async () => {
    await relay.listen();
    server = new FloorctlServer({publicPort: relay.port});
    relay.target = await server.start();
    browser = await launchBrowser();
  });

  after(async () => {
    await closeAll();
    await browser?.close();
    await server?.dispose();
    relay.close();
  });

  test(
      'a presenter is granted, the next waits in line and is granted when the first stops',
      {timeout: SCENARIO_MS}, async () => {
        const alice = await join(1, 'Alice');
        const bob = await join(1, 'Bob');
        await alice.connection('open');
        await bob.connection('open');
        await alice.presenter(null);
        await alice.myState('You are not presenting.');
        await screenshot(alice.page, '01-joined');

        await alice.present();
        await alice.sharing();
        await alice.previewPlaying();
        await bob.presenter('Alice');
        await screenshot(alice.page, '02-presenting');

        await bob.present();
        await bob.myState('You are number 1 in line.');
        await alice.card.locator('.queue-list li', {hasText: 'Bob'}).waitFor();
        assert.deepEqual(await alice.waiting(), ['Bob']);
        await screenshot(bob.page, '03-waiting-in-line');

        await alice.press('Stop presenting');
        await alice.myState('You are not presenting.');
        assert.equal(await alice.captureLive(), false, 'the capture ends with Stop');
        assert.equal(await alice.previewShown(), false);
        await bob.sharing();
        await bob.previewPlaying();
        await alice.presenter('Bob');
        await screenshot(bob.page, '04-next-presenter');

        const events = await alice.events();
        for (const e
                 of ['floorctl:requested', 'floorctl:granted', 'floorctl:sharing',
                     'floorctl:released']) {
          assert.ok(events.includes(e), `${e} in ${events}`);
        }
        assert.ok((await bob.events()).includes('floorctl:queued'));

        await bob.press('Stop presenting');
        await bob.myState('You are not presenting.');
        await closeAll();
      });

  test('a chair accepts, denies and revokes', {timeout: SCENARIO_MS}, async () => {
    const chair = await join(2, 'Chris (chair)', {user_id: 100, chair: true});
    const carol = await join(2, 'Carol');
    const dave = await join(2, 'Dave');
    await chair.page.locator('#chair').waitFor();
    await chair.page.locator('#chair-empty').waitFor();

    await carol.present();
    await carol.myState('Waiting for the chair to decide');
    await chair.chairRow('Carol').waitFor();
    await screenshot(chair.page, '05-chair-request');
    await chair.chair('Carol', 'Accept');
    await carol.sharing();
    await carol.previewPlaying();

    await dave.present();
    await chair.chairRow('Dave').waitFor();
    await chair.chair('Dave', 'Deny');
    await dave.myState('Your request to present was denied.');
    await screenshot(dave.page, '06-denied');

    await chair.chair('Carol', 'Revoke');
    await carol.myState('A chair ended your presentation.');
    assert.equal(await carol.captureLive(), false, 'the capture ends when revoked');
    await chair.presenter(null);
    await screenshot(carol.page, '07-revoked');
    const events = await carol.events();
    assert.ok(events.includes('floorctl:revoked'), `${events}`);
    assert.ok((await dave.events()).includes('floorctl:denied'));
    await closeAll();
  });

  test(
      'after a dropped connection the pages reconnect and keep their places',
      {timeout: SCENARIO_MS}, async () => {
        // Conference 3 keeps requests for 30 s after a connection drops.
        const {alice, bob} = await aliceSharesBobWaits(3);

        // The network goes away for a moment: connections are cut, new ones refused.
        relay.down();
        await alice.connection('reconnecting');
        await bob.connection('reconnecting');
        await screenshot(alice.page, '08-reconnecting');
        relay.up();
        await alice.connection('open');
        await bob.connection('open');
        await alice.myState('You are presenting');
        await bob.myState('You are number 1 in line.');
        await bob.presenter('Alice');
        assert.equal(
            await alice.captureLive(), true, 'the capture goes on across the reconnection');
        await screenshot(alice.page, '09-reconnected');
        await closeAll();
      });

  test(
      'after a server restart the pages reconnect by themselves and nobody presents; a revoked link expired',
      {timeout: SCENARIO_MS}, async () => {
        const {alice, bob} = await aliceSharesBobWaits(1);
        const gone = await server.participant(1, {display_name: 'Gone'});
        const removed =
            await server.api('DELETE', `/api/conferences/1/participants/${gone.userid}`);
        assert.equal(removed.status, 204);

        const stopped = await server.stop('SIGTERM');
        assert.equal(stopped.code, 0);
        // SIGTERM sends Goodbye and closes with 1001 (Going Away): the server is going away, the
        // participants are not done. The pages keep the meeting and try again.
        for (const m of [alice, bob]) {
          await m.connection('reconnecting');
          await m.notice('The server is restarting. This page reconnects by itself.');
        }
        assert.equal(await alice.page.getByRole('button', {name: 'Join again'}).count(), 0);
        await screenshot(alice.page, '10-server-restarting');
        await server.start();
        // The restarted server kept the tokens (same store file): the pages reconnect by
        // themselves with the same links. The floor state went with the old
        // process: each page says its request ended, the presenter's capture stops, nobody
        // presents, nobody waits.
        const ended = 'The server restarted and your request ended. Press Present to ask again.';
        for (const m of [alice, bob]) {
          await m.connection('open');
          await m.myState(ended);
          await m.presenter(null);
        }
        assert.equal(await alice.captureLive(), false, 'the capture ends with the request');
        assert.equal(await alice.previewShown(), false);
        assert.ok((await alice.events()).includes('floorctl:released'));
        assert.deepEqual(await alice.waiting(), []);
        assert.equal(
            await alice.page.getByRole('button', {name: 'Join again'}).count(), 0,
            'no "Join again": the meeting did not end');
        assert.equal(await alice.page.locator('#notice').isHidden(), true, 'back: no notice');
        await screenshot(alice.page, '11-reconnected-after-restart');
        await screenshot(bob.page, '11-reconnected-after-restart-was-waiting');

        // A link revoked before the restart stays revoked.
        const page = await openPage(browser, gone.join);
        pages.push(page);
        await new MeetingPage(page).notice('This join link has expired — ask for a new one.');
        await screenshot(page, '11-revoked-link-after-restart');

        await bob.present();
        await bob.sharing();
        await alice.presenter('Bob');
        await closeAll();
      });

  test(
      'after a server crash the pages reconnect by themselves and show the floor is free',
      {timeout: SCENARIO_MS}, async () => {
        const {alice, bob} = await aliceSharesBobWaits(1);

        await server.stop('SIGKILL');
        await alice.connection('reconnecting');
        await bob.connection('reconnecting');
        await screenshot(bob.page, '12-reconnecting-to-crashed-server');
        await server.start();
        // The new process knows the tokens (same store file): the pages connect again on their
        // own. It does not know the floor requests: each page says its request ended, the
        // presenter's capture stops, and nobody presents.
        const ended = 'The connection dropped and your request ended. Press Present to ask again.';
        for (const m of [alice, bob]) {
          await m.connection('open');
          await m.myState(ended);
          await m.presenter(null);
        }
        assert.equal(await alice.captureLive(), false, 'the capture ends with the request');
        assert.equal(await alice.previewShown(), false);
        await screenshot(alice.page, '13-after-crash');

        // And the floor works again for anyone who asks.
        await bob.present();
        await bob.sharing();
        await alice.presenter('Bob');
        await closeAll();
      });

  test('an unknown join link shows a clear message', {timeout: SCENARIO_MS}, async () => {
    const page =
        await openPage(browser, `${server.origin}/join?token=00000000000000000000000000000000`);
    pages.push(page);
    const m = new MeetingPage(page);
    await m.notice('This join link has expired — ask for a new one');
    await m.connection('closed');
    assert.equal(await page.locator('#meeting').isVisible(), false);
    await screenshot(page, '14-unknown-link');
    await closeAll();
  });

  test(
      'present and stop with the keyboard alone; focus follows the buttons', {timeout: SCENARIO_MS},
      async () => {
        const alice = await join(1, 'Alice');
        await alice.connection('open');
        const focused = () => alice.page.evaluate(() => {
          const e = document.activeElement;
          return e === document.body ? '(body)' : `${e.tagName}:${e.textContent.trim()}`;
        });
        const seen = [];
        for (let i = 0; i < 6 && (await focused()) !== 'BUTTON:Present'; ++i) {
          await alice.page.keyboard.press('Tab');
          seen.push(await focused());
        }
        assert.equal(await focused(), 'BUTTON:Present', seen.join(' | '));
        await alice.page.keyboard.press('Enter');
        await alice.myState('You are presenting');
        assert.equal(
            await focused(), 'BUTTON:Stop presenting',
            'the focus moves to the button that replaced Present');
        await screenshot(alice.page, '15-keyboard-focus');
        await alice.page.keyboard.press('Enter');
        await alice.myState('You are not presenting.');
        assert.equal(await focused(), 'BUTTON:Present');
        await closeAll();
      });

  test(
      'a grant long after Present asks for "Share my screen", which starts the preview',
      {timeout: SCENARIO_MS}, async () => {
        // A browser whose picker wants a fresh click, like Firefox and Safari.
        const strict = await launchBrowser(GESTURE_ARGS);
        try {
          const {alice, bob} = await aliceSharesBobWaits(1, strict);
          // Bob's click on Present counts for a few seconds only; the grant comes after that.
          // From here until the grant, the test does not touch Bob's page: every playwright
          // call there would count as a fresh click.
          await bob.page.waitForFunction(
              () => !navigator.userActivation.isActive, null, {polling: 250, timeout: 20000});
          const granted = bob.page.waitForEvent(
              'console', {predicate: (m) => m.text() === 'floorctl:granted', timeout: 15000});
          await alice.press('Stop presenting');
          await granted;
          const share = bob.card.getByRole('button', {name: 'Share my screen'});
          await share.waitFor();
          await bob.myState('The floor is yours. Press “Share my screen”');
          assert.equal(await bob.previewShown(), false, 'no capture before the click');
          await alice.presenter('Bob');
          await screenshot(bob.page, '17-granted-needs-click');
          const events = await bob.events();
          assert.ok(events.includes('floorctl:granted'), `${events}`);
          assert.ok(!events.includes('floorctl:sharing'), `${events}`);

          await share.click();
          await bob.myState('You are presenting');
          await bob.previewPlaying();
          assert.equal(await share.isVisible(), false);
          assert.ok((await bob.events()).includes('floorctl:sharing'));
          await screenshot(bob.page, '18-shared-after-click');
          await bob.press('Stop presenting');
          await bob.myState('You are not presenting.');
        } finally {
          await closeAll();
          await strict.close();
        }
      });

  test('the meeting view fits a narrow screen', {timeout: SCENARIO_MS}, async () => {
    const alice = await join(1, 'Alice', {}, {width: 380, height: 800});
    await alice.connection('open');
    await alice.present();
    await alice.sharing();
    const overflow =
        await alice.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
    await screenshot(alice.page, '16-narrow');
    await alice.press('Stop presenting');
    await closeAll();
  });
});
