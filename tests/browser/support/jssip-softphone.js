/// What a web page does to call floorctl with JsSIP and then present under floor control
/// (docs/sip-over-websocket.md, "Browsers: JsSIP"). A classic script for a page that has loaded
/// JsSIP's browser bundle (window.JsSIP); it defines window.softphone. Tests drive it with
/// page.evaluate and read what happened from softphone.log.
///
/// JsSIP builds its SDP offer from an RTCPeerConnection, which knows nothing of BFCP. The page
/// therefore edits the SDP on JsSIP's 'sdp' event: it appends a TCP/WSS/BFCP m-line to the local
/// offer before JsSIP sends it, and takes the BFCP m-line out of the remote answer before
/// Chromium sees it, keeping that line's attributes (websocket-uri, confid, userid, floorid) to
/// open the BFCP connection (RFC 8856, RFC 8857, RFC 8124).

(() => {
  /// The m-line a web client offers for BFCP over WSS: it is the active side, a new connection,
  /// a floor participant (RFC 8857 §7, RFC 8856 §5).
  const BFCP_OFFER = [
    'm=application 9 TCP/WSS/BFCP *', 'c=IN IP4 0.0.0.0', 'a=setup:active', 'a=connection:new',
    'a=floorctrl:c-only'
  ];

  /// `sdp` cut into its session part and its media sections (each starting with its m= line),
  /// as arrays of lines without line ends.
  function sections(sdp) {
    const parts = [[]];
    for (const line of sdp.split(/\r\n|\n/)) {
      if (line === '') continue;
      if (line.startsWith('m=')) parts.push([]);
      parts[parts.length - 1].push(line);
    }
    return parts;
  }

  /// The SDP text of `parts` (CRLF after every line, RFC 8866 §5).
  function text(parts) {
    return parts.flat().map((l) => `${l}\r\n`).join('');
  }

  /// The offer JsSIP is about to send, with the BFCP m-line appended.
  function withBfcpLine(sdp) {
    return text([...sections(sdp), BFCP_OFFER]);
  }

  /// Splits an answer into the SDP Chromium gets (without the BFCP m-line) and what that line
  /// says: {mline, websocketUri, conference, user, floors, setup, floorctrl, others: the m= lines
  /// left for Chromium}; bfcp is null when there is none.
  function takeBfcpLine(sdp) {
    const parts = sections(sdp);
    const at = parts.findIndex((p, i) => i > 0 && /^m=application \d+ [^ ]*\/BFCP /.test(p[0]));
    if (at < 0) return {sdp, bfcp: null};
    const line = parts.splice(at, 1)[0];
    const attr = (name) =>
        line.filter((l) => l.startsWith(`a=${name}:`)).map((l) => l.slice(name.length + 3));
    const bfcp = {
      mline: line[0],
      websocketUri: attr('websocket-uri')[0],
      conference: Number(attr('confid')[0]),
      user: Number(attr('userid')[0]),
      floors: attr('floorid').map((v) => Number(v.split(' ')[0])),
      setup: attr('setup')[0],
      floorctrl: attr('floorctrl')[0],
      others: parts.slice(1).map((p) => p[0]),
    };
    return {sdp: text(parts), bfcp};
  }

  const log = [];
  let ua = null;
  let session = null;
  let bfcp = null;
  let request = null;
  let answered = null;

  /// Resolves when `emitter` emits `event` (first argument), rejects after `ms`.
  function once(emitter, event, ms = 10000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${event} in ${ms} ms`)), ms);
      emitter.once(event, (e) => {
        clearTimeout(timer);
        resolve(e);
      });
    });
  }

  /// Calls `target` (a SIP URI) over the WebSocket `server` (wss://…) without registering,
  /// as sip:`user`@example.org; resolves with the BFCP line of the answer once the call is
  /// confirmed (INVITE, 200, ACK).
  async function call(server, target, user) {
    const socket = new JsSIP.WebSocketInterface(server);
    ua = new JsSIP.UA({
      sockets: [socket],
      uri: `sip:${user}@example.org`,
      display_name: user,
      register: false,
      connection_recovery_min_interval: 2,
      connection_recovery_max_interval: 4,
    });
    // JsSIP says 'disconnected' again for every failed reconnection: only the loss is logged.
    let up = false;
    ua.on('connected', () => (up = true));
    ua.on('disconnected', () => {
      if (up) log.push('ua:disconnected');
      up = false;
    });
    const connected = once(ua, 'connected');
    ua.start();
    await connected;
    log.push(`ua:connected via ${socket.via_transport}`);

    session = ua.call(target, {
      mediaConstraints: {audio: true, video: false},
      pcConfig: {iceServers: []},
    });
    session.on('sending', (e) => log.push(`sending ${e.request.method}`));
    session.on('sdp', (e) => {
      if (e.originator === 'local' && e.type === 'offer') {
        e.sdp = withBfcpLine(e.sdp);
        log.push('sdp:local offer + BFCP m-line');
      } else if (e.originator === 'remote' && e.type === 'answer') {
        const taken = takeBfcpLine(e.sdp);
        e.sdp = taken.sdp;
        answered = taken.bfcp;
        log.push(`sdp:remote answer, BFCP m-line ${taken.bfcp ? 'taken out' : 'missing'}`);
      }
    });
    session.on('accepted', (e) => log.push(`accepted ${e.response.status_code}`));
    session.on('ended', (e) => log.push(`ended ${e.originator} ${e.cause}`));
    session.on('failed', (e) => log.push(`failed ${e.originator} ${e.cause}`));
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('call not confirmed in 15 s')), 15000);
      session.once('confirmed', () => {
        clearTimeout(timer);
        resolve();
      });
      session.once('failed', (e) => {
        clearTimeout(timer);
        reject(new Error(`call failed: ${e.originator} ${e.cause}`));
      });
    });
    log.push('confirmed');
    return answered;
  }

  /// Opens the answered websocket-uri with the BFCP client floorctl serves (/web/bfcp), asks for
  /// the first floor, and on Granted shares the screen (getDisplayMedia) into a preview; resolves
  /// once the preview plays, with what happened. The client records its own close in the log.
  async function present() {
    const {BfcpClient} = await import('/web/bfcp/index.js');
    bfcp = new BfcpClient({
      url: answered.websocketUri,
      conference: answered.conference,
      user: answered.user,
      reconnect: {maxAttempts: 0},
    });
    // Floor control is over for good (the call ended): a sharing page stops its capture.
    bfcp.addEventListener('close', (e) => {
      log.push(`bfcp:close ${e.detail.code} ${e.detail.reason}`);
      if (stopCapture()) log.push('sharing stopped');
    });
    await bfcp.connect();
    log.push('bfcp:open');
    request = bfcp.requestFloor(answered.floors[0]);
    const granted = await request.granted();
    log.push(`bfcp:${granted.status}`);
    const stream = await navigator.mediaDevices.getDisplayMedia({video: true});
    const preview = document.body.appendChild(document.createElement('video'));
    preview.id = 'preview';
    preview.muted = true;
    preview.style.width = '480px';
    preview.srcObject = stream;
    await preview.play();
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the preview shows nothing in 10 s')), 10000);
      preview.requestVideoFrameCallback(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    const track = stream.getVideoTracks()[0];
    log.push(`sharing ${track.kind} ${track.readyState}`);
    return {status: granted.status, track: track.readyState, width: preview.videoWidth};
  }

  /// Ends the capture and removes its preview; false when nothing was shared.
  function stopCapture() {
    const preview = document.getElementById('preview');
    if (!preview) return false;
    preview.srcObject.getTracks().forEach((t) => t.stop());
    preview.remove();
    return true;
  }

  /// Stops sharing and releases the floor; resolves with the released request's status.
  async function stopPresenting() {
    stopCapture();
    const released = await request.release();
    log.push(`bfcp:${released.status}`);
    return released.status;
  }

  /// Hangs up (BYE) and resolves once JsSIP says the call ended.
  async function hangUp() {
    const ended = once(session, 'ended');
    session.terminate();
    await ended;
  }

  /// Resolves once the BFCP client is closed for good (bounded).
  function bfcpClosed(ms = 10000) {
    if (bfcp.state === 'closed') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer =
          setTimeout(() => reject(new Error(`BFCP still ${bfcp.state} after ${ms} ms`)), ms);
      bfcp.addEventListener('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /// Stops the user agent (its WebSocket closes).
  function stop() {
    ua?.stop();
  }

  window.softphone =
      {call, present, stopPresenting, hangUp, bfcpClosed, stop, log, withBfcpLine, takeBfcpLine};
})();
