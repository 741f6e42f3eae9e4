/**
 * Octets needed after `n` to reach a 4-octet boundary.
 * @param {number} n
 * @returns {number}
 */
export function pad4(n: number): number;
/**
 * The largest multiple of 4 not above `n`.
 * @param {number} n
 * @returns {number}
 */
export function floor4(n: number): number;
/**
 * UTF-8 octets of a string.
 * @param {string} s
 * @returns {Uint8Array}
 */
export function utf8(s: string): Uint8Array;
/**
 * Text of UTF-8 octets (invalid sequences become U+FFFD: texts are only shown, never parsed).
 * @param {Uint8Array} b
 * @returns {string}
 */
export function text(b: Uint8Array): string;
/**
 * A view of any binary input as octets (no copy).
 * @param {ArrayBuffer | ArrayBufferView} data
 * @returns {Uint8Array}
 */
export function asBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array;
/**
 * Checks that `v` is an integer in 0..max and returns it.
 * @param {string} what name of the field, for the message
 * @param {unknown} v
 * @param {number} [max]
 * @returns {number}
 */
export function checkUint(what: string, v: unknown, max?: number): number;
/** Big-endian octet writer that grows as needed. */
export class ByteWriter {
    /** @type {number[]} */
    out: number[];
    /** @returns {number} octets written so far */
    get size(): number;
    /** @param {number} v */
    u8(v: number): void;
    /** @param {number} v */
    u16(v: number): void;
    /** @param {number} v */
    u32(v: number): void;
    /** @param {Uint8Array} b */
    raw(b: Uint8Array): void;
    /** @param {number} n */
    zeros(n: number): void;
    /**
     * @param {number} at
     * @param {number} v
     */
    patch8(at: number, v: number): void;
    /**
     * @param {number} at
     * @param {number} v
     */
    patch16(at: number, v: number): void;
    /** @param {number} n drops everything after the first `n` octets */
    truncate(n: number): void;
    /** @returns {Uint8Array} */
    bytes(): Uint8Array;
}
