/// The presentation web app: joins the meeting named by the link's token, shows every floor
/// and lets you present, and chair the floors you chair. Wires the session, the BFCP client,
/// the screen capture and the views together; each of those lives in its own module.

import {BfcpClient} from '/web/bfcp/index.js';

import {ChairView} from './chair-view.js';
import {FloorView} from './floor-view.js';
import {announce} from './integration-events.js';
import {describe, Presenter} from './presenter.js';
import {ScreenShare} from './screen-share.js';
import {fetchSession, SessionError, tokenFromLocation} from './session.js';

const CONNECTION_TEXT = {
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Reconnecting…',
  closed: 'Offline',
};

/// What a presenter's page says when its request did not survive the server's restart.
const RESTARTED_NOTE = 'The server restarted and your request ended. Press Present to ask again.';

const $ = (id) => document.getElementById(id);

function showConnection(state) {
  $('connection').dataset.state = state;
  $('connection-text').textContent = CONNECTION_TEXT[state] ?? state;
  announce('connection', {state});
}

/// Shows `text` in the page's alert area ('' hides it), with a button when `action` is given
/// ({label, run}); returns that button.
function showNotice(text, action = null) {
  const n = $('notice');
  n.replaceChildren(text);
  if (action) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'button primary';
    b.textContent = action.label;
    b.addEventListener('click', action.run);
    n.append(' ', b);
  }
  n.hidden = !text;
  return n.querySelector('button');
}

/// The end of the meeting for this page: the link no longer works, or the connection ended
/// for good. `rejoin` offers to load the page again (which asks the server about the link anew).
function endMeeting(message, presenters, rejoin = false) {
  for (const p of presenters.values()) p.disconnected('');
  const hadFocus = $('meeting').contains(document.activeElement);
  const button =
      showNotice(message, rejoin ? {label: 'Join again', run: () => location.reload()} : null);
  showConnection('closed');
  $('meeting').hidden = true;
  // The meeting view went away under the keyboard focus: hand it to what replaced it.
  if (hadFocus) (button ?? $('main')).focus();
}

async function main() {
  const token = tokenFromLocation();
  let session;
  try {
    session = await fetchSession(token);
  } catch (error) {
    $('conference-name').textContent = 'Cannot join';
    showNotice(error instanceof SessionError ? error.message : String(error));
    showConnection('closed');
    return;
  }

  $('conference-name').textContent = session.conference_name || `Conference ${session.conference}`;
  $('user-name').textContent = `You are ${session.display_name || `user ${session.user}`}`;
  document.title = `${$('conference-name').textContent} — floorctl`;

  const client = new BfcpClient(
      {url: session.websocket_uri, conference: session.conference, user: session.user});
  const share = new ScreenShare($('preview'), $('preview-empty'));
  const presenters = new Map();
  const views = new Map();
  const template = $('floor-template');
  for (const floor of session.floors) {
    const presenter = new Presenter(client, floor.id, share);
    const view = new FloorView(template, floor, session.user, presenter);
    presenters.set(floor.id, presenter);
    views.set(floor.id, view);
    $('floors').append(view.element);
  }
  const chair = new ChairView(
      $('chair'), session.floors.filter((f) => f.chair), session.user, async (action) => {
        try {
          await client.chairAction(action);
        } catch (error) {
          showNotice(`The chair action failed: ${describe(error)}`);
        }
      });

  const setConnected = (connected) => {
    for (const v of views.values()) {
      v.connected = connected;
      v.render();
    }
  };
  const floorIds = session.floors.map((f) => f.id);
  let ended = false;
  let checkingLink = false;

  client.addEventListener('floorstatus', (e) => {
    const status = e.detail;
    presenters.get(status.floor)?.observe(status);
    views.get(status.floor)?.showStatus(status);
    chair.showStatus(status.floor, status);
    announce('floorstatus', status);
  });
  // The server said Goodbye and went away (stopping or restarting): the page reconnects by itself.
  let serverWentAway = false;
  client.addEventListener('reconnecting', async (e) => {
    if (ended) return;
    showConnection('reconnecting');
    setConnected(false);
    if (e.detail?.goingAway && !serverWentAway) {
      serverWentAway = true;
      showNotice('The server is restarting. This page reconnects by itself.');
    }
    // A server that restarted forgets its tokens: ask once per attempt whether the link still
    // works, and stop trying when it does not.
    if (checkingLink) return;
    checkingLink = true;
    try {
      await fetchSession(token);
    } catch (error) {
      if (error instanceof SessionError && error.expired && !ended) {
        ended = true;
        endMeeting(error.message, presenters);
        client.close().catch(() => {});
      }
    } finally {
      checkingLink = false;
    }
  });
  client.addEventListener('open', (e) => {
    if (ended) return;
    showConnection('open');
    setConnected(true);
    // The client subscribes again by itself; the first FloorStatus then tells each presenter
    // whether its request survived the drop.
    if (e.detail?.reconnected)
      for (const p of presenters.values())
        p.reconnected(serverWentAway ? RESTARTED_NOTE : undefined);
    if (serverWentAway) {
      serverWentAway = false;
      showNotice('');
    }
  });
  client.addEventListener('close', () => {
    if (ended) return;
    ended = true;
    endMeeting('The connection to the meeting ended.', presenters, true);
  });

  $('meeting').hidden = false;
  showConnection('connecting');
  try {
    await client.connect();  // 'open' above shows it
    await client.subscribe(floorIds);
  } catch (error) {
    showNotice(`Could not join the meeting: ${describe(error)}`);
    showConnection('closed');
    return;
  }
  window.addEventListener('pagehide', () => {
    share.stop();
    client.close().catch(() => {});
  });
}

main();
