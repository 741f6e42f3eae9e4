/// RFC 8855 §5.3: the body of each primitive, decoded into message fields and written back.

import {
  attributeHead,
  DecodeContext,
  decodeFloorRequestInformation,
  decodePriority,
  decodeU16,
  decodeUserInformation,
  fail,
  putFloorRequestInformation,
  putOctets,
  putPriority,
  putText,
  putU16,
  putUserInformation,
  setOnce,
  TOP_ROOM,
  walk,
} from './attributes.js';
import {pad4, text} from './bytes.js';
import {Attribute, ErrorCode, Primitive} from './constants.js';

/**
 * The fields a message body may have; which ones depends on the primitive:
 * FloorRequest: floors, beneficiary?, participantInfo?, priority? ·
 * FloorRelease, FloorRequestQuery: requestId ·
 * FloorRequestStatus, ChairAction: info ·
 * UserQuery: beneficiary? ·
 * UserStatus: beneficiaryInfo?, requests ·
 * FloorQuery: floors ·
 * FloorStatus: floor?, requests ·
 * HelloAck: supportedPrimitives?, supportedAttributes? ·
 * Error: code, unknownAttributes (code 4), info? ·
 * the others: nothing.
 * @typedef {Object} MessageBody
 * @property {number[]} [floors] FLOOR-ID list
 * @property {number} [floor] FLOOR-ID of a FloorStatus
 * @property {number} [beneficiary] BENEFICIARY-ID
 * @property {string} [participantInfo] PARTICIPANT-PROVIDED-INFO
 * @property {number} [priority] PRIORITY 0..7
 * @property {number} [requestId] FLOOR-REQUEST-ID
 * @property {import('./attributes.js').FloorRequestInformation} [info] FLOOR-REQUEST-INFORMATION
 * @property {import('./attributes.js').UserInformation} [beneficiaryInfo] BENEFICIARY-INFORMATION
 * @property {import('./attributes.js').FloorRequestInformation[]} [requests]
 * @property {number[]} [supportedPrimitives]
 * @property {number[]} [supportedAttributes] attribute types (without the R bit)
 * @property {number} [code] ERROR-CODE value
 * @property {number[]} [unknownAttributes] ERROR-CODE details of code 4 (attribute types)
 * @property {string} [errorInfo] ERROR-INFO
 */

/**
 * Decodes the body of `primitive` (1..17) from `payload`.
 * @param {number} primitive
 * @param {Uint8Array} payload
 * @param {DecodeContext} ctx
 * @returns {MessageBody}
 */
export function decodeBody(primitive, payload, ctx) {
  /** @type {MessageBody} */
  const b = {};
  const missing = (/** @type {boolean} */ absent, /** @type {string} */ why) => {
    if (absent && ctx.unknownMandatory.length === 0) fail(why);
  };
  switch (primitive) {
    case Primitive.FloorRequest:
      b.floors = [];
      walk(payload, ctx, (t, v) => {
        if (t === Attribute.FloorId)
          b.floors?.push(decodeU16(v, 'FLOOR-ID'));
        else if (t === Attribute.BeneficiaryId)
          setOnce(b, 'beneficiary', decodeU16(v, 'BENEFICIARY-ID'), 'BENEFICIARY-ID');
        else if (t === Attribute.ParticipantProvidedInfo)
          setOnce(b, 'participantInfo', text(v), 'PARTICIPANT-PROVIDED-INFO');
        else if (t === Attribute.Priority)
          setOnce(b, 'priority', decodePriority(v), 'PRIORITY');
      });
      missing(b.floors.length === 0, 'FloorRequest without FLOOR-ID');
      return b;
    case Primitive.FloorRelease:
    case Primitive.FloorRequestQuery:
      walk(payload, ctx, (t, v) => {
        if (t === Attribute.FloorRequestId)
          setOnce(b, 'requestId', decodeU16(v, 'FLOOR-REQUEST-ID'), 'FLOOR-REQUEST-ID');
      });
      missing(b.requestId === undefined, 'FLOOR-REQUEST-ID missing');
      return b;
    case Primitive.FloorRequestStatus:
    case Primitive.ChairAction:
      walk(payload, ctx, (t, v) => {
        if (t === Attribute.FloorRequestInformation)
          setOnce(b, 'info', decodeFloorRequestInformation(v, ctx), 'FLOOR-REQUEST-INFORMATION');
      });
      missing(b.info === undefined, 'FLOOR-REQUEST-INFORMATION missing');
      return b;
    case Primitive.UserQuery:
      walk(payload, ctx, (t, v) => {
        if (t === Attribute.BeneficiaryId)
          setOnce(b, 'beneficiary', decodeU16(v, 'BENEFICIARY-ID'), 'BENEFICIARY-ID');
      });
      return b;
    case Primitive.UserStatus:
      b.requests = [];
      walk(payload, ctx, (t, v) => {
        if (t === Attribute.BeneficiaryInformation)
          setOnce(b, 'beneficiaryInfo', decodeUserInformation(v, ctx), 'BENEFICIARY-INFORMATION');
        else if (t === Attribute.FloorRequestInformation)
          b.requests?.push(decodeFloorRequestInformation(v, ctx));
      });
      return b;
    case Primitive.FloorQuery:
      b.floors = [];
      walk(payload, ctx, (t, v) => {
        if (t === Attribute.FloorId) b.floors?.push(decodeU16(v, 'FLOOR-ID'));
      });
      return b;
    case Primitive.FloorStatus:
      b.requests = [];
      walk(payload, ctx, (t, v) => {
        if (t === Attribute.FloorId)
          setOnce(b, 'floor', decodeU16(v, 'FLOOR-ID'), 'FLOOR-ID');
        else if (t === Attribute.FloorRequestInformation)
          b.requests?.push(decodeFloorRequestInformation(v, ctx));
      });
      return b;
    case Primitive.HelloAck:
      // A HelloAck without the SUPPORTED-* lists is accepted (protocol notes §1).
      walk(payload, ctx, (t, v) => {
        if (t === Attribute.SupportedPrimitives)
          setOnce(b, 'supportedPrimitives', Array.from(v), 'SUPPORTED-PRIMITIVES');
        else if (t === Attribute.SupportedAttributes)
          setOnce(b, 'supportedAttributes', Array.from(v, (o) => o >> 1), 'SUPPORTED-ATTRIBUTES');
      });
      return b;
    case Primitive.Error:
      walk(payload, ctx, (t, v) => {
        if (t === Attribute.ErrorCode) {
          if (v.length === 0) fail('ERROR-CODE without its code octet');
          setOnce(b, 'code', v[0], 'ERROR-CODE');
          // §5.2.6.1: for code 4 the details are Unknown Type(7) | R(1) octets.
          if (v[0] === ErrorCode.UnknownMandatoryAttribute)
            b.unknownAttributes = Array.from(v.subarray(1), (o) => o >> 1);
        } else if (t === Attribute.ErrorInfo) {
          setOnce(b, 'errorInfo', text(v), 'ERROR-INFO');
        }
      });
      missing(b.code === undefined, 'Error without ERROR-CODE');
      return b;
    default:
      // Header-only primitives: still walked, so that structure errors and unknown mandatory
      // attributes are reported like everywhere else.
      walk(payload, ctx, () => {});
      return b;
  }
}

/** Payload Length is 16 bits of 4-octet units. */
const MAX_PAYLOAD = 0xffff * 4;

/**
 * Writes the body of `m` (attributes in the RFC ABNF order). Repeated top-level attributes stop
 * at the last one that fits the 16-bit Payload Length.
 * @param {import('./bytes.js').ByteWriter} w
 * @param {MessageBody & {primitive: number}} m
 */
export function encodeBody(w, m) {
  const start = w.size;
  const fits = (/** @type {number} */ end) => end - start <= MAX_PAYLOAD;
  const floorIds = (/** @type {number[]} */ floors) => {
    for (const f of floors) {
      if (!fits(w.size + 4)) break;
      putU16(w, Attribute.FloorId, f);
    }
  };
  const requestList = (/** @type {import('./attributes.js').FloorRequestInformation[]} */ l) => {
    for (const r of l) {
      const mark = w.size;
      putFloorRequestInformation(w, r);
      if (!fits(w.size)) {
        w.truncate(mark);
        break;
      }
    }
  };
  switch (m.primitive) {
    case Primitive.FloorRequest:
      floorIds(m.floors ?? []);
      if (m.beneficiary !== undefined) putU16(w, Attribute.BeneficiaryId, m.beneficiary);
      if (m.participantInfo !== undefined)
        putText(w, Attribute.ParticipantProvidedInfo, m.participantInfo, TOP_ROOM);
      if (m.priority !== undefined) putPriority(w, m.priority);
      break;
    case Primitive.FloorRelease:
    case Primitive.FloorRequestQuery:
      putU16(w, Attribute.FloorRequestId, required(m.requestId, 'requestId'));
      break;
    case Primitive.FloorRequestStatus:
    case Primitive.ChairAction:
      putFloorRequestInformation(w, required(m.info, 'info'));
      break;
    case Primitive.UserQuery:
      if (m.beneficiary !== undefined) putU16(w, Attribute.BeneficiaryId, m.beneficiary);
      break;
    case Primitive.UserStatus:
      if (m.beneficiaryInfo)
        putUserInformation(w, Attribute.BeneficiaryInformation, m.beneficiaryInfo, TOP_ROOM);
      requestList(m.requests ?? []);
      break;
    case Primitive.FloorQuery:
      floorIds(m.floors ?? []);
      break;
    case Primitive.FloorStatus:
      if (m.floor !== undefined) putU16(w, Attribute.FloorId, m.floor);
      requestList(m.requests ?? []);
      break;
    case Primitive.HelloAck:
      if (m.supportedPrimitives)
        putOctets(w, Attribute.SupportedPrimitives, m.supportedPrimitives, 0);
      if (m.supportedAttributes)
        putOctets(w, Attribute.SupportedAttributes, m.supportedAttributes, 1);
      break;
    case Primitive.Error: {
      // §5.2.6: Error Code(8) then details; for code 4, Unknown Type(7) | R(1).
      const code = required(m.code, 'code');
      const details = code === ErrorCode.UnknownMandatoryAttribute ? m.unknownAttributes ?? [] : [];
      const n = Math.min(details.length, 252);
      w.u8(attributeHead(Attribute.ErrorCode));
      w.u8(3 + n);
      w.u8(code);
      for (let i = 0; i < n; i++) w.u8(details[i] << 1);
      w.zeros(pad4(3 + n));
      if (m.errorInfo !== undefined) putText(w, Attribute.ErrorInfo, m.errorInfo, TOP_ROOM);
      break;
    }
    default:
      break;  // header-only primitives
  }
}

/**
 * @template T
 * @param {T | undefined} v
 * @param {string} name
 * @returns {T}
 */
function required(v, name) {
  if (v === undefined) throw new TypeError(`message field "${name}" is required`);
  return v;
}
