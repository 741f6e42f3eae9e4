/**
 * @param {string | null} status
 * @returns {boolean}
 */
export function isFinal(status: string | null): boolean;
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
    constructor(floor: number, release: (r: FloorRequest) => Promise<import("./details.js").RequestStatusDetail>);
    /** The floor asked for. @type {number} */
    floor: number;
    /** Floor request ID the server assigned (null until it answered). @type {number | null} */
    id: number | null;
    /** @type {import('./constants.js').RequestStatusName | null} */
    status: import("./constants.js").RequestStatusName | null;
    /** Queue position (0 when not queued). @type {number} */
    queuePosition: number;
    /** STATUS-INFO of the last status. @type {string} */
    statusInfo: string;
    /** @type {(r: FloorRequest) => Promise<import('./details.js').RequestStatusDetail>} */
    _release: (r: FloorRequest) => Promise<import("./details.js").RequestStatusDetail>;
    /**
     * @type {Array<{resolve: (d: import('./details.js').RequestStatusDetail) => void, reject: (e:
     *     Error) => void}>}
     */
    _grantWaiters: Array<{
        resolve: (d: import("./details.js").RequestStatusDetail) => void;
        reject: (e: Error) => void;
    }>;
    /** @type {(d: import('./details.js').RequestStatusDetail) => void} */
    _resolveSent: (d: import("./details.js").RequestStatusDetail) => void;
    /** @type {(e: Error) => void} */
    _rejectSent: (e: Error) => void;
    /**
     * Resolves with the first FloorRequestStatus (the server's answer), rejects with a
     * BfcpError (an Error reply, a timeout, the connection lost).
     * @type {Promise<import('./details.js').RequestStatusDetail>}
     */
    sent: Promise<import("./details.js").RequestStatusDetail>;
    /**
     * Resolves when the floor is granted (at once if it is), rejects with a RequestEndedError if
     * the request is denied, revoked, cancelled or released first, or with the error of `sent`.
     * @returns {Promise<import('./details.js').RequestStatusDetail>}
     */
    granted(): Promise<import("./details.js").RequestStatusDetail>;
    /**
     * Releases the floor (FloorRelease; cancels the request when not yet granted). Resolves with
     * the server's answer, at once when the request is already over.
     * @returns {Promise<import('./details.js').RequestStatusDetail>}
     */
    release(): Promise<import("./details.js").RequestStatusDetail>;
    /** @internal @returns {import('./details.js').RequestStatusDetail} */
    _detail(): import("./details.js").RequestStatusDetail;
    /**
     * Applies a status from the server (the first one also resolves `sent`).
     * @internal
     * @param {import('./details.js').RequestStatusDetail} d
     */
    _update(d: import("./details.js").RequestStatusDetail): void;
    /**
     * The request failed before the server answered it.
     * @internal
     * @param {Error} e
     */
    _fail(e: Error): void;
    /**
     * @internal
     * @param {(w: {resolve: (d: import('./details.js').RequestStatusDetail) => void, reject: (e:
     *     Error) => void}) => void} f
     */
    _settleGrant(f: (w: {
        resolve: (d: import("./details.js").RequestStatusDetail) => void;
        reject: (e: Error) => void;
    }) => void): void;
}
