/**
 * The RFC name of a primitive, e.g. "FloorRequest"; "Primitive<n>" for others.
 * @param {number} p
 * @returns {string}
 */
export function primitiveName(p: number): string;
/**
 * The RFC name of an error code, e.g. "UnauthorizedOperation"; "Error<n>" for others.
 * @param {number} code
 * @returns {string}
 */
export function errorName(code: number): string;
/**
 * The RFC name of an attribute type, e.g. "FloorId"; "Attribute<n>" for others.
 * @param {number} type
 * @returns {string}
 */
export function attributeName(type: number): string;
/**
 * The lower-case name of a Request Status value (1 → "pending" … 7 → "revoked").
 * @param {number} code
 * @returns {RequestStatusName}
 */
export function requestStatusName(code: number): RequestStatusName;
/**
 * The Request Status value of a lower-case name ("granted" → 3).
 * @param {string} name
 * @returns {number}
 */
export function requestStatusCode(name: string): number;
/**
 * Primitive numbers (RFC 8855 §5.1).
 */
export type Primitive = number;
/**
 * Primitive numbers (RFC 8855 §5.1).
 * @readonly
 * @enum {number}
 */
export const Primitive: Readonly<{
    FloorRequest: 1;
    FloorRelease: 2;
    FloorRequestQuery: 3;
    FloorRequestStatus: 4;
    UserQuery: 5;
    UserStatus: 6;
    FloorQuery: 7;
    FloorStatus: 8;
    ChairAction: 9;
    ChairActionAck: 10;
    Hello: 11;
    HelloAck: 12;
    Error: 13;
    FloorRequestStatusAck: 14;
    FloorStatusAck: 15;
    Goodbye: 16;
    GoodbyeAck: 17;
}>;
/**
 * Attribute types (RFC 8855 §5.2).
 */
export type Attribute = number;
/**
 * Attribute types (RFC 8855 §5.2).
 * @readonly
 * @enum {number}
 */
export const Attribute: Readonly<{
    BeneficiaryId: 1;
    FloorId: 2;
    FloorRequestId: 3;
    Priority: 4;
    RequestStatus: 5;
    ErrorCode: 6;
    ErrorInfo: 7;
    ParticipantProvidedInfo: 8;
    StatusInfo: 9;
    SupportedAttributes: 10;
    SupportedPrimitives: 11;
    UserDisplayName: 12;
    UserUri: 13;
    BeneficiaryInformation: 14;
    FloorRequestInformation: 15;
    RequestedByInformation: 16;
    FloorRequestStatus: 17;
    OverallRequestStatus: 18;
}>;
/** Highest attribute type RFC 8855 defines. */
export const LAST_ATTRIBUTE: 18;
/**
 * Request Status values on the wire (RFC 8855 §5.2.5).
 */
export type RequestStatusCode = number;
/**
 * Request Status values on the wire (RFC 8855 §5.2.5).
 * @readonly
 * @enum {number}
 */
export const RequestStatusCode: Readonly<{
    Pending: 1;
    Accepted: 2;
    Granted: 3;
    Denied: 4;
    Cancelled: 5;
    Released: 6;
    Revoked: 7;
}>;
/**
 * Error Code values (RFC 8855 §5.2.6).
 */
export type ErrorCode = number;
/**
 * Error Code values (RFC 8855 §5.2.6).
 * @readonly
 * @enum {number}
 */
export const ErrorCode: Readonly<{
    ConferenceDoesNotExist: 1;
    UserDoesNotExist: 2;
    UnknownPrimitive: 3;
    UnknownMandatoryAttribute: 4;
    UnauthorizedOperation: 5;
    InvalidFloorId: 6;
    FloorRequestIdDoesNotExist: 7;
    MaxFloorRequestsReached: 8;
    UseTls: 9;
    UnableToParseMessage: 10;
    UseDtls: 11;
    UnsupportedVersion: 12;
    IncorrectMessageLength: 13;
    GenericError: 14;
}>;
/**
 * Priority values (RFC 8855 §5.2.4).
 */
export type Priority = number;
/**
 * Priority values (RFC 8855 §5.2.4).
 * @readonly
 * @enum {number}
 */
export const Priority: Readonly<{
    lowest: 0;
    low: 1;
    normal: 2;
    high: 3;
    highest: 4;
}>;
export type RequestStatusName = "pending" | "accepted" | "granted" | "denied" | "cancelled" | "released" | "revoked";
