/// RFC 8855 §5.1: the 12-octet common header (and the 4 fragment octets when F is set).

import {checkUint} from './bytes.js';
import {BfcpDecodeError} from './errors.js';

/** Octets of the common header without the fragment fields. */
export const HEADER_SIZE = 12;

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
export function decodeHeader(b) {
  if (b.length < HEADER_SIZE)
    throw new BfcpDecodeError(0, `truncated header: ${b.length} octets, the header needs 12`);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const b0 = b[0];
  return {
    version: b0 >> 5,
    responder: (b0 & 0x10) !== 0,
    fragmented: (b0 & 0x08) !== 0,
    primitive: b[1],
    payloadLength: v.getUint16(2),
    conference: v.getUint32(4),
    transaction: v.getUint16(8),
    user: v.getUint16(10),
  };
}

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
export function writeHeader(w, m) {
  const version = m.version ?? 1;
  if (version !== 1 && version !== 2)
    throw new RangeError(`version must be 1 or 2, got ${version}`);
  w.u8((version << 5) | (m.responder ? 0x10 : 0) | (m.fragmented ? 0x08 : 0));
  w.u8(checkUint('primitive', m.primitive, 0xff));
  w.u16(0);
  w.u32(checkUint('conference', m.conference, 0xffffffff));
  w.u16(checkUint('transaction', m.transaction));
  w.u16(checkUint('user', m.user));
  if (m.fragmented) w.u32(0);
}
