// Malformed input of every kind: each throws a BfcpDecodeError with the Error Code a receiver
// answers with and a reason naming the problem (the same reasons as the C++ codec).
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {BfcpDecodeError, decode, encode} from '../src/codec.js';

import {loadGolden} from './hex.js';

/**
 * A frame with a correct header around `payload` (Payload Length computed unless given).
 * @param {number} prim
 * @param {number[]} payload
 * @param {{version?: number, words?: number, flags?: number}} [o]
 */
function frame(prim, payload, o = {}) {
  const words = o.words ?? Math.ceil(payload.length / 4);
  const head = [((o.version ?? 1) << 5) | (o.flags ?? 0), prim, words >> 8, words & 0xff];
  return Uint8Array.from([...head, 0, 0, 0, 1, 0, 9, 0, 3, ...payload]);
}

/**
 * @param {Uint8Array} bytes
 * @param {number} code
 * @param {RegExp} reason
 */
function rejects(bytes, code, reason) {
  assert.throws(() => decode(bytes), (/** @type {any} */ e) => {
    assert.ok(e instanceof BfcpDecodeError, `not a BfcpDecodeError: ${e}`);
    assert.equal(e.code, code, `code for "${e.reason}"`);
    assert.match(e.reason, reason);
    return true;
  });
}

test('fewer than 12 octets is a truncated header without a wire code', () => {
  for (let n = 0; n < 12; n++)
    rejects(loadGolden('hello.hex').subarray(0, n), 0, /truncated header/);
});

test('version other than 1 or 2 is Error 12', () => {
  for (const v of [0, 3, 7]) rejects(frame(11, [], {version: v}), 12, /neither 1 nor 2/);
});

test('size not matching Payload Length is Error 13', () => {
  rejects(frame(11, [], {words: 1}), 13, /Payload Length/);
  rejects(frame(2, [0x07, 0x04, 0, 1], {words: 0}), 13, /Payload Length/);
  rejects(Uint8Array.from([...frame(11, []), 0]), 13, /Payload Length/);
});

test('fragment fields missing or inconsistent are Error 13, a partial fragment Error 10', () => {
  const F = 0x08;
  rejects(frame(2, [], {version: 2, flags: F, words: 1}), 13, /no room for the fragment fields/);
  // Fragment Length 2 but only 1 word follows.
  rejects(
      frame(2, [0, 0, 0, 2, 0x07, 0x04, 0, 1], {version: 2, flags: F, words: 1}), 13,
      /Fragment Length/);
  // Offset 1 + Length 1 > Payload Length 1.
  rejects(
      frame(2, [0, 1, 0, 1, 0x07, 0x04, 0, 1], {version: 2, flags: F, words: 1}), 13,
      /past Payload Length/);
  // One fragment of a two-word message.
  rejects(
      frame(2, [0, 0, 0, 1, 0x07, 0x04, 0, 1], {version: 2, flags: F, words: 2}), 10, /reassembly/);
});

test('unknown primitives are Error 3; 18 and vendor 90..95 are accepted quietly', () => {
  for (const p of [0, 19, 48, 89, 96, 255]) rejects(frame(p, []), 3, /not in RFC 8855/);
  for (const p of [18, 90, 93, 95])
    assert.equal(decode(frame(p, [0xff, 0xff, 0xff, 0xff])).primitive, p);
});

test('attribute Length below 2 is Error 10', () => {
  rejects(frame(11, [0x05, 0x01, 0, 0]), 10, /Length below 2/);
  rejects(frame(11, [0x05, 0x00, 0, 0]), 10, /Length below 2/);
});

test('an attribute with the wrong Length for its type is Error 10', () => {
  rejects(frame(1, [0x05, 0x05, 0, 1, 0, 0, 0, 0]), 10, /^FLOOR-ID Length must be 4$/);
  rejects(frame(1, [0x05, 0x04, 0, 1, 0x03, 0x03, 9, 0]), 10, /^BENEFICIARY-ID Length must be 4$/);
  rejects(frame(2, [0x07, 0x06, 0, 1, 0, 0, 0, 0]), 10, /^FLOOR-REQUEST-ID Length must be 4$/);
  rejects(frame(1, [0x05, 0x04, 0, 1, 0x08, 0x03, 0x40, 0]), 10, /^PRIORITY Length must be 4$/);
  rejects(
      frame(4, [0x1f, 0x0a, 0, 5, 0x23, 0x06, 0, 1, 0x0b, 0x02, 0, 0]), 10,
      /REQUEST-STATUS Length/);
  rejects(frame(13, [0x0d, 0x02, 0, 0]), 10, /ERROR-CODE without its code octet/);
});

test('a REQUEST-STATUS value outside 1..7 is Error 10', () => {
  for (const s of [0, 8]) {
    rejects(frame(4, [0x1f, 0x0c, 0, 5, 0x23, 0x08, 0, 1, 0x0b, 0x04, s, 0]), 10, /outside 1\.\.7/);
  }
});

test('a non-zero padding octet is Error 10', () => {
  rejects(frame(1, [0x05, 0x04, 0, 1, 0x10, 0x03, 0x41, 0x01]), 10, /non-zero padding/);
});

test('an attribute overrunning the message is Error 10', () => {
  rejects(frame(1, [0x05, 0x08, 0, 1]), 10, /overruns/);
});

test('a nested attribute overrunning its group, or stray octets in a group, is Error 10', () => {
  // FRI Length 8 holding a FLOOR-REQUEST-STATUS of Length 8.
  rejects(frame(4, [0x1f, 0x08, 0, 5, 0x23, 0x08, 0, 1, 0x0b, 0x04, 3, 0]), 10, /overruns/);
  // FRI Length 9: one stray octet after the nested FLOOR-REQUEST-STATUS.
  rejects(frame(4, [0x1f, 0x09, 0, 5, 0x23, 0x04, 0, 1, 0x00, 0, 0, 0]), 10, /stray octets/);
  // A grouped attribute shorter than its ID.
  rejects(frame(4, [0x1f, 0x03, 0, 0]), 10, /shorter than its 16-bit ID/);
});

test('unknown mandatory attributes are Error 4 with every type listed, nested ones too', () => {
  const bytes = frame(4, [
    0x51, 0x04, 0, 0,                                      // type 40, M=1
    0x1f, 0x0c, 0, 5, 0x23, 0x04, 0, 1, 0xc9, 0x04, 0, 0,  // FRI with nested type 100, M=1
  ]);
  assert.throws(
      () => decode(bytes),
      (/** @type {any} */ e) => e.code === 4 && e.unknownAttributes.join() === '40,100');
});

test('unknown attributes without M are ignored at any depth', () => {
  const m =
      decode(frame(4, [0x50, 0x04, 0, 0, 0x1f, 0x0c, 0, 5, 0x23, 0x04, 0, 1, 0xc8, 0x04, 0, 0]));
  assert.deepEqual(m.info, {id: 5, floors: [{floor: 1}]});
});

test('missing mandatory body elements are Error 10', () => {
  rejects(frame(1, [0x09, 0x04, 0x40, 0]), 10, /FloorRequest without FLOOR-ID/);
  rejects(frame(2, []), 10, /FLOOR-REQUEST-ID missing/);
  rejects(frame(3, []), 10, /FLOOR-REQUEST-ID missing/);
  rejects(frame(4, []), 10, /FLOOR-REQUEST-INFORMATION missing/);
  rejects(frame(9, []), 10, /FLOOR-REQUEST-INFORMATION missing/);
  rejects(frame(13, []), 10, /Error without ERROR-CODE/);
  rejects(frame(4, [0x1f, 0x04, 0, 5]), 10, /without FLOOR-REQUEST-STATUS/);
});

test(
    'an unknown mandatory attribute wins over a missing element; a structure error over both',
    () => {
      rejects(frame(1, [0x51, 0x04, 0, 0]), 4, /M bit/);
      rejects(frame(1, [0x51, 0x04, 0, 0, 0x05, 0x01, 0, 0]), 10, /Length below 2/);
    });

test('single-valued attributes twice are Error 10', () => {
  rejects(
      frame(1, [0x05, 0x04, 0, 1, 0x08, 0x04, 0x40, 0, 0x08, 0x04, 0x40, 0]), 10,
      /duplicate PRIORITY/);
  rejects(frame(2, [0x07, 0x04, 0, 1, 0x07, 0x04, 0, 2]), 10, /duplicate FLOOR-REQUEST-ID/);
});

test('tolerances: empty HelloAck, group Length without the last nested padding', () => {
  assert.equal(decode(frame(12, [])).supportedPrimitives, undefined);
  // FRI Length 11: its FLOOR-REQUEST-STATUS (Length 7) ends in a STATUS-INFO of Length 3 whose
  // padding octet lies outside both groups.
  const m = decode(frame(4, [0x1f, 0x0b, 0, 5, 0x23, 0x07, 0, 1, 0x12, 0x03, 0x78, 0]));
  assert.deepEqual(m.info?.floors, [{floor: 1, statusInfo: 'x'}]);
});

test('decoding a garbage buffer never throws anything but BfcpDecodeError', () => {
  let seed = 1;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
  for (let i = 0; i < 2000; i++) {
    const body = Array.from({length: rnd() % 40}, rnd);
    const bytes = frame(1 + (rnd() % 17), body);
    try {
      decode(bytes);
    } catch (e) {
      assert.ok(e instanceof BfcpDecodeError, String(e));
    }
  }
});

test(
    'encoder: long texts are cut to 253 octets at a UTF-8 boundary, fields are range-checked',
    () => {
      const long = 'é'.repeat(200);  // 400 octets
      const b = encode({
        primitive: 1,
        conference: 1,
        transaction: 1,
        user: 1,
        floors: [1],
        participantInfo: long
      });
      const m = decode(b);
      assert.equal(m.participantInfo, 'é'.repeat(126));
      assert.throws(
          () => encode({primitive: 11, conference: 1, transaction: 70000, user: 1}), RangeError);
      assert.throws(
          () => encode({primitive: 11, conference: 1, transaction: 1, user: 1, version: 3}),
          RangeError);
      assert.throws(
          () => encode({primitive: 2, conference: 1, transaction: 1, user: 1}), TypeError);
    });

test('encoder: a FLOOR-REQUEST-INFORMATION stays within 252 octets, texts cut to fit', () => {
  const info = {
    id: 1,
    floors: [{floor: 1, status: 3, statusInfo: 'a'.repeat(200)}],
    beneficiary: {id: 2, displayName: 'b'.repeat(200)},
    participantInfo: 'c'.repeat(200),
  };
  const b = encode({primitive: 4, conference: 1, transaction: 0, user: 1, info});
  assert.ok(b[13] <= 252, `group Length ${b[13]}`);
  const m = decode(b);
  assert.equal(m.info?.floors[0].status, 3);
  assert.equal(m.info?.beneficiary?.id, 2);
});
