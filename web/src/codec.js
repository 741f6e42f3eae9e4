/// RFC 8855 codec: decode() turns one BFCP message into a plain object, encode() turns such an
/// object back into octets. Strict: every malformed input throws a BfcpDecodeError naming the
/// problem and the Error Code a receiver answers with. Mirrors the server's C++ codec
/// (docs/codec.md): same checks in the same order, same encoder choices (M bits, group sizes).

import {DecodeContext} from './attributes.js';
import {asBytes, ByteWriter} from './bytes.js';
import {BfcpDecodeError} from './errors.js';
import {decodeHeader, HEADER_SIZE, writeHeader} from './header.js';
import {decodeBody, encodeBody} from './messages.js';

export {
  Attribute,
  attributeName,
  ErrorCode,
  errorName,
  Primitive,
  primitiveName,
  Priority,
  RequestStatusCode,
  requestStatusCode,
  requestStatusName,
} from './constants.js';
export {BfcpDecodeError} from './errors.js';
export {decodeHeader} from './header.js';

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
export function isToleratedExtra(p) {
  return p === 18 || (p >= 90 && p <= 95);
}

/**
 * Decodes exactly one message.
 * Checks, in order: header present → version → size against Payload Length (and the fragment
 * fields) → tolerated extra primitives → unknown primitive → attributes → unknown mandatory
 * attributes (all listed) → missing body elements.
 * @param {ArrayBuffer | ArrayBufferView} frame
 * @returns {BfcpMessage}
 * @throws {BfcpDecodeError}
 */
export function decode(frame) {
  const b = asBytes(frame);
  const h = decodeHeader(b);
  if (h.version !== 1 && h.version !== 2)
    throw new BfcpDecodeError(12, `version ${h.version} is neither 1 nor 2`);

  /** @type {BfcpMessage} */
  const m = {
    primitive: h.primitive,
    conference: h.conference,
    transaction: h.transaction,
    user: h.user,
    version: h.version,
    responder: h.responder,
    fragmented: h.fragmented,
  };
  let headerSize = HEADER_SIZE;
  if (h.fragmented) {
    // §5.1: with F set, Fragment Offset and Fragment Length (4-octet units) follow.
    headerSize += 4;
    if (b.length < headerSize)
      throw new BfcpDecodeError(13, 'F set but no room for the fragment fields');
    m.fragmentOffset = (b[12] << 8) | b[13];
    m.fragmentLength = (b[14] << 8) | b[15];
    if (b.length !== headerSize + 4 * m.fragmentLength)
      throw new BfcpDecodeError(13, 'size differs from 16 + 4*Fragment Length');
    if (m.fragmentOffset + m.fragmentLength > h.payloadLength)
      throw new BfcpDecodeError(13, 'fragment reaches past Payload Length');
  } else if (b.length !== headerSize + 4 * h.payloadLength) {
    throw new BfcpDecodeError(
        13, `size ${b.length} differs from 12 + 4*Payload Length (${12 + 4 * h.payloadLength})`);
  }

  if (isToleratedExtra(h.primitive)) return m;
  if (h.primitive < 1 || h.primitive > 17)
    throw new BfcpDecodeError(3, `primitive ${h.primitive} not in RFC 8855 Table 1`);
  if (h.fragmented && (m.fragmentOffset !== 0 || m.fragmentLength !== h.payloadLength))
    throw new BfcpDecodeError(10, 'fragmented message (reassembly not supported)');

  const ctx = new DecodeContext();
  const body = decodeBody(h.primitive, b.subarray(headerSize), ctx);
  if (ctx.unknownMandatory.length > 0) {
    throw new BfcpDecodeError(
        4, `unknown attribute with the M bit set (type ${ctx.unknownMandatory.join(', ')})`,
        ctx.unknownMandatory);
  }
  return Object.assign(m, body);
}

/**
 * Encodes one message. Payload Length (and with `fragmented`, a single fragment holding the
 * whole message) is computed. Texts longer than an attribute can hold are cut at a UTF-8
 * boundary; grouped attributes stay within 252 octets (docs/codec.md, "Encoder choices").
 * @param {BfcpMessage} m
 * @returns {Uint8Array}
 * @throws {RangeError | TypeError} on header fields out of range or a missing body field
 */
export function encode(m) {
  const w = new ByteWriter();
  writeHeader(w, m);
  const start = w.size;
  encodeBody(w, m);
  const words = (w.size - start) / 4;
  w.patch16(2, words);
  if (m.fragmented) w.patch16(14, words);
  return w.bytes();
}
