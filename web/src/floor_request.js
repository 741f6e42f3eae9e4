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

/** @typedef {import('./details.js').RequestStatusDetail} RequestStatusDetail */
/**
 * @typedef {{resolve: (d: RequestStatusDetail) => void, reject: (e: Error) => void}} GrantWaiter
 */
/** @typedef {(r: FloorRequest) => Promise<RequestStatusDetail>} ReleaseFunction */

/**
 * What BfcpClient does to its requests, set by FloorRequest's static block: the only way in to
 * its private members from outside the class (see createFloorRequest, updateRequest and
 * failRequest).
 * @type {{
 *   create: (floor: number, release: ReleaseFunction) => FloorRequest,
 *   update: (r: FloorRequest, d: RequestStatusDetail) => void,
 *   fail: (r: FloorRequest, e: Error) => void
 * }}
 */
let access;

/**
 * A floor request (returned by BfcpClient.requestFloor). Dispatches 'status' events whose
 * detail is a RequestStatusDetail, for every FloorRequestStatus the server sends about it.
 */
export class FloorRequest extends EventTarget {
  /** The floor asked for. @type {number} */
  floor = 0;
  /** Floor request ID the server assigned (null until it answered). @type {number | null} */
  id = null;
  /** @type {import('./constants.js').RequestStatusName | null} */
  status = null;
  /** Queue position (0 when not queued). @type {number} */
  queuePosition = 0;
  /** STATUS-INFO of the last status. @type {string} */
  statusInfo = '';
  /** @type {ReleaseFunction} */
  #release = () => Promise.reject(new Error('not a request of a BfcpClient'));
  /** @type {GrantWaiter[]} */
  #grantWaiters = [];
  /** @type {(d: RequestStatusDetail) => void} */
  #resolveSent = () => {};
  /** @type {(e: Error) => void} */
  #rejectSent = () => {};
  /**
   * Resolves with the first FloorRequestStatus (the server's answer), rejects with a
   * BfcpError (an Error reply, a timeout, the connection lost).
   * @type {Promise<RequestStatusDetail>}
   */
  sent = new Promise((resolve, reject) => {
    this.#resolveSent = resolve;
    this.#rejectSent = reject;
  });

  static {
    access = {
      create: (floor, release) => {
        const r = new FloorRequest();
        r.floor = floor;
        r.#release = release;
        r.sent.catch(() => {});  // an application that never awaits `sent` sees no unhandled
                                 // rejection
        return r;
      },
      update: (r, d) => r.#update(d),
      fail: (r, e) => r.#fail(e),
    };
  }

  /**
   * Resolves when the floor is granted (at once if it is), rejects with a RequestEndedError if
   * the request is denied, revoked, cancelled or released first, or with the error of `sent`.
   * @returns {Promise<RequestStatusDetail>}
   */
  granted() {
    if (this.status === 'granted') return Promise.resolve(this.#detail());
    if (isFinal(this.status))
      return Promise.reject(
          new RequestEndedError(/** @type {string} */ (this.status), this.statusInfo));
    return new Promise((resolve, reject) => {
      this.#grantWaiters.push({resolve, reject});
      this.sent.catch(reject);
    });
  }

  /**
   * Releases the floor (FloorRelease; cancels the request when not yet granted). Resolves with
   * the server's answer, at once when the request is already over.
   * @returns {Promise<RequestStatusDetail>}
   */
  async release() {
    await this.sent;
    if (isFinal(this.status)) return this.#detail();
    return this.#release(this);
  }

  /** @returns {RequestStatusDetail} */
  #detail() {
    return {
      requestId: this.id ?? 0,
      status: /** @type {import('./constants.js').RequestStatusName} */ (this.status),
      queuePosition: this.queuePosition,
      statusInfo: this.statusInfo,
    };
  }

  /**
   * Applies a status from the server (the first one also resolves `sent`).
   * @param {RequestStatusDetail} d
   */
  #update(d) {
    const first = this.id === null;
    this.id = d.requestId;
    this.status = d.status;
    this.queuePosition = d.queuePosition;
    this.statusInfo = d.statusInfo;
    if (first) this.#resolveSent(d);
    this.dispatchEvent(new DetailEvent('status', d));
    if (d.status === 'granted')
      this.#settleGrant((w) => w.resolve(d));
    else if (isFinal(d.status)) {
      const e = new RequestEndedError(d.status, d.statusInfo);
      this.#settleGrant((w) => w.reject(e));
    }
  }

  /**
   * The request failed before the server answered it.
   * @param {Error} e
   */
  #fail(e) {
    this.#rejectSent(e);
    this.#settleGrant((w) => w.reject(e));
  }

  /** @param {(w: GrantWaiter) => void} f */
  #settleGrant(f) {
    const waiters = this.#grantWaiters;
    this.#grantWaiters = [];
    for (const w of waiters) f(w);
  }
}

/**
 * A new request on `floor` whose release() calls `release` (BfcpClient only; not exported from
 * the package).
 * @param {number} floor
 * @param {ReleaseFunction} release
 * @returns {FloorRequest}
 */
export function createFloorRequest(floor, release) {
  return access.create(floor, release);
}

/**
 * Applies a status from the server to `r` (the first one also resolves `sent`; BfcpClient only).
 * @param {FloorRequest} r
 * @param {RequestStatusDetail} d
 */
export function updateRequest(r, d) {
  access.update(r, d);
}

/**
 * `r` failed before the server answered it (BfcpClient only).
 * @param {FloorRequest} r
 * @param {Error} e
 */
export function failRequest(r, e) {
  access.fail(r, e);
}
