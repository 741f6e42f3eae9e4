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
    constructor(timers: Timers, timeoutMs: number);
    timers: Timers;
    timeoutMs: number;
    /** @type {Map<number, Pending>} */
    pending: Map<number, Pending>;
    last: number;
    /** @returns {number} outstanding transactions */
    get size(): number;
    /**
     * Opens a transaction: `answer` gets the reply with its ID (an Error reply goes to `fail` as a
     * BfcpError), `fail` also gets a BfcpTimeoutError after the timeout.
     * @param {string} what the request's name, for the timeout error
     * @param {(m: import('./codec.js').BfcpMessage) => void} answer
     * @param {(e: Error) => void} fail
     * @returns {number} the transaction ID to send
     */
    begin(what: string, answer: (m: import("./codec.js").BfcpMessage) => void, fail: (e: Error) => void): number;
    /**
     * Hands a received message to its transaction.
     * @param {import('./codec.js').BfcpMessage} m
     * @returns {boolean} whether a transaction was waiting for it
     */
    settle(m: import("./codec.js").BfcpMessage): boolean;
    /**
     * Fails one transaction (e.g. its request could not be sent).
     * @param {number} tid
     * @param {Error} e
     */
    abort(tid: number, e: Error): void;
    /**
     * Fails every outstanding transaction.
     * @param {Error} e
     */
    failAll(e: Error): void;
    /** @returns {number} the next free ID in 1..65535 */
    nextId(): number;
}
/**
 * Timer functions (globalThis's by default; tests pass a manual clock).
 */
export type Timers = {
    setTimeout: (fn: () => void, ms: number) => unknown;
    clearTimeout: (handle: any) => void;
};
export type Pending = {
    answer: (m: import("./codec.js").BfcpMessage) => void;
    fail: (e: Error) => void;
    timer: unknown;
};
