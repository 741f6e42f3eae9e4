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
    constructor(code: number, info?: string, extra?: {
        name?: string;
        unknownAttributes?: number[];
    });
    /** @type {number} */
    code: number;
    /** @type {string} */
    info: string;
    /** Attribute types the server did not understand (Error Code 4). @type {number[]} */
    unknownAttributes: number[];
}
/** No answer to a request within `requestTimeoutMs`. */
export class BfcpTimeoutError extends BfcpError {
    /** @param {string} what the request that got no answer */
    constructor(what: string);
}
/** The connection closed (or was closed) before the answer came. */
export class BfcpClosedError extends BfcpError {
    /** @param {string} [why] */
    constructor(why?: string);
}
/** A floor request ended (denied, revoked, cancelled, released) before what was awaited. */
export class RequestEndedError extends BfcpError {
    /**
     * @param {string} status the final status, e.g. "denied"
     * @param {string} [statusInfo] STATUS-INFO text from the server
     */
    constructor(status: string, statusInfo?: string);
    /** @type {string} */
    status: string;
    /** @type {string} */
    statusInfo: string;
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
    constructor(code: number, reason: string, unknownAttributes?: number[]);
    /** @type {number} */
    code: number;
    /** @type {string} */
    reason: string;
    /** @type {number[]} */
    unknownAttributes: number[];
}
