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
export function decodeBody(primitive: number, payload: Uint8Array, ctx: DecodeContext): MessageBody;
/**
 * Writes the body of `m` (attributes in the RFC ABNF order). Repeated top-level attributes stop
 * at the last one that fits the 16-bit Payload Length.
 * @param {import('./bytes.js').ByteWriter} w
 * @param {MessageBody & {primitive: number}} m
 */
export function encodeBody(w: import("./bytes.js").ByteWriter, m: MessageBody & {
    primitive: number;
}): void;
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
 */
export type MessageBody = {
    /**
     * FLOOR-ID list
     */
    floors?: number[] | undefined;
    /**
     * FLOOR-ID of a FloorStatus
     */
    floor?: number | undefined;
    /**
     * BENEFICIARY-ID
     */
    beneficiary?: number | undefined;
    /**
     * PARTICIPANT-PROVIDED-INFO
     */
    participantInfo?: string | undefined;
    /**
     * PRIORITY 0..7
     */
    priority?: number | undefined;
    /**
     * FLOOR-REQUEST-ID
     */
    requestId?: number | undefined;
    /**
     * FLOOR-REQUEST-INFORMATION
     */
    info?: import("./attributes.js").FloorRequestInformation | undefined;
    /**
     * BENEFICIARY-INFORMATION
     */
    beneficiaryInfo?: import("./attributes.js").UserInformation | undefined;
    requests?: import("./attributes.js").FloorRequestInformation[] | undefined;
    supportedPrimitives?: number[] | undefined;
    /**
     * attribute types (without the R bit)
     */
    supportedAttributes?: number[] | undefined;
    /**
     * ERROR-CODE value
     */
    code?: number | undefined;
    /**
     * ERROR-CODE details of code 4 (attribute types)
     */
    unknownAttributes?: number[] | undefined;
    /**
     * ERROR-INFO
     */
    errorInfo?: string | undefined;
};
import { DecodeContext } from './attributes.js';
