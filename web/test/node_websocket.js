/// A small WebSocket client (RFC 6455) with the browser API subset BfcpClient uses, for the
/// end-to-end test on Node versions without a global WebSocket. Client frames are masked;
/// fragmented server messages are joined; pings are answered.

import {createHash, randomBytes} from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export class NodeWebSocket extends EventTarget {
  /**
   * @param {string} url ws:// or wss:// (certificates are not verified: loopback tests)
   * @param {string} [protocol]
   */
  constructor(url, protocol) {
    super();
    this.url = url;
    this.binaryType = 'arraybuffer';
    this.readyState = 0;
    this.protocol = '';
    /** @private */ this.buffer = Buffer.alloc(0);
    /** @private @type {Buffer[]} */ this.fragments = [];
    /** @private */ this.fragmentOpcode = 0;
    /** @private */ this.closeCode = 1006;
    const u = new URL(url);
    const port = Number(u.port || (u.protocol === 'wss:' ? 443 : 80));
    const key = randomBytes(16).toString('base64');
    this.expectedAccept = createHash('sha1').update(key + GUID).digest('base64');
    const request =
        `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
        (protocol ? `Sec-WebSocket-Protocol: ${protocol}\r\n` : '') + '\r\n';
    this.socket = u.protocol === 'wss:' ?
        tls.connect({host: u.hostname, port, servername: 'localhost', rejectUnauthorized: false}) :
        net.connect({host: u.hostname, port});
    this.socket.once(
        u.protocol === 'wss:' ? 'secureConnect' : 'connect', () => this.socket.write(request));
    this.socket.on('data', (d) => this.onData(d));
    this.socket.on('error', () => this.fire('error', {}));
    this.socket.on('close', () => {
      if (this.readyState === 3) return;
      this.readyState = 3;
      this.fire('close', {code: this.closeCode, reason: '', wasClean: this.closeCode !== 1006});
    });
  }

  /** @param {Uint8Array} data */
  send(data) {
    if (this.readyState !== 1) throw new Error('WebSocket is not open');
    this.socket.write(frame(2, Buffer.from(data)));
  }

  /** @param {number} [code] */
  close(code = 1000) {
    if (this.readyState >= 2) return;
    const body = Buffer.alloc(2);
    body.writeUInt16BE(code);
    if (this.readyState === 1) this.socket.write(frame(8, body));
    this.readyState = 2;
    this.closeCode = code;
    this.socket.end();
  }

  /**
   * @private
   * @param {Buffer} d
   */
  onData(d) {
    this.buffer = Buffer.concat([this.buffer, d]);
    if (this.readyState === 0) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.buffer.subarray(0, end).toString('latin1');
      this.buffer = this.buffer.subarray(end + 4);
      const accept = /\r\nsec-websocket-accept: *([^\r]+)/i.exec(head)?.[1];
      if (!/^HTTP\/1\.1 101/.test(head) || accept !== this.expectedAccept) {
        this.socket.destroy();
        return;
      }
      this.protocol = /\r\nsec-websocket-protocol: *([^\r]+)/i.exec(head)?.[1] ?? '';
      this.readyState = 1;
      this.fire('open', {});
    }
    for (;;) {
      const f = parseFrame(this.buffer);
      if (!f) return;
      this.buffer = this.buffer.subarray(f.size);
      this.onFrame(f.fin, f.opcode, f.payload);
    }
  }

  /**
   * @private
   * @param {boolean} fin
   * @param {number} opcode
   * @param {Buffer} payload
   */
  onFrame(fin, opcode, payload) {
    if (opcode === 8) {
      this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
      if (this.readyState === 1) this.socket.write(frame(8, payload.subarray(0, 2)));
      this.readyState = 2;
      this.socket.end();
      return;
    }
    if (opcode === 9) {
      this.socket.write(frame(10, payload));
      return;
    }
    if (opcode === 10) return;
    if (opcode !== 0) this.fragmentOpcode = opcode;
    this.fragments.push(payload);
    if (!fin) return;
    const whole = Buffer.concat(this.fragments);
    this.fragments = [];
    const data = this.fragmentOpcode === 1 ?
        whole.toString('utf8') :
        whole.buffer.slice(whole.byteOffset, whole.byteOffset + whole.byteLength);
    this.fire('message', {data});
  }

  /**
   * @private
   * @param {string} type
   * @param {object} props
   */
  fire(type, props) {
    const e = new Event(type);
    Object.assign(e, props);
    this.dispatchEvent(e);
  }
}

/**
 * A masked client frame (FIN set).
 * @param {number} opcode
 * @param {Buffer} payload
 * @returns {Buffer}
 */
function frame(opcode, payload) {
  const n = payload.length;
  const head = n < 126 ? Buffer.alloc(2) : n < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  head[0] = 0x80 | opcode;
  if (n < 126) {
    head[1] = 0x80 | n;
  } else if (n < 65536) {
    head[1] = 0x80 | 126;
    head.writeUInt16BE(n, 2);
  } else {
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(n), 2);
  }
  const mask = randomBytes(4);
  const body = Buffer.alloc(n);
  for (let i = 0; i < n; i++) body[i] = payload[i] ^ mask[i % 4];
  return Buffer.concat([head, mask, body]);
}

/**
 * One server frame from the front of `b`, or null when it is not complete yet.
 * @param {Buffer} b
 * @returns {{fin: boolean, opcode: number, payload: Buffer, size: number} | null}
 */
function parseFrame(b) {
  if (b.length < 2) return null;
  let n = b[1] & 0x7f;
  let at = 2;
  if (n === 126) {
    if (b.length < 4) return null;
    n = b.readUInt16BE(2);
    at = 4;
  } else if (n === 127) {
    if (b.length < 10) return null;
    n = Number(b.readBigUInt64BE(2));
    at = 10;
  }
  const masked = (b[1] & 0x80) !== 0;
  const maskAt = at;
  if (masked) at += 4;
  if (b.length < at + n) return null;
  const payload = Buffer.from(b.subarray(at, at + n));
  if (masked)
    for (let i = 0; i < n; i++) payload[i] ^= b[maskAt + (i % 4)];
  return {fin: (b[0] & 0x80) !== 0, opcode: b[0] & 0x0f, payload, size: at + n};
}
