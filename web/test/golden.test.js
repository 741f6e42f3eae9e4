// Golden vectors shared with the C++ codec (tests/data/bfcp/*.hex): each decodes to exactly the
// hand-built message, the hand-built message encodes to exactly the bytes, and every vector
// survives decode → encode unchanged.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {decode, encode} from '../src/codec.js';

import {goldenFiles, loadGolden, parseHex} from './hex.js';

/**
 * @param {number} conference
 * @param {number} transaction
 * @param {number} user
 * @param {number} primitive
 * @param {object} [extra]
 */
const msg = (conference, transaction, user, primitive, extra = {}) => ({
  primitive,
  conference,
  transaction,
  user,
  version: 1,
  responder: false,
  fragmented: false,
  ...extra,
});

/** @type {Record<string, object>} */
const expected = {
  'floor_request.hex': msg(0x01020304, 0x1234, 42, 1, {floors: [7], priority: 2}),
  'floor_request_full.hex': msg(1, 2, 3, 1, {
    floors: [1, 2],
    beneficiary: 9,
    participantInfo: 'hi!',
    priority: 4,
  }),
  'floor_release.hex': msg(7, 11, 5, 2, {requestId: 42}),
  'floor_request_query.hex': msg(7, 12, 5, 3, {requestId: 42}),
  'floor_request_status.hex': msg(1, 0, 3, 4, {
    info: {
      id: 5,
      overall: {id: 5, status: 3, queuePosition: 0, statusInfo: 'ok'},
      floors: [{floor: 1, status: 3, queuePosition: 0}],
      beneficiary: {id: 9, displayName: 'Bob', uri: 'sip:b@x'},
      requestedBy: {id: 3},
      priority: 3,
      participantInfo: 'go',
    },
  }),
  'user_query.hex': msg(1, 13, 3, 5, {beneficiary: 9}),
  'user_status.hex': msg(1, 13, 3, 6, {
    beneficiaryInfo: {id: 9, displayName: 'Al'},
    requests: [
      {id: 1, floors: [{floor: 1, status: 1, queuePosition: 2}]},
      {id: 2, overall: {id: 2, status: 2, queuePosition: 0}, floors: [{floor: 1}]},
    ],
  }),
  'floor_query.hex': msg(1, 14, 3, 7, {floors: [1, 2]}),
  'floor_status.hex': msg(1, 0, 3, 8, {
    floor: 1,
    requests: [{id: 5, floors: [{floor: 1, status: 3, queuePosition: 0, statusInfo: 'x'}]}],
  }),
  'chair_action.hex': msg(1, 15, 1, 9, {
    info: {id: 5, floors: [{floor: 1, status: 7, queuePosition: 0}]},
  }),
  'chair_action_ack.hex': msg(1, 15, 1, 10),
  'hello.hex': msg(1, 16, 3, 11),
  'hello_ack.hex': msg(1, 16, 3, 12, {
    supportedPrimitives: Array.from({length: 17}, (_, i) => i + 1),
    supportedAttributes: Array.from({length: 18}, (_, i) => i + 1),
  }),
  'error.hex': msg(1, 17, 3, 13, {code: 4, unknownAttributes: [40, 100], errorInfo: 'bad'}),
  'floor_request_status_ack.hex': msg(1, 256, 3, 14, {version: 2, responder: true}),
  'floor_status_ack.hex': msg(1, 257, 3, 15, {version: 2, responder: true}),
  'goodbye.hex': msg(1, 18, 3, 16),
  'goodbye_ack.hex': msg(1, 18, 3, 17),
  'floor_release_v2_fragment.hex': msg(7, 11, 5, 2, {
    version: 2,
    fragmented: true,
    fragmentOffset: 0,
    fragmentLength: 1,
    requestId: 42,
  }),
  'vendor_93.hex': msg(1, 19, 3, 93, {version: 2}),
};

test('every golden vector has a hand-built message here', () => {
  assert.deepEqual(goldenFiles(), Object.keys(expected).sort());
});

for (const [file, message] of Object.entries(expected)) {
  test(`${file} decodes to the hand-built message`, () => {
    assert.deepEqual(decode(loadGolden(file)), message);
  });
  test(`${file}: the hand-built message encodes to the golden bytes`, () => {
    assert.deepEqual(encode(/** @type {any} */ (message)), loadGolden(file));
  });
  test(`${file} survives decode → encode unchanged`, () => {
    const bytes = loadGolden(file);
    assert.deepEqual(encode(decode(bytes.buffer.slice(0))), bytes);
  });
}

test('golden vectors cover all 17 primitives and all 18 attributes', () => {
  const prims = new Set();
  const attrs = new Set();
  /** @param {Uint8Array} b @param {number} pos @param {number} end */
  const collect = (b, pos, end) => {
    while (pos + 2 <= end) {
      const type = b[pos] >> 1;
      const len = b[pos + 1];
      if (len < 2) return;
      attrs.add(type);
      if (type >= 14 && type <= 18) collect(b, pos + 4, pos + len);
      pos += Math.ceil(len / 4) * 4;
    }
  };
  for (const f of goldenFiles()) {
    const b = loadGolden(f);
    prims.add(b[1]);
    collect(b, b[0] & 0x08 ? 16 : 12, b.length);
  }
  for (let p = 1; p <= 17; p++) assert.ok(prims.has(p), `no golden vector for primitive ${p}`);
  for (let a = 1; a <= 18; a++) assert.ok(attrs.has(a), `no golden vector for attribute ${a}`);
});

test('annotated hex: comments and white space are ignored, odd digits rejected', () => {
  assert.deepEqual(parseHex('20 01 # c0ffee\n0A\tff'), Uint8Array.from([0x20, 0x01, 0x0a, 0xff]));
  assert.throws(() => parseHex('2'));
  assert.throws(() => parseHex('zz'));
});
