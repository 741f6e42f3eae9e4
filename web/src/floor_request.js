/// One floor request of a BfcpClient: its ID, its status as the server reports it, and promises
/// for the moments an application waits for (answered, granted).

import {RequestEndedError} from './errors.js';
import {DetailEvent} from './events.js';

/** Statuses after which a request is over. */
const FINAL = new Set(['denied', 'cancelled', 'released', 'revoked']);

/**
 * @param {string | null} status
 * @returns {boolean}
 */
export function isFinal(status) {
  return status !== null && FINAL.has(status);
}

/**
 * A floor request (returned by BfcpClient.requestFloor). Dispatches 'status' events whose
 * detail is a RequestStatusDetail, for every FloorRequestStatus the server sends about it.
 */
export class FloorRequest extends EventTarget {
  /**
   * @internal
   * @param {number} floor
   * @param {(r: FloorRequest) => Promise<import('./details.js').RequestStatusDetail>} release
   */
  constructor(floor, release) {
    super();
    /** The floor asked for. @type {number} */
    this.floor = floor;
    /** Floor request ID the server assigned (null until it answered). @type {number | null} */
    this.id = null;
    /** @type {import('./constants.js').RequestStatusName | null} */
    this.status = null;
    /** Queue position (0 when not queued). @type {number} */
    this.queuePosition = 0;
    /** STATUS-INFO of the last status. @type {string} */
    this.statusInfo = '';
    /** @type {(r: FloorRequest) => Promise<import('./details.js').RequestStatusDetail>} */
    this._release = release;
    /**
     * @type {Array<{resolve: (d: import('./details.js').RequestStatusDetail) => void, reject: (e:
     *     Error) => void}>}
     */
    this._grantWaiters = [];
    /** @type {(d: import('./details.js').RequestStatusDetail) => void} */
    this._resolveSent = () => {};
    /** @type {(e: Error) => void} */
    this._rejectSent = () => {};
    /**
     * Resolves with the first FloorRequestStatus (the server's answer), rejects with a
     * BfcpError (an Error reply, a timeout, the connection lost).
     * @type {Promise<import('./details.js').RequestStatusDetail>}
     */
    this.sent = new Promise((resolve, reject) => {
      this._resolveSent = resolve;
      this._rejectSent = reject;
    });
    this.sent.catch(
        () => {});  // an application that never awaits `sent` sees no unhandled rejection
  }

  /**
   * Resolves when the floor is granted (at once if it is), rejects with a RequestEndedError if
   * the request is denied, revoked, cancelled or released first, or with the error of `sent`.
   * @returns {Promise<import('./details.js').RequestStatusDetail>}
   */
  granted() {
    if (this.status === 'granted') return Promise.resolve(this._detail());
    if (isFinal(this.status))
      return Promise.reject(
          new RequestEndedError(/** @type {string} */ (this.status), this.statusInfo));
    return new Promise((resolve, reject) => {
      this._grantWaiters.push({resolve, reject});
      this.sent.catch(reject);
    });
  }

  /**
   * Releases the floor (FloorRelease; cancels the request when not yet granted). Resolves with
   * the server's answer, at once when the request is already over.
   * @returns {Promise<import('./details.js').RequestStatusDetail>}
   */
  async release() {
    await this.sent;
    if (isFinal(this.status)) return this._detail();
    return this._release(this);
  }

  /** @internal @returns {import('./details.js').RequestStatusDetail} */
  _detail() {
    return {
      requestId: this.id ?? 0,
      status: /** @type {import('./constants.js').RequestStatusName} */ (this.status),
      queuePosition: this.queuePosition,
      statusInfo: this.statusInfo,
    };
  }

  /**
   * Applies a status from the server (the first one also resolves `sent`).
   * @internal
   * @param {import('./details.js').RequestStatusDetail} d
   */
  _update(d) {
    const first = this.id === null;
    this.id = d.requestId;
    this.status = d.status;
    this.queuePosition = d.queuePosition;
    this.statusInfo = d.statusInfo;
    if (first) this._resolveSent(d);
    this.dispatchEvent(new DetailEvent('status', d));
    if (d.status === 'granted')
      this._settleGrant((w) => w.resolve(d));
    else if (isFinal(d.status)) {
      const e = new RequestEndedError(d.status, d.statusInfo);
      this._settleGrant((w) => w.reject(e));
    }
  }

  /**
   * The request failed before the server answered it.
   * @internal
   * @param {Error} e
   */
  _fail(e) {
    this._rejectSent(e);
    this._settleGrant((w) => w.reject(e));
  }

  /**
   * @internal
   * @param {(w: {resolve: (d: import('./details.js').RequestStatusDetail) => void, reject: (e:
   *     Error) => void}) => void} f
   */
  _settleGrant(f) {
    const waiters = this._grantWaiters;
    this._grantWaiters = [];
    for (const w of waiters) f(w);
  }
}
