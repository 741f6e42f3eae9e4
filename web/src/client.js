/// BfcpClient: a floor participant (or chair) speaking BFCP over WebSocket (RFC 8857) to a
/// floor control server. Browser WebSocket API; in Node pass a WebSocket implementation.

import {backoffDelay, RECONNECT_DEFAULTS} from './backoff.js';
import {decode, encode} from './codec.js';
import {ErrorCode, Primitive, primitiveName, Priority, requestStatusCode} from './constants.js';
import {floorStatusDetail, requestDetail, userStatusDetail} from './details.js';
import {BfcpClosedError, BfcpDecodeError, BfcpError} from './errors.js';
import {DetailEvent} from './events.js';
import {createFloorRequest, failRequest, isFinal, updateRequest} from './floor_request.js';
import {TransactionTable} from './transactions.js';

/** @typedef {import('./floor_request.js').FloorRequest} FloorRequest */

/**
 * The subset of the WebSocket API the client uses (browsers' WebSocket, Node 22's, `ws`).
 * @typedef {Object} WebSocketLike
 * @property {string} binaryType
 * @property {number} readyState
 * @property {(data: Uint8Array) => void} send
 * @property {(code?: number, reason?: string) => void} close
 * @property {(type: string, listener: (e: any) => void) => void} addEventListener
 */

/**
 * @typedef {new (url: string, protocols?: string | string[]) => WebSocketLike}
 * WebSocketConstructor
 */

/**
 * @typedef {Object} BfcpClientOptions
 * @property {string} url WebSocket URL, token included (`websocket_uri` of /api/session)
 * @property {number} conference conference ID
 * @property {number} user user ID
 * @property {WebSocketConstructor} [WebSocket] default globalThis.WebSocket
 * @property {number} [requestTimeoutMs] default 5000
 * @property {import('./backoff.js').ReconnectOptions} [reconnect]
 * @property {string} [protocol] WebSocket sub-protocol, default "bfcp" (matched
 *   case-insensitively by the server)
 * @property {import('./transactions.js').Timers} [timers] default globalThis's
 * @property {() => number} [random] jitter source, default Math.random
 */

/** @typedef {'connecting'|'open'|'reconnecting'|'closed'} ClientState */

/** WebSocket readyState OPEN. */
const OPEN = 1;

/** WebSocket close code 1001 Going Away (RFC 6455 §7.4.1). */
const GOING_AWAY = 1001;

/** How long after the server's Goodbye the client waits for the close that says why. */
const GOODBYE_CLOSE_WAIT_MS = 2000;

/**
 * A BFCP client. Events: 'open' (detail {reconnected}), 'close' (detail {code, reason}),
 * 'reconnecting' (detail {attempt, delayMs, goingAway}: goingAway when the server said Goodbye
 * and closed with 1001, i.e. it is stopping or restarting), 'error' (detail: the Error: a frame
 * that is not BFCP, an Error reply no request waits for, a failed restore), 'floorstatus' (detail:
 * FloorStatusDetail), 'requeststatus' (detail: RequestStatusDetail).
 */
export class BfcpClient extends EventTarget {
  /** @param {BfcpClientOptions} options */
  constructor(options) {
    super();
    const WS = options.WebSocket ?? /** @type {any} */ (globalThis).WebSocket;
    if (typeof WS !== 'function')
      throw new TypeError('no WebSocket implementation: pass one as options.WebSocket');
    /** @private */ this.WS = /** @type {WebSocketConstructor} */ (WS);
    /** @type {string} */ this.url = options.url;
    /** @type {number} */ this.conference = options.conference;
    /** @type {number} */ this.user = options.user;
    /** @private */ this.protocol = options.protocol ?? 'bfcp';
    /** @private */ this.reconnectOptions = {...RECONNECT_DEFAULTS, ...options.reconnect};
    /** @private */ this.timers = options.timers ?? {
      setTimeout: (/** @type {() => void} */ f, /** @type {number} */ ms) =>
          globalThis.setTimeout(f, ms),
      clearTimeout: (/** @type {any} */ h) => globalThis.clearTimeout(h),
    };
    /** @private */ this.random = options.random ?? Math.random;
    /** @private */ this.requestTimeoutMs = options.requestTimeoutMs ?? 5000;
    /** @private */ this.tx = new TransactionTable(this.timers, this.requestTimeoutMs);
    /** @private @type {WebSocketLike | null} */ this.ws = null;
    /** @private @type {ClientState} */ this.currentState = 'closed';
    /** @private @type {Map<number, FloorRequest>} requests with an ID, not over */
    this.requests = new Map();
    /** @private @type {Set<FloorRequest>} requests sent, not answered yet */
    this.unanswered = new Set();
    /** @private @type {number[]} */ this.subscriptions = [];
    /** @private */ this.attempt = 0;
    /** @private @type {unknown} */ this.reconnectTimer = null;
    /** @private @type {unknown} set between the server's Goodbye and the close that follows */
    this.goodbyeTimer = null;
    /** @private the connection dropped after the server's Goodbye and a 1001 close */
    this.goingAway = false;
  }

  /** @returns {ClientState} */
  get state() {
    return this.currentState;
  }

  /**
   * Opens the WebSocket (sub-protocol "bfcp"), sends Hello and resolves on HelloAck. Rejects
   * (and the state goes back to 'closed') when the connection fails or no HelloAck comes within
   * requestTimeoutMs; reconnection only starts once a connection was open.
   * @returns {Promise<void>}
   */
  async connect() {
    if (this.currentState !== 'closed') throw new Error(`connect() while ${this.currentState}`);
    this.setState('connecting');
    try {
      await this.dial();
    } catch (e) {
      this.setState('closed');
      throw e;
    }
    this.setState('open');
    this.dispatchEvent(new DetailEvent('open', {reconnected: false}));
  }

  /**
   * Asks for a floor (FloorRequest). The returned FloorRequest follows the request's status.
   * @param {number} floorId
   * @param {{priority?: number | keyof typeof Priority, info?: string, beneficiary?: number}}
   *     [options]
   *   priority 0..4 or 'lowest'…'highest'; info: PARTICIPANT-PROVIDED-INFO; beneficiary: a
   *   third party's user ID (chairs)
   * @returns {FloorRequest}
   */
  requestFloor(floorId, options = {}) {
    const r = createFloorRequest(floorId, (req) => this.releaseRequest(req));
    const priority =
        typeof options.priority === 'string' ? Priority[options.priority] : options.priority;
    if (options.priority !== undefined && priority === undefined)
      throw new RangeError(`unknown priority "${options.priority}"`);
    this.unanswered.add(r);
    this.send(
        'FloorRequest',
        {
          primitive: Primitive.FloorRequest,
          floors: [floorId],
          priority,
          participantInfo: options.info,
          beneficiary: options.beneficiary
        },
        (m) => {
          this.unanswered.delete(r);
          const d = m.info && requestDetail(m.info, floorId);
          if (!d)
            return failRequest(
                r,
                new BfcpError(0, 'FloorRequestStatus without a status', {name: 'ProtocolError'}));
          if (!isFinal(d.status)) this.requests.set(d.requestId, r);
          updateRequest(r, d);  // later FloorRequestStatus with the same ID: see onRequestStatus()
        },
        (e) => {
          this.unanswered.delete(r);
          failRequest(r, e);
        });
    return r;
  }

  /**
   * Subscribes to the floors' status (FloorQuery; replaces the previous subscription, an empty
   * list ends it). Resolves with the first FloorStatus; every FloorStatus, this one included,
   * is dispatched as a 'floorstatus' event. The subscription is restored after reconnecting.
   * @param {number[]} floorIds
   * @returns {Promise<import('./details.js').FloorStatusDetail>}
   */
  subscribe(floorIds) {
    this.subscriptions = [...floorIds];
    return this.request('FloorQuery', {primitive: Primitive.FloorQuery, floors: this.subscriptions})
        .then(floorStatusDetail);
  }

  /**
   * A chair's decision on a request (ChairAction); resolves on ChairActionAck.
   * @param {{requestId: number, floor: number, status: 'accepted'|'denied'|'revoked'|'granted',
   *          info?: string, queuePosition?: number}} action
   * @returns {Promise<void>}
   */
  async chairAction(action) {
    const status = requestStatusCode(action.status);
    const group = {
      floor: action.floor,
      status,
      queuePosition: action.queuePosition ?? 0,
      statusInfo: action.info
    };
    await this.request(
        'ChairAction',
        {primitive: Primitive.ChairAction, info: {id: action.requestId, floors: [group]}});
  }

  /**
   * The requests of a user (UserQuery; without an ID, this client's user).
   * @param {number} [userId]
   * @returns {Promise<import('./details.js').UserStatusDetail>}
   */
  userQuery(userId) {
    return this.request('UserQuery', {primitive: Primitive.UserQuery, beneficiary: userId})
        .then(userStatusDetail);
  }

  /**
   * The status of a floor request (FloorRequestQuery). A FloorRequest of this client with that
   * ID is updated too.
   * @param {number} requestId
   * @returns {Promise<import('./details.js').RequestStatusDetail>}
   */
  async requestQuery(requestId) {
    const m = await this.request(
        'FloorRequestQuery', {primitive: Primitive.FloorRequestQuery, requestId});
    return this.answerDetail(m);
  }

  /**
   * Ends the association: Goodbye, waits for GoodbyeAck (at most requestTimeoutMs), closes the
   * WebSocket with 1000. No reconnection follows.
   * @returns {Promise<void>}
   */
  async close() {
    if (this.currentState === 'closed') return;
    this.cancelReconnect();
    const ws = this.ws;
    if (ws && this.currentState === 'open') {
      try {
        await this.request('Goodbye', {primitive: Primitive.Goodbye});
      } catch {
        // no GoodbyeAck: close anyway
      }
    }
    this.finish({code: 1000, reason: 'closed by the client'});
  }

  // --- internals ---------------------------------------------------------------------------

  /**
   * @private
   * @param {ClientState} s
   */
  setState(s) {
    this.currentState = s;
  }

  /**
   * Opens one WebSocket and does the Hello exchange on it.
   * @private
   * @returns {Promise<void>}
   */
  dial() {
    return new Promise((resolve, reject) => {
      const ws = new this.WS(this.url, this.protocol);
      ws.binaryType = 'arraybuffer';
      this.ws = ws;
      let handshaking = true;
      /** @param {Error} e */
      const fail = (e) => {
        if (!handshaking) return;
        handshaking = false;
        this.timers.clearTimeout(timer);
        if (this.ws === ws) this.ws = null;
        this.tx.failAll(e);
        safeClose(ws, 1000);
        reject(e);
      };
      const timer = this.timers.setTimeout(
          () => fail(new BfcpError(
              0, `no HelloAck within ${this.requestTimeoutMs} ms`, {name: 'Timeout'})),
          this.requestTimeoutMs);
      ws.addEventListener('open', () => {
        this.request('Hello', {primitive: Primitive.Hello}).then(() => {
          if (!handshaking) return;
          handshaking = false;
          this.timers.clearTimeout(timer);
          resolve();
        }, fail);
      });
      ws.addEventListener('message', (e) => {
        if (this.ws === ws) this.onFrame(e.data);
      });
      ws.addEventListener('close', (e) => {
        if (handshaking)
          fail(new BfcpClosedError(`connection closed during the handshake (${e.code})`));
        else if (this.ws === ws)
          this.onDrop(e);
      });
      ws.addEventListener('error', () => {});  // a 'close' event follows
    });
  }

  /**
   * Sends a request and waits for its answer.
   * @private
   * @param {string} what
   * @param {Omit<import('./codec.js').BfcpMessage, 'conference'|'user'|'transaction'>} body
   * @returns {Promise<import('./codec.js').BfcpMessage>}
   */
  request(what, body) {
    return new Promise((resolve, reject) => this.send(what, body, resolve, reject));
  }

  /**
   * @private
   * @param {string} what
   * @param {Omit<import('./codec.js').BfcpMessage, 'conference'|'user'|'transaction'>} body
   * @param {(m: import('./codec.js').BfcpMessage) => void} answer
   * @param {(e: Error) => void} fail
   */
  send(what, body, answer, fail) {
    const ws = this.ws;
    if (this.goodbyeTimer !== null) {
      fail(new BfcpClosedError('the server said Goodbye'));
      return;
    }
    if (!ws || ws.readyState !== OPEN) {
      fail(new BfcpClosedError(`not connected (${this.currentState})`));
      return;
    }
    const tid = this.tx.begin(what, answer, fail);
    try {
      ws.send(encode({...body, conference: this.conference, user: this.user, transaction: tid}));
    } catch (e) {
      this.tx.abort(tid, /** @type {Error} */ (e));  // a field out of range, or the socket closing
    }
  }

  /**
   * @private
   * @param {unknown} data a WebSocket message's data
   */
  onFrame(data) {
    let m;
    try {
      if (typeof data === 'string')
        throw new BfcpDecodeError(0, 'text frame: BFCP travels in binary frames');
      m = decode(/** @type {ArrayBuffer} */ (data));
    } catch (e) {
      this.emitError(/** @type {Error} */ (e));
      return;
    }
    if (m.conference !== this.conference || m.user !== this.user) {
      this.emitError(new BfcpDecodeError(
          0,
          `${primitiveName(m.primitive)} for conference ${m.conference} user ${m.user}, not ours`));
      return;
    }
    switch (m.primitive) {
      case Primitive.Goodbye:
        this.onGoodbye(m.transaction);
        return;
      case Primitive.FloorRequestStatus:
        this.tx.settle(m);
        if (m.info) this.onRequestStatus(m.info);
        return;
      case Primitive.FloorStatus:
        this.tx.settle(m);
        this.dispatchEvent(new DetailEvent('floorstatus', floorStatusDetail(m)));
        return;
      case Primitive.Error:
        if (!this.tx.settle(m))
          this.emitError(new BfcpError(
              m.code ?? 0, m.errorInfo ?? '', {unknownAttributes: m.unknownAttributes}));
        return;
      default:
        this.tx.settle(
            m);  // answers; anything else (acks of unreliable transports, vendor) ignored
    }
  }

  /**
   * A FloorRequestStatus: updates the FloorRequest with its ID and tells the application.
   * @private
   * @param {import('./attributes.js').FloorRequestInformation} fri
   */
  onRequestStatus(fri) {
    const r = this.requests.get(fri.id);
    const d = requestDetail(fri, r?.floor);
    if (!d) return;
    if (r &&
        (r.status !== d.status || r.queuePosition !== d.queuePosition ||
         r.statusInfo !== d.statusInfo)) {
      if (isFinal(d.status)) this.requests.delete(fri.id);
      updateRequest(r, d);
    }
    this.dispatchEvent(new DetailEvent('requeststatus', d));
  }

  /**
   * The detail of a FloorRequestStatus answer.
   * @private
   * @param {import('./codec.js').BfcpMessage} m
   * @returns {import('./details.js').RequestStatusDetail}
   */
  answerDetail(m) {
    const d = m.info && requestDetail(m.info, this.requests.get(m.info.id)?.floor);
    if (!d) throw new BfcpError(0, 'FloorRequestStatus without a status', {name: 'ProtocolError'});
    return d;
  }

  /**
   * @private
   * @param {FloorRequest} r
   * @returns {Promise<import('./details.js').RequestStatusDetail>}
   */
  async releaseRequest(r) {
    const m = await this.request(
        'FloorRelease', {primitive: Primitive.FloorRelease, requestId: r.id ?? 0});
    return this.answerDetail(m);
  }

  /**
   * The server ends the association: GoodbyeAck, then the WebSocket close decides. A close with
   * 1001 (Going Away) means the server is stopping or restarting, not that this participant is
   * done: onDrop() reconnects as for any drop. Any other close, or none within
   * GOODBYE_CLOSE_WAIT_MS, closes the client for good.
   * @private
   * @param {number} tid
   */
  onGoodbye(tid) {
    const ws = this.ws;
    if (!ws || this.goodbyeTimer !== null) return;
    // During a Hello the close that follows fails the attempt, as any close would.
    const waitForClose = this.currentState === 'open';
    try {
      ws.send(encode({
        primitive: Primitive.GoodbyeAck,
        conference: this.conference,
        user: this.user,
        transaction: tid
      }));
    } catch {
      // closing anyway
    }
    if (!waitForClose) return;
    this.dropInFlight(new BfcpClosedError('the server said Goodbye'));
    this.goodbyeTimer = this.timers.setTimeout(() => {
      this.goodbyeTimer = null;
      this.finish({code: 1000, reason: 'the server said Goodbye'});
    }, GOODBYE_CLOSE_WAIT_MS);
  }

  /**
   * The connection dropped after the handshake: reconnect (unless reconnection is off). After
   * the server's Goodbye only a 1001 close reconnects.
   * @private
   * @param {{code?: number, reason?: string}} e
   */
  onDrop(e) {
    const saidGoodbye = this.goodbyeTimer !== null;
    this.cancelGoodbyeWait();
    if (saidGoodbye && e.code !== GOING_AWAY) {
      this.finish({code: 1000, reason: 'the server said Goodbye'});
      return;
    }
    this.goingAway = saidGoodbye;
    this.ws = null;
    this.dropInFlight(new BfcpClosedError(`connection lost (${e.code ?? 0})`));
    if (this.reconnectOptions.maxAttempts > 0)
      this.scheduleReconnect();
    else
      this.finish({code: e.code ?? 1006, reason: e.reason ?? 'connection lost'});
  }

  /** @private */
  cancelGoodbyeWait() {
    if (this.goodbyeTimer !== null) this.timers.clearTimeout(this.goodbyeTimer);
    this.goodbyeTimer = null;
  }

  /**
   * Fails the outstanding transactions; requests the server never answered fail with them.
   * @private
   * @param {Error} e
   */
  dropInFlight(e) {
    this.tx.failAll(e);
    for (const r of this.unanswered) failRequest(r, e);
    this.unanswered.clear();
  }

  /** @private */
  scheduleReconnect() {
    this.attempt += 1;
    if (this.attempt > this.reconnectOptions.maxAttempts) {
      this.finish({code: 1006, reason: `gave up after ${this.attempt - 1} reconnection attempts`});
      return;
    }
    const delayMs = backoffDelay(this.attempt, this.reconnectOptions, this.random);
    this.setState('reconnecting');
    this.dispatchEvent(new DetailEvent(
        'reconnecting', {attempt: this.attempt, delayMs, goingAway: this.goingAway}));
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = null;
      this.dial().then(
          () => {
            if (this.currentState !== 'reconnecting') return;  // closed while dialling
            this.attempt = 0;
            this.goingAway = false;
            this.setState('open');
            this.dispatchEvent(new DetailEvent('open', {reconnected: true}));
            this.restore();
          },
          () => {
            if (this.currentState === 'reconnecting') this.scheduleReconnect();
          });
    }, delayMs);
  }

  /**
   * After reconnecting: the floor subscription again, and every request still going asked for
   * (one the server no longer knows is cancelled).
   * @private
   */
  restore() {
    if (this.subscriptions.length > 0) {
      this.subscribe(this.subscriptions).catch((e) => this.emitError(e));
    }
    for (const [id, r] of [...this.requests]) {
      this.requestQuery(id).catch((/** @type {Error} */ e) => {
        if (e instanceof BfcpError && e.code === ErrorCode.FloorRequestIdDoesNotExist) {
          this.requests.delete(id);
          updateRequest(r, {
            requestId: id,
            status: 'cancelled',
            queuePosition: 0,
            statusInfo: `the server no longer knows request ${id} after reconnecting (${e.info})`
          });
        } else {
          this.emitError(e);
        }
      });
    }
  }

  /** @private */
  cancelReconnect() {
    if (this.reconnectTimer !== null) this.timers.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  /**
   * Closed for good: requests still going are cancelled, 'close' is dispatched.
   * @private
   * @param {{code: number, reason: string}} detail
   */
  finish(detail) {
    this.cancelReconnect();
    this.cancelGoodbyeWait();
    this.goingAway = false;
    const ws = this.ws;
    this.ws = null;
    if (ws) safeClose(ws, 1000);
    this.dropInFlight(new BfcpClosedError(detail.reason));
    this.setState('closed');
    this.attempt = 0;
    for (const [id, r] of [...this.requests]) {
      this.requests.delete(id);
      updateRequest(
          r, {requestId: id, status: 'cancelled', queuePosition: 0, statusInfo: detail.reason});
    }
    this.dispatchEvent(new DetailEvent('close', detail));
  }

  /**
   * @private
   * @param {Error} e
   */
  emitError(e) {
    this.dispatchEvent(new DetailEvent('error', e));
  }
}

/**
 * @param {WebSocketLike} ws
 * @param {number} code
 */
function safeClose(ws, code) {
  try {
    ws.close(code);
  } catch {
    // already closing
  }
}
