/**
 * The common header as read from the wire.
 * @typedef {Object} CommonHeader
 * @property {number} version 1 or 2 on valid messages (3 bits on the wire)
 * @property {boolean} responder R bit
 * @property {boolean} fragmented F bit
 * @property {number} primitive
 * @property {number} payloadLength in 4-octet units
 * @property {number} conference
 * @property {number} transaction
 * @property {number} user
 */
/**
 * Reads the common header. Fails only when fewer than 12 octets are given: every other check
 * is the message decoder's, which can then still address its answer.
 * @param {Uint8Array} b
 * @returns {CommonHeader}
 */
export function decodeHeader(b: Uint8Array): CommonHeader;
/**
 * The header fields of a message as the codec hands them out and takes them in. On encode,
 * `version` defaults to 1, `responder` and `fragmented` to false; the fragment fields are
 * computed (one fragment holding the whole message).
 * @typedef {Object} HeaderFields
 * @property {number} primitive
 * @property {number} conference
 * @property {number} transaction
 * @property {number} user
 * @property {number} [version]
 * @property {boolean} [responder]
 * @property {boolean} [fragmented]
 * @property {number} [fragmentOffset]
 * @property {number} [fragmentLength]
 */
/**
 * Writes the common header with Payload Length 0 (and, when `fragmented`, Fragment Offset 0 and
 * Fragment Length 0); the encoder patches the lengths once the payload is written.
 * @param {import('./bytes.js').ByteWriter} w
 * @param {HeaderFields} m
 */
export function writeHeader(w: import("./bytes.js").ByteWriter, m: HeaderFields): void;
/** Octets of the common header without the fragment fields. */
export const HEADER_SIZE: 12;
/**
 * The common header as read from the wire.
 */
export type CommonHeader = {
    /**
     * 1 or 2 on valid messages (3 bits on the wire)
     */
    version: number;
    /**
     * R bit
     */
    responder: boolean;
    /**
     * F bit
     */
    fragmented: boolean;
    primitive: number;
    /**
     * in 4-octet units
     */
    payloadLength: number;
    conference: number;
    transaction: number;
    user: number;
};
/**
 * The header fields of a message as the codec hands them out and takes them in. On encode,
 * `version` defaults to 1, `responder` and `fragmented` to false; the fragment fields are
 * computed (one fragment holding the whole message).
 */
export type HeaderFields = {
    primitive: number;
    conference: number;
    transaction: number;
    user: number;
    version?: number | undefined;
    responder?: boolean | undefined;
    fragmented?: boolean | undefined;
    fragmentOffset?: number | undefined;
    fragmentLength?: number | undefined;
};
