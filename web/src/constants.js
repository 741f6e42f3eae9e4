/// RFC 8855 numbers: primitives (§5.1 Table 1), attributes (§5.2 Table 2), request statuses
/// (§5.2.5) and error codes (§5.2.6), with their names.

/**
 * Primitive numbers (RFC 8855 §5.1).
 * @readonly
 * @enum {number}
 */
export const Primitive = Object.freeze({
  FloorRequest: 1,
  FloorRelease: 2,
  FloorRequestQuery: 3,
  FloorRequestStatus: 4,
  UserQuery: 5,
  UserStatus: 6,
  FloorQuery: 7,
  FloorStatus: 8,
  ChairAction: 9,
  ChairActionAck: 10,
  Hello: 11,
  HelloAck: 12,
  Error: 13,
  FloorRequestStatusAck: 14,
  FloorStatusAck: 15,
  Goodbye: 16,
  GoodbyeAck: 17,
});

/**
 * Attribute types (RFC 8855 §5.2).
 * @readonly
 * @enum {number}
 */
export const Attribute = Object.freeze({
  BeneficiaryId: 1,
  FloorId: 2,
  FloorRequestId: 3,
  Priority: 4,
  RequestStatus: 5,
  ErrorCode: 6,
  ErrorInfo: 7,
  ParticipantProvidedInfo: 8,
  StatusInfo: 9,
  SupportedAttributes: 10,
  SupportedPrimitives: 11,
  UserDisplayName: 12,
  UserUri: 13,
  BeneficiaryInformation: 14,
  FloorRequestInformation: 15,
  RequestedByInformation: 16,
  FloorRequestStatus: 17,
  OverallRequestStatus: 18,
});

/** Highest attribute type RFC 8855 defines. */
export const LAST_ATTRIBUTE = 18;

/**
 * Request Status values on the wire (RFC 8855 §5.2.5).
 * @readonly
 * @enum {number}
 */
export const RequestStatusCode = Object.freeze({
  Pending: 1,
  Accepted: 2,
  Granted: 3,
  Denied: 4,
  Cancelled: 5,
  Released: 6,
  Revoked: 7,
});

/**
 * Error Code values (RFC 8855 §5.2.6).
 * @readonly
 * @enum {number}
 */
export const ErrorCode = Object.freeze({
  ConferenceDoesNotExist: 1,
  UserDoesNotExist: 2,
  UnknownPrimitive: 3,
  UnknownMandatoryAttribute: 4,
  UnauthorizedOperation: 5,
  InvalidFloorId: 6,
  FloorRequestIdDoesNotExist: 7,
  MaxFloorRequestsReached: 8,
  UseTls: 9,
  UnableToParseMessage: 10,
  UseDtls: 11,
  UnsupportedVersion: 12,
  IncorrectMessageLength: 13,
  GenericError: 14,
});

/**
 * Priority values (RFC 8855 §5.2.4).
 * @readonly
 * @enum {number}
 */
export const Priority = Object.freeze({lowest: 0, low: 1, normal: 2, high: 3, highest: 4});

/**
 * @param {Record<string, number>} table
 * @returns {Map<number, string>}
 */
function invert(table) {
  return new Map(Object.entries(table).map(([k, v]) => [v, k]));
}

const primitiveNames = invert(Primitive);
const errorNames = invert(ErrorCode);
const attributeNames = invert(Attribute);

/**
 * The RFC name of a primitive, e.g. "FloorRequest"; "Primitive<n>" for others.
 * @param {number} p
 * @returns {string}
 */
export function primitiveName(p) {
  return primitiveNames.get(p) ?? `Primitive${p}`;
}

/**
 * The RFC name of an error code, e.g. "UnauthorizedOperation"; "Error<n>" for others.
 * @param {number} code
 * @returns {string}
 */
export function errorName(code) {
  return errorNames.get(code) ?? `Error${code}`;
}

/**
 * The RFC name of an attribute type, e.g. "FloorId"; "Attribute<n>" for others.
 * @param {number} type
 * @returns {string}
 */
export function attributeName(type) {
  return attributeNames.get(type) ?? `Attribute${type}`;
}

/**
 * @typedef {'pending'|'accepted'|'granted'|'denied'|'cancelled'|'released'|'revoked'}
 * RequestStatusName
 */

/** @type {readonly RequestStatusName[]} */
const statusNames = Object.freeze([
  'pending',
  'accepted',
  'granted',
  'denied',
  'cancelled',
  'released',
  'revoked',
]);

/**
 * The lower-case name of a Request Status value (1 → "pending" … 7 → "revoked").
 * @param {number} code
 * @returns {RequestStatusName}
 */
export function requestStatusName(code) {
  const n = statusNames[code - 1];
  if (n === undefined) throw new RangeError(`request status ${code} outside 1..7`);
  return n;
}

/**
 * The Request Status value of a lower-case name ("granted" → 3).
 * @param {string} name
 * @returns {number}
 */
export function requestStatusCode(name) {
  const i = statusNames.indexOf(/** @type {RequestStatusName} */ (name));
  if (i < 0) throw new RangeError(`unknown request status "${name}"`);
  return i + 1;
}
