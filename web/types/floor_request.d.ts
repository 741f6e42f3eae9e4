/**
 * @param {string | null} status
 * @returns {boolean}
 */
export function isFinal(status: string | null): boolean;
/**
 * A new request on `floor` whose release() calls `release` (BfcpClient only; not exported from
 * the package).
 * @param {number} floor
 * @param {ReleaseFunction} release
 * @returns {FloorRequest}
 */
export function createFloorRequest(floor: number, release: ReleaseFunction): FloorRequest;
/**
 * Applies a status from the server to `r` (the first one also resolves `sent`; BfcpClient only).
 * @param {FloorRequest} r
 * @param {RequestStatusDetail} d
 */
export function updateRequest(r: FloorRequest, d: RequestStatusDetail): void;
/**
 * `r` failed before the server answered it (BfcpClient only).
 * @param {FloorRequest} r
 * @param {Error} e
 */
export function failRequest(r: FloorRequest, e: Error): void;
/**
 * A floor request (returned by BfcpClient.requestFloor). Dispatches 'status' events whose
 * detail is a RequestStatusDetail, for every FloorRequestStatus the server sends about it.
 */
export class FloorRequest extends EventTarget {
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
    /**
     * Resolves with the first FloorRequestStatus (the server's answer), rejects with a
     * BfcpError (an Error reply, a timeout, the connection lost).
     * @type {Promise<RequestStatusDetail>}
     */
    sent: Promise<RequestStatusDetail>;
    /**
     * Resolves when the floor is granted (at once if it is), rejects with a RequestEndedError if
     * the request is denied, revoked, cancelled or released first, or with the error of `sent`.
     * @returns {Promise<RequestStatusDetail>}
     */
    granted(): Promise<RequestStatusDetail>;
    /**
     * Releases the floor (FloorRelease; cancels the request when not yet granted). Resolves with
     * the server's answer, at once when the request is already over.
     * @returns {Promise<RequestStatusDetail>}
     */
    release(): Promise<RequestStatusDetail>;
    #private;
}
export type RequestStatusDetail = import("./details.js").RequestStatusDetail;
export type GrantWaiter = {
    resolve: (d: RequestStatusDetail) => void;
    reject: (e: Error) => void;
};
export type ReleaseFunction = (r: FloorRequest) => Promise<RequestStatusDetail>;
