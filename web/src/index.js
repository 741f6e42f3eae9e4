/// floorctl-bfcp: BFCP (RFC 8855) over WebSocket (RFC 8857) for browsers and Node.

import * as codec from './codec.js';

export {backoffDelay} from './backoff.js';
export {BfcpClient} from './client.js';
export {ErrorCode, Priority, RequestStatusCode} from './constants.js';
export {
  BfcpClosedError,
  BfcpDecodeError,
  BfcpError,
  BfcpTimeoutError,
  RequestEndedError
} from './errors.js';
export {FloorRequest} from './floor_request.js';
export {codec};

/**
 * Request status names as BfcpClient and FloorRequest report them.
 * @readonly
 * @enum {string}
 */
export const RequestStatus = Object.freeze({
  Pending: 'pending',
  Accepted: 'accepted',
  Granted: 'granted',
  Denied: 'denied',
  Cancelled: 'cancelled',
  Released: 'released',
  Revoked: 'revoked',
});
