/// A WebSocket stand-in for client tests: records what the client sends (decoded), lets the test
/// play the server (open, answer with messages built by the codec, close), and a manual clock
/// so that timeouts and back-off run without waiting.

import {decode, encode} from '../src/codec.js';

export class FakeWebSocket extends EventTarget {
  /** @type {FakeWebSocket[]} every socket made, newest last */
  static instances = [];

  static reset() {
    FakeWebSocket.instances = [];
  }

  /** @returns {FakeWebSocket} the newest socket */
  static get last() {
    const ws = FakeWebSocket.instances.at(-1);
    if (!ws) throw new Error('no WebSocket was created');
    return ws;
  }

  /**
   * @param {string} url
   * @param {string | string[]} [protocols]
   */
  constructor(url, protocols) {
    super();
    this.url = url;
    this.protocols = protocols;
    this.binaryType = 'blob';
    this.readyState = 0;
    /** @type {any[]} decoded messages the client sent */
    this.sent = [];
    /** @type {number | undefined} */
    this.closeCode = undefined;
    FakeWebSocket.instances.push(this);
  }

  /** @param {Uint8Array} data */
  send(data) {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    if (!(data instanceof Uint8Array)) throw new Error('the client must send binary data');
    this.sent.push(decode(data));
  }

  /** @param {number} [code] */
  close(code = 1005) {
    if (this.readyState >= 2) return;
    this.closeCode = code;
    this.readyState = 3;
    this.fire('close', {code, reason: '', wasClean: true});
  }

  // --- the server's side --------------------------------------------------------------------

  /** The handshake succeeds. */
  serverOpen() {
    this.readyState = 1;
    this.fire('open', {});
  }

  /** @param {object} m a message for the codec (conference/user/transaction included) */
  serverSend(m) {
    this.serverSendRaw(encode(/** @type {any} */ (m)));
  }

  /** @param {Uint8Array | string} bytes */
  serverSendRaw(bytes) {
    const data = typeof bytes === 'string' ?
        bytes :
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    this.fire('message', {data});
  }

  /** @param {number} [code] the connection drops */
  serverClose(code = 1006) {
    this.readyState = 3;
    this.fire('close', {code, reason: '', wasClean: false});
  }

  /** @returns {any} the last message the client sent */
  get lastSent() {
    return this.sent.at(-1);
  }

  /**
   * @param {string} type
   * @param {object} props
   */
  fire(type, props) {
    const e = new Event(type);
    Object.assign(e, props);
    this.dispatchEvent(e);
  }
}

/** Timers the test advances by hand. */
export class ManualClock {
  constructor() {
    this.now = 0;
    this.nextId = 1;
    /** @type {Map<number, {at: number, fn: () => void}>} */
    this.timers = new Map();
    this.setTimeout = (/** @type {() => void} */ fn, /** @type {number} */ ms) => {
      const id = this.nextId++;
      this.timers.set(id, {at: this.now + ms, fn});
      return id;
    };
    this.clearTimeout = (/** @type {number} */ id) => {
      this.timers.delete(id);
    };
  }

  /** @param {number} ms runs every timer due within `ms`, in time order */
  advance(ms) {
    const end = this.now + ms;
    for (;;) {
      let next;
      for (const [id, t] of this.timers)
        if (t.at <= end && (!next || t.at < next[1].at)) next = [id, t];
      if (!next) break;
      this.timers.delete(/** @type {number} */ (next[0]));
      this.now = next[1].at;
      next[1].fn();
    }
    this.now = end;
  }
}

/** Lets pending promise callbacks run. */
export function flush() {
  return new Promise((resolve) => setImmediate(resolve));
}
