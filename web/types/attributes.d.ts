/**
 * A parse failure (Error Code 10) with its reason.
 * @param {string} reason
 * @returns {never}
 */
export function fail(reason: string): never;
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
export function walk(region: Uint8Array, ctx: DecodeContext, on: (type: number, contents: Uint8Array) => void): void;
/**
 * A 16-bit attribute value (FLOOR-ID, BENEFICIARY-ID, FLOOR-REQUEST-ID).
 * @param {Uint8Array} c contents
 * @param {string} name attribute name for the error
 * @returns {number}
 */
export function decodeU16(c: Uint8Array, name: string): number;
/**
 * PRIORITY (§5.2.4): Prio(3) then 13 reserved bits, ignored.
 * @param {Uint8Array} c
 * @returns {number}
 */
export function decodePriority(c: Uint8Array): number;
/**
 * Sets `obj[key]` once; a second value is a parse error.
 * @template {object} T
 * @param {T} obj
 * @param {keyof T & string} key
 * @param {any} value
 * @param {string} name attribute name for the error
 */
export function setOnce<T extends object>(obj: T, key: keyof T & string, value: any, name: string): void;
/**
 * BENEFICIARY-INFORMATION / REQUESTED-BY-INFORMATION contents.
 * @param {Uint8Array} c
 * @param {DecodeContext} ctx
 * @returns {UserInformation}
 */
export function decodeUserInformation(c: Uint8Array, ctx: DecodeContext): UserInformation;
/**
 * FLOOR-REQUEST-INFORMATION contents (§5.2.15); attribute order is not enforced.
 * @param {Uint8Array} c
 * @param {DecodeContext} ctx
 * @returns {FloorRequestInformation}
 */
export function decodeFloorRequestInformation(c: Uint8Array, ctx: DecodeContext): FloorRequestInformation;
/**
 * The first octet of an attribute: Type(7) | M(1).
 * @param {number} type
 * @returns {number}
 */
export function attributeHead(type: number): number;
/**
 * A 16-bit attribute (FLOOR-ID, BENEFICIARY-ID, FLOOR-REQUEST-ID).
 * @param {import('./bytes.js').ByteWriter} w
 * @param {number} type
 * @param {number} value
 */
export function putU16(w: import("./bytes.js").ByteWriter, type: number, value: number): void;
/**
 * PRIORITY: Prio(3) in the high bits, reserved bits zero.
 * @param {import('./bytes.js').ByteWriter} w
 * @param {number} p
 */
export function putPriority(w: import("./bytes.js").ByteWriter, p: number): void;
/**
 * A text attribute in at most `room` octets (padding included); longer text is cut at a UTF-8
 * character boundary, and nothing is written when fewer than 4 octets are left.
 * @param {import('./bytes.js').ByteWriter} w
 * @param {number} type
 * @param {string} s
 * @param {number} room
 */
export function putText(w: import("./bytes.js").ByteWriter, type: number, s: string, room: number): void;
/**
 * An octet list (SUPPORTED-PRIMITIVES with shift 0, SUPPORTED-ATTRIBUTES with shift 1).
 * @param {import('./bytes.js').ByteWriter} w
 * @param {number} type
 * @param {readonly number[]} list
 * @param {number} shift
 */
export function putOctets(w: import("./bytes.js").ByteWriter, type: number, list: readonly number[], shift: number): void;
/**
 * BENEFICIARY-INFORMATION or REQUESTED-BY-INFORMATION in at most `room` octets.
 * @param {import('./bytes.js').ByteWriter} w
 * @param {number} type
 * @param {UserInformation} u
 * @param {number} room
 */
export function putUserInformation(w: import("./bytes.js").ByteWriter, type: number, u: UserInformation, room: number): void;
/**
 * FLOOR-REQUEST-INFORMATION. A group's Length (8 bits) counts its nested attributes with their
 * padding, so a group stays within 252 octets: fixed-size parts are reserved first, texts get
 * what is left and are cut or dropped, trailing floors beyond ~60 are dropped (docs/codec.md).
 * @param {import('./bytes.js').ByteWriter} w
 * @param {FloorRequestInformation} fri
 */
export function putFloorRequestInformation(w: import("./bytes.js").ByteWriter, fri: FloorRequestInformation): void;
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
    /** @type {number[]} */
    unknownMandatory: number[];
}
/** Room for a top-level attribute: Length ≤ 255, so padded size ≤ 256. */
export const TOP_ROOM: 256;
/**
 * A floor's or a request's status (FLOOR-REQUEST-STATUS / OVERALL-REQUEST-STATUS contents).
 * `status` and `queuePosition` are there when the group holds a REQUEST-STATUS.
 */
export type StatusGroup = {
    /**
     * Request Status 1..7 (RequestStatusCode)
     */
    status?: number | undefined;
    /**
     * 0 when not queued
     */
    queuePosition?: number | undefined;
    /**
     * STATUS-INFO text
     */
    statusInfo?: string | undefined;
};
/**
 * FLOOR-REQUEST-STATUS (§5.2.17).
 */
export type FloorRequestStatusGroup = StatusGroup & {
    floor: number;
};
/**
 * OVERALL-REQUEST-STATUS (§5.2.18).
 */
export type OverallRequestStatusGroup = StatusGroup & {
    id: number;
};
/**
 * BENEFICIARY-INFORMATION (§5.2.14) or REQUESTED-BY-INFORMATION (§5.2.16).
 */
export type UserInformation = {
    id: number;
    /**
     * USER-DISPLAY-NAME
     */
    displayName?: string | undefined;
    /**
     * USER-URI
     */
    uri?: string | undefined;
};
/**
 * FLOOR-REQUEST-INFORMATION (§5.2.15).
 */
export type FloorRequestInformation = {
    /**
     * floor request ID
     */
    id: number;
    overall?: OverallRequestStatusGroup | undefined;
    /**
     * at least one
     */
    floors: FloorRequestStatusGroup[];
    beneficiary?: UserInformation | undefined;
    requestedBy?: UserInformation | undefined;
    /**
     * 0..7 (Priority)
     */
    priority?: number | undefined;
    /**
     * PARTICIPANT-PROVIDED-INFO
     */
    participantInfo?: string | undefined;
};
