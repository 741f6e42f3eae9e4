/// The errors the library raises: BfcpError (an Error message from the server, or a failure of
/// the client: timeout, closed connection, request ended) and BfcpDecodeError (bytes that are
/// not a valid BFCP message).

import {errorName} from './constants.js';

/**
 * A BFCP failure. For an Error message from the server, `code` is its Error Code (1..14),
 * `name` the RFC name ("UnauthorizedOperation", "InvalidFloorId", …) and `info` its
 * ERROR-INFO text. Failures of the client itself have code 0 and the names "Timeout",
 * "ConnectionClosed" and "RequestEnded".
 */
export class BfcpError extends Error {
  /**
   * @param {number} code Error Code, or 0 for a failure of the client
   * @param {string} [info] ERROR-INFO text, or what went wrong
   * @param {{name?: string, unknownAttributes?: number[]}} [extra]
   */
  constructor(code, info = '', extra = {}) {
    const name = extra.name ?? errorName(code);
    super(info ? `${name}: ${info}` : name);
    /** @type {string} */
    this.name = name;
    /** @type {number} */
    this.code = code;
    /** @type {string} */
    this.info = info;
    /** Attribute types the server did not understand (Error Code 4). @type {number[]} */
    this.unknownAttributes = extra.unknownAttributes ?? [];
  }
}

/** No answer to a request within `requestTimeoutMs`. */
export class BfcpTimeoutError extends BfcpError {
  /** @param {string} what the request that got no answer */
  constructor(what) {
    super(0, `no answer to ${what}`, {name: 'Timeout'});
  }
}

/** The connection closed (or was closed) before the answer came. */
export class BfcpClosedError extends BfcpError {
  /** @param {string} [why] */
  constructor(why = 'connection closed') {
    super(0, why, {name: 'ConnectionClosed'});
  }
}

/** A floor request ended (denied, revoked, cancelled, released) before what was awaited. */
export class RequestEndedError extends BfcpError {
  /**
   * @param {string} status the final status, e.g. "denied"
   * @param {string} [statusInfo] STATUS-INFO text from the server
   */
  constructor(status, statusInfo = '') {
    super(0, statusInfo ? `request ${status} (${statusInfo})` : `request ${status}`, {
      name: 'RequestEnded',
    });
    /** @type {string} */
    this.status = status;
    /** @type {string} */
    this.statusInfo = statusInfo;
  }
}

/**
 * Bytes that are not a valid BFCP message. `code` is the Error Code a receiver answers with
 * (3, 4, 10, 12 or 13; 0 when there is no header to answer to), `reason` says what is wrong,
 * e.g. "FLOOR-ID Length must be 4".
 */
export class BfcpDecodeError extends Error {
  /**
   * @param {number} code
   * @param {string} reason
   * @param {number[]} [unknownAttributes] unknown attribute types with M set (code 4)
   */
  constructor(code, reason, unknownAttributes = []) {
    super(reason);
    /** @type {string} */
    this.name = 'BfcpDecodeError';
    /** @type {number} */
    this.code = code;
    /** @type {string} */
    this.reason = reason;
    /** @type {number[]} */
    this.unknownAttributes = unknownAttributes;
  }
}
