/// Octet tools of the codec: a growing big-endian writer, UTF-8 text, 4-octet padding.

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

/**
 * Octets needed after `n` to reach a 4-octet boundary.
 * @param {number} n
 * @returns {number}
 */
export function pad4(n) {
  return (4 - (n % 4)) % 4;
}

/**
 * The largest multiple of 4 not above `n`.
 * @param {number} n
 * @returns {number}
 */
export function floor4(n) {
  return n - (n % 4);
}

/**
 * UTF-8 octets of a string.
 * @param {string} s
 * @returns {Uint8Array}
 */
export function utf8(s) {
  return utf8Encoder.encode(s);
}

/**
 * Text of UTF-8 octets (invalid sequences become U+FFFD: texts are only shown, never parsed).
 * @param {Uint8Array} b
 * @returns {string}
 */
export function text(b) {
  return utf8Decoder.decode(b);
}

/**
 * A view of any binary input as octets (no copy).
 * @param {ArrayBuffer | ArrayBufferView} data
 * @returns {Uint8Array}
 */
export function asBytes(data) {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  // Also an ArrayBuffer of another realm (an iframe's, a worker's), where instanceof fails.
  if (data instanceof ArrayBuffer ||
      Object.prototype.toString.call(data) === '[object ArrayBuffer]')
    return new Uint8Array(/** @type {ArrayBuffer} */ (data));
  throw new TypeError('expected an ArrayBuffer or a typed array');
}

/**
 * Checks that `v` is an integer in 0..max and returns it.
 * @param {string} what name of the field, for the message
 * @param {unknown} v
 * @param {number} [max]
 * @returns {number}
 */
export function checkUint(what, v, max = 0xffff) {
  if (!Number.isInteger(v) || /** @type {number} */ (v) < 0 || /** @type {number} */ (v) > max)
    throw new RangeError(`${what} must be an integer in 0..${max}, got ${String(v)}`);
  return /** @type {number} */ (v);
}

/** Big-endian octet writer that grows as needed. */
export class ByteWriter {
  constructor() {
    /** @type {number[]} */
    this.out = [];
  }

  /** @returns {number} octets written so far */
  get size() {
    return this.out.length;
  }

  /** @param {number} v */
  u8(v) {
    this.out.push(v & 0xff);
  }

  /** @param {number} v */
  u16(v) {
    this.out.push((v >>> 8) & 0xff, v & 0xff);
  }

  /** @param {number} v */
  u32(v) {
    this.out.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  }

  /** @param {Uint8Array} b */
  raw(b) {
    for (const o of b) this.out.push(o);
  }

  /** @param {number} n */
  zeros(n) {
    for (let i = 0; i < n; i++) this.out.push(0);
  }

  /**
   * @param {number} at
   * @param {number} v
   */
  patch8(at, v) {
    this.out[at] = v & 0xff;
  }

  /**
   * @param {number} at
   * @param {number} v
   */
  patch16(at, v) {
    this.out[at] = (v >>> 8) & 0xff;
    this.out[at + 1] = v & 0xff;
  }

  /** @param {number} n drops everything after the first `n` octets */
  truncate(n) {
    this.out.length = n;
  }

  /** @returns {Uint8Array} */
  bytes() {
    return Uint8Array.from(this.out);
  }
}
