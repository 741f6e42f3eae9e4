/// Outstanding client transactions (RFC 8855 §8): non-zero transaction IDs, one per request,
/// wrapping around after 65535 and never reusing one still outstanding; each with a timeout.

import {Primitive} from './constants.js';
import {BfcpError, BfcpTimeoutError} from './errors.js';

/**
 * Timer functions (globalThis's by default; tests pass a manual clock).
 * @typedef {Object} Timers
 * @property {(fn: () => void, ms: number) => unknown} setTimeout
 * @property {(handle: any) => void} clearTimeout
 */

/**
 * @typedef {Object} Pending
 * @property {(m: import('./codec.js').BfcpMessage) => void} answer
 * @property {(e: Error) => void} fail
 * @property {unknown} timer
 */

export class TransactionTable {
  /**
   * @param {Timers} timers
   * @param {number} timeoutMs
   */
  constructor(timers, timeoutMs) {
    this.timers = timers;
    this.timeoutMs = timeoutMs;
    /** @type {Map<number, Pending>} */
    this.pending = new Map();
    this.last = 0;
  }

  /** @returns {number} outstanding transactions */
  get size() {
    return this.pending.size;
  }

  /**
   * Opens a transaction: `answer` gets the reply with its ID (an Error reply goes to `fail` as a
   * BfcpError), `fail` also gets a BfcpTimeoutError after the timeout.
   * @param {string} what the request's name, for the timeout error
   * @param {(m: import('./codec.js').BfcpMessage) => void} answer
   * @param {(e: Error) => void} fail
   * @returns {number} the transaction ID to send
   */
  begin(what, answer, fail) {
    const tid = this.nextId();
    const timer = this.timers.setTimeout(() => {
      if (this.pending.delete(tid))
        fail(new BfcpTimeoutError(`${what} within ${this.timeoutMs} ms`));
    }, this.timeoutMs);
    this.pending.set(tid, {answer, fail, timer});
    return tid;
  }

  /**
   * Hands a received message to its transaction.
   * @param {import('./codec.js').BfcpMessage} m
   * @returns {boolean} whether a transaction was waiting for it
   */
  settle(m) {
    const p = m.transaction === 0 ? undefined : this.pending.get(m.transaction);
    if (!p) return false;
    this.pending.delete(m.transaction);
    this.timers.clearTimeout(p.timer);
    if (m.primitive === Primitive.Error) {
      p.fail(
          new BfcpError(m.code ?? 0, m.errorInfo ?? '', {unknownAttributes: m.unknownAttributes}));
    } else {
      p.answer(m);
    }
    return true;
  }

  /**
   * Fails one transaction (e.g. its request could not be sent).
   * @param {number} tid
   * @param {Error} e
   */
  abort(tid, e) {
    const p = this.pending.get(tid);
    if (!p) return;
    this.pending.delete(tid);
    this.timers.clearTimeout(p.timer);
    p.fail(e);
  }

  /**
   * Fails every outstanding transaction.
   * @param {Error} e
   */
  failAll(e) {
    for (const tid of [...this.pending.keys()]) this.abort(tid, e);
  }

  /** @returns {number} the next free ID in 1..65535 */
  nextId() {
    if (this.pending.size >= 0xffff) throw new RangeError('65535 transactions outstanding');
    do {
      this.last = this.last >= 0xffff ? 1 : this.last + 1;
    } while (this.pending.has(this.last));
    return this.last;
  }
}
