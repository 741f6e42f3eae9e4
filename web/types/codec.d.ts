/**
 * One BFCP message: the common header fields and the body fields of its primitive.
 * @typedef {import('./header.js').HeaderFields & import('./messages.js').MessageBody} BfcpMessage
 */
/**
 * Header-only primitives the field sends outside RFC 8855 numbering: 18 (GoodbyeAck of the old
 * draft numbering) and vendor primitives 90–95. Accepted without looking at the payload.
 * @param {number} p
 * @returns {boolean}
 */
export function isToleratedExtra(p: number): boolean;
/**
 * Decodes exactly one message.
 * Checks, in order: header present → version → size against Payload Length (and the fragment
 * fields) → tolerated extra primitives → unknown primitive → attributes → unknown mandatory
 * attributes (all listed) → missing body elements.
 * @param {ArrayBuffer | ArrayBufferView} frame
 * @returns {BfcpMessage}
 * @throws {BfcpDecodeError}
 */
export function decode(frame: ArrayBuffer | ArrayBufferView): BfcpMessage;
/**
 * Encodes one message. Payload Length (and with `fragmented`, a single fragment holding the
 * whole message) is computed. Texts longer than an attribute can hold are cut at a UTF-8
 * boundary; grouped attributes stay within 252 octets (docs/codec.md, "Encoder choices").
 * @param {BfcpMessage} m
 * @returns {Uint8Array}
 * @throws {RangeError | TypeError} on header fields out of range or a missing body field
 */
export function encode(m: BfcpMessage): Uint8Array;
export { BfcpDecodeError } from "./errors.js";
export { decodeHeader } from "./header.js";
/**
 * One BFCP message: the common header fields and the body fields of its primitive.
 */
export type BfcpMessage = import("./header.js").HeaderFields & import("./messages.js").MessageBody;
export { Attribute, attributeName, ErrorCode, errorName, Primitive, primitiveName, Priority, RequestStatusCode, requestStatusCode, requestStatusName } from "./constants.js";
