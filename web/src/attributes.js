/// RFC 8855 §5.2: the attribute walker (TLV with 4-octet padding) and the decoders and writers of
/// single and grouped attributes.

import {floor4, pad4, text, utf8} from './bytes.js';
import {Attribute, LAST_ATTRIBUTE} from './constants.js';
import {BfcpDecodeError} from './errors.js';

/**
 * A floor's or a request's status (FLOOR-REQUEST-STATUS / OVERALL-REQUEST-STATUS contents).
 * `status` and `queuePosition` are there when the group holds a REQUEST-STATUS.
 * @typedef {Object} StatusGroup
 * @property {number} [status] Request Status 1..7 (RequestStatusCode)
 * @property {number} [queuePosition] 0 when not queued
 * @property {string} [statusInfo] STATUS-INFO text
 */

/**
 * FLOOR-REQUEST-STATUS (§5.2.17).
 * @typedef {StatusGroup & {floor: number}} FloorRequestStatusGroup
 */

/**
 * OVERALL-REQUEST-STATUS (§5.2.18).
 * @typedef {StatusGroup & {id: number}} OverallRequestStatusGroup
 */

/**
 * BENEFICIARY-INFORMATION (§5.2.14) or REQUESTED-BY-INFORMATION (§5.2.16).
 * @typedef {Object} UserInformation
 * @property {number} id
 * @property {string} [displayName] USER-DISPLAY-NAME
 * @property {string} [uri] USER-URI
 */

/**
 * FLOOR-REQUEST-INFORMATION (§5.2.15).
 * @typedef {Object} FloorRequestInformation
 * @property {number} id floor request ID
 * @property {OverallRequestStatusGroup} [overall]
 * @property {FloorRequestStatusGroup[]} floors at least one
 * @property {UserInformation} [beneficiary]
 * @property {UserInformation} [requestedBy]
 * @property {number} [priority] 0..7 (Priority)
 * @property {string} [participantInfo] PARTICIPANT-PROVIDED-INFO
 */

/** Decoding state: the unknown mandatory attribute types seen so far, at any depth. */
export class DecodeContext {
  constructor() {
    /** @type {number[]} */
    this.unknownMandatory = [];
  }
}

/**
 * A parse failure (Error Code 10) with its reason.
 * @param {string} reason
 * @returns {never}
 */
export function fail(reason) {
  throw new BfcpDecodeError(10, reason);
}

/**
 * Walks the attributes of `region` (a payload, or the nested part of a grouped attribute) and
 * calls `on(type, contents)` for every known one; `contents` excludes the 2-octet header and the
 * padding. Unknown attributes are skipped, those with M set recorded in `ctx`. Structure errors
 * (Length < 2, overrun, non-zero padding, stray octets) throw at once. The last nested
 * attribute's padding may lie outside a group's Length (stacks differ); the enclosing walk
 * then checks it as the group's own.
 * @param {Uint8Array} region
 * @param {DecodeContext} ctx
 * @param {(type: number, contents: Uint8Array) => void} on
 */
export function walk(region, ctx, on) {
  let pos = 0;
  const end = region.length;
  while (pos < end) {
    if (end - pos < 2) fail('stray octets after the last attribute');
    const b0 = region[pos];
    const len = region[pos + 1];
    if (len < 2) fail('attribute Length below 2');
    if (len > end - pos) fail('attribute overruns its container');
    const padEnd = Math.min(pos + len + pad4(len), end);
    for (let i = pos + len; i < padEnd; i++) {
      if (region[i] !== 0) fail('non-zero padding octet');
    }
    const type = b0 >> 1;
    if (type === 0 || type > LAST_ATTRIBUTE) {
      if (b0 & 1) ctx.unknownMandatory.push(type);
    } else {
      on(type, region.subarray(pos + 2, pos + len));
    }
    pos = padEnd;
  }
}

/**
 * A 16-bit attribute value (FLOOR-ID, BENEFICIARY-ID, FLOOR-REQUEST-ID).
 * @param {Uint8Array} c contents
 * @param {string} name attribute name for the error
 * @returns {number}
 */
export function decodeU16(c, name) {
  if (c.length !== 2) fail(`${name} Length must be 4`);
  return (c[0] << 8) | c[1];
}

/**
 * PRIORITY (§5.2.4): Prio(3) then 13 reserved bits, ignored.
 * @param {Uint8Array} c
 * @returns {number}
 */
export function decodePriority(c) {
  if (c.length !== 2) fail('PRIORITY Length must be 4');
  return c[0] >> 5;
}

/**
 * Sets `obj[key]` once; a second value is a parse error.
 * @template {object} T
 * @param {T} obj
 * @param {keyof T & string} key
 * @param {any} value
 * @param {string} name attribute name for the error
 */
export function setOnce(obj, key, value, name) {
  if (obj[key] !== undefined) fail(`duplicate ${name}`);
  obj[key] = value;
}

/**
 * REQUEST-STATUS (§5.2.5) into `g`: Request Status(8) Queue Position(8).
 * @param {Uint8Array} c
 * @param {StatusGroup} g
 */
function decodeRequestStatus(c, g) {
  if (c.length !== 2) fail('REQUEST-STATUS Length must be 4');
  if (c[0] < 1 || c[0] > 7) fail('REQUEST-STATUS value outside 1..7');
  if (g.status !== undefined) fail('duplicate REQUEST-STATUS');
  g.status = c[0];
  g.queuePosition = c[1];
}

/**
 * The 16-bit ID a grouped attribute starts with.
 * @param {Uint8Array} c
 * @returns {number}
 */
function groupId(c) {
  if (c.length < 2) fail('grouped attribute shorter than its 16-bit ID');
  return (c[0] << 8) | c[1];
}

/**
 * FLOOR-REQUEST-STATUS / OVERALL-REQUEST-STATUS contents after the ID.
 * @param {Uint8Array} c
 * @param {StatusGroup} g
 * @param {DecodeContext} ctx
 */
function decodeStatusGroup(c, g, ctx) {
  walk(c.subarray(2), ctx, (type, v) => {
    if (type === Attribute.RequestStatus)
      decodeRequestStatus(v, g);
    else if (type === Attribute.StatusInfo)
      setOnce(g, 'statusInfo', text(v), 'STATUS-INFO');
    // other known attributes out of place: ignored
  });
}

/**
 * BENEFICIARY-INFORMATION / REQUESTED-BY-INFORMATION contents.
 * @param {Uint8Array} c
 * @param {DecodeContext} ctx
 * @returns {UserInformation}
 */
export function decodeUserInformation(c, ctx) {
  /** @type {UserInformation} */
  const u = {id: groupId(c)};
  walk(c.subarray(2), ctx, (type, v) => {
    if (type === Attribute.UserDisplayName)
      setOnce(u, 'displayName', text(v), 'USER-DISPLAY-NAME');
    else if (type === Attribute.UserUri)
      setOnce(u, 'uri', text(v), 'USER-URI');
  });
  return u;
}

/**
 * FLOOR-REQUEST-INFORMATION contents (§5.2.15); attribute order is not enforced.
 * @param {Uint8Array} c
 * @param {DecodeContext} ctx
 * @returns {FloorRequestInformation}
 */
export function decodeFloorRequestInformation(c, ctx) {
  /** @type {FloorRequestInformation} */
  const fri = {id: groupId(c), floors: []};
  walk(c.subarray(2), ctx, (type, v) => {
    switch (type) {
      case Attribute.OverallRequestStatus: {
        /** @type {OverallRequestStatusGroup} */
        const g = {id: groupId(v)};
        decodeStatusGroup(v, g, ctx);
        setOnce(fri, 'overall', g, 'OVERALL-REQUEST-STATUS');
        break;
      }
      case Attribute.FloorRequestStatus: {
        /** @type {FloorRequestStatusGroup} */
        const g = {floor: groupId(v)};
        decodeStatusGroup(v, g, ctx);
        fri.floors.push(g);
        break;
      }
      case Attribute.BeneficiaryInformation:
        setOnce(fri, 'beneficiary', decodeUserInformation(v, ctx), 'BENEFICIARY-INFORMATION');
        break;
      case Attribute.RequestedByInformation:
        setOnce(fri, 'requestedBy', decodeUserInformation(v, ctx), 'REQUESTED-BY-INFORMATION');
        break;
      case Attribute.Priority:
        setOnce(fri, 'priority', decodePriority(v), 'PRIORITY');
        break;
      case Attribute.ParticipantProvidedInfo:
        setOnce(fri, 'participantInfo', text(v), 'PARTICIPANT-PROVIDED-INFO');
        break;
      default:
        break;
    }
  });
  if (fri.floors.length === 0) fail('FLOOR-REQUEST-INFORMATION without FLOOR-REQUEST-STATUS');
  return fri;
}

// --- encoding --------------------------------------------------------------------------------

/** Attributes sent with M=1: those a receiver cannot do without (docs/codec.md). */
const MANDATORY = new Set([1, 2, 3, 5, 6, 10, 11, 14, 15, 16, 17, 18]);

/** Room for a top-level attribute: Length ≤ 255, so padded size ≤ 256. */
export const TOP_ROOM = 256;

/**
 * The first octet of an attribute: Type(7) | M(1).
 * @param {number} type
 * @returns {number}
 */
export function attributeHead(type) {
  return (type << 1) | (MANDATORY.has(type) ? 1 : 0);
}

/**
 * A 16-bit attribute (FLOOR-ID, BENEFICIARY-ID, FLOOR-REQUEST-ID).
 * @param {import('./bytes.js').ByteWriter} w
 * @param {number} type
 * @param {number} value
 */
export function putU16(w, type, value) {
  w.u8(attributeHead(type));
  w.u8(4);
  w.u16(value);
}

/**
 * PRIORITY: Prio(3) in the high bits, reserved bits zero.
 * @param {import('./bytes.js').ByteWriter} w
 * @param {number} p
 */
export function putPriority(w, p) {
  w.u8(attributeHead(Attribute.Priority));
  w.u8(4);
  w.u8((p & 7) << 5);
  w.u8(0);
}

/**
 * A text attribute in at most `room` octets (padding included); longer text is cut at a UTF-8
 * character boundary, and nothing is written when fewer than 4 octets are left.
 * @param {import('./bytes.js').ByteWriter} w
 * @param {number} type
 * @param {string} s
 * @param {number} room
 */
export function putText(w, type, s, room) {
  room = floor4(room);
  if (room < 4) return;
  const b = utf8(s);
  let n = Math.min(b.length, room - 2, 253);
  if (n < b.length) {
    while (n > 0 && (b[n] & 0xc0) === 0x80) n--;  // never split a multi-octet sequence
  }
  w.u8(attributeHead(type));
  w.u8(n + 2);
  w.raw(b.subarray(0, n));
  w.zeros(pad4(n + 2));
}

/**
 * An octet list (SUPPORTED-PRIMITIVES with shift 0, SUPPORTED-ATTRIBUTES with shift 1).
 * @param {import('./bytes.js').ByteWriter} w
 * @param {number} type
 * @param {readonly number[]} list
 * @param {number} shift
 */
export function putOctets(w, type, list, shift) {
  const n = Math.min(list.length, 253);
  w.u8(attributeHead(type));
  w.u8(n + 2);
  for (let i = 0; i < n; i++) w.u8(list[i] << shift);
  w.zeros(pad4(n + 2));
}

/**
 * OVERALL-REQUEST-STATUS or FLOOR-REQUEST-STATUS in at most `room` octets.
 * @param {import('./bytes.js').ByteWriter} w
 * @param {number} type
 * @param {number} id
 * @param {StatusGroup} g
 * @param {number} room
 */
function putStatusGroup(w, type, id, g, room) {
  room = Math.min(floor4(room), 252);
  if (room < 4) return;
  const start = w.size;
  w.u8(attributeHead(type));
  w.u8(0);  // Length patched below
  w.u16(id);
  if (g.status !== undefined && room - (w.size - start) >= 4) {
    w.u8(attributeHead(Attribute.RequestStatus));
    w.u8(4);
    w.u8(g.status);
    w.u8(g.queuePosition ?? 0);
  }
  if (g.statusInfo !== undefined)
    putText(w, Attribute.StatusInfo, g.statusInfo, room - (w.size - start));
  w.patch8(start + 1, w.size - start);
}

/**
 * BENEFICIARY-INFORMATION or REQUESTED-BY-INFORMATION in at most `room` octets.
 * @param {import('./bytes.js').ByteWriter} w
 * @param {number} type
 * @param {UserInformation} u
 * @param {number} room
 */
export function putUserInformation(w, type, u, room) {
  room = Math.min(floor4(room), 252);
  if (room < 4) return;
  const start = w.size;
  w.u8(attributeHead(type));
  w.u8(0);
  w.u16(u.id);
  if (u.displayName !== undefined)
    putText(w, Attribute.UserDisplayName, u.displayName, room - (w.size - start));
  if (u.uri !== undefined) putText(w, Attribute.UserUri, u.uri, room - (w.size - start));
  w.patch8(start + 1, w.size - start);
}

/**
 * FLOOR-REQUEST-INFORMATION. A group's Length (8 bits) counts its nested attributes with their
 * padding, so a group stays within 252 octets: fixed-size parts are reserved first, texts get
 * what is left and are cut or dropped, trailing floors beyond ~60 are dropped (docs/codec.md).
 * @param {import('./bytes.js').ByteWriter} w
 * @param {FloorRequestInformation} fri
 */
export function putFloorRequestInformation(w, fri) {
  const room = 252;
  const othersMin = 4 + (fri.overall ? 4 : 0) + (fri.beneficiary ? 4 : 0) +
      (fri.requestedBy ? 4 : 0) + (fri.priority !== undefined ? 4 : 0);
  const nFloors = Math.min(fri.floors.length, Math.floor((room - othersMin) / 4));
  let reserve = othersMin - 4 + 4 * nFloors;  // still owed to later fixed parts
  const start = w.size;
  const left = () => room - (w.size - start);
  w.u8(attributeHead(Attribute.FloorRequestInformation));
  w.u8(0);
  w.u16(fri.id);
  if (fri.overall) {
    reserve -= 4;
    putStatusGroup(
        w, Attribute.OverallRequestStatus, fri.overall.id, fri.overall, left() - reserve);
  }
  for (let i = 0; i < nFloors; i++) {
    reserve -= 4;
    const g = fri.floors[i];
    putStatusGroup(w, Attribute.FloorRequestStatus, g.floor, g, left() - reserve);
  }
  if (fri.beneficiary) {
    reserve -= 4;
    putUserInformation(w, Attribute.BeneficiaryInformation, fri.beneficiary, left() - reserve);
  }
  if (fri.requestedBy) {
    reserve -= 4;
    putUserInformation(w, Attribute.RequestedByInformation, fri.requestedBy, left() - reserve);
  }
  if (fri.priority !== undefined) {
    reserve -= 4;
    putPriority(w, fri.priority);
  }
  if (fri.participantInfo !== undefined)
    putText(w, Attribute.ParticipantProvidedInfo, fri.participantInfo, left());
  w.patch8(start + 1, w.size - start);
}
