/**
 * @param {import('./attributes.js').FloorRequestInformation} fri
 * @param {number} [floor]
 * @returns {RequestStatusDetail | undefined} undefined when the group carries no status
 */
export function requestDetail(fri: import("./attributes.js").FloorRequestInformation, floor?: number): RequestStatusDetail | undefined;
/**
 * @param {import('./codec.js').BfcpMessage} m a FloorStatus
 * @returns {FloorStatusDetail}
 */
export function floorStatusDetail(m: import("./codec.js").BfcpMessage): FloorStatusDetail;
/**
 * @param {import('./codec.js').BfcpMessage} m a UserStatus
 * @returns {UserStatusDetail}
 */
export function userStatusDetail(m: import("./codec.js").BfcpMessage): UserStatusDetail;
/**
 * A floor request's status as the client reports it.
 */
export type RequestStatusDetail = {
    requestId: number;
    status: import("./constants.js").RequestStatusName;
    /**
     * 0 when not queued
     */
    queuePosition: number;
    /**
     * STATUS-INFO text ('' when none)
     */
    statusInfo: string;
    /**
     * the decoded attribute
     */
    info?: import("./attributes.js").FloorRequestInformation | undefined;
};
/**
 * A holder of a floor (FloorStatus).
 */
export type FloorHolder = {
    requestId: number;
    /**
     * beneficiary, else the requester
     */
    user: number | undefined;
    displayName: string | undefined;
    status: import("./constants.js").RequestStatusName;
};
/**
 * A queued request of a floor (FloorStatus).
 */
export type FloorQueueEntry = FloorHolder & {
    position: number;
};
/**
 * The 'floorstatus' event's detail.
 */
export type FloorStatusDetail = {
    floor: number | undefined;
    /**
     * requests granted the floor
     */
    holders: FloorHolder[];
    /**
     * pending and accepted requests, by queue position
     */
    queue: FloorQueueEntry[];
    /**
     * every request as sent
     */
    requests: import("./attributes.js").FloorRequestInformation[];
};
/**
 * A user as the server describes it (UserStatus).
 */
export type UserStatusDetail = {
    user: import("./attributes.js").UserInformation | undefined;
    requests: RequestStatusDetail[];
};
