export { backoffDelay } from "./backoff.js";
export { BfcpClient } from "./client.js";
export { FloorRequest } from "./floor_request.js";
export { codec };
/**
 * Request status names as BfcpClient and FloorRequest report them.
 */
export type RequestStatus = string;
/**
 * Request status names as BfcpClient and FloorRequest report them.
 * @readonly
 * @enum {string}
 */
export const RequestStatus: Readonly<{
    Pending: "pending";
    Accepted: "accepted";
    Granted: "granted";
    Denied: "denied";
    Cancelled: "cancelled";
    Released: "released";
    Revoked: "revoked";
}>;
import * as codec from './codec.js';
export { ErrorCode, Priority, RequestStatusCode } from "./constants.js";
export { BfcpClosedError, BfcpDecodeError, BfcpError, BfcpTimeoutError, RequestEndedError } from "./errors.js";
