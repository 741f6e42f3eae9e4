/// Reads the annotated golden vectors of tests/data/bfcp/*.hex: `#` starts a comment, the rest
/// is hex octet pairs separated by white space.

import {readdirSync, readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

/** Folder of the golden vectors shared with the C++ codec tests. */
export const GOLDEN_DIR = fileURLToPath(new URL('../../tests/data/bfcp/', import.meta.url));

/**
 * @param {string} s annotated hex
 * @returns {Uint8Array}
 */
export function parseHex(s) {
  const digits = s.split('\n').map((line) => line.replace(/#.*/, '')).join('').replace(/\s+/g, '');
  if (digits.length % 2 !== 0 || /[^0-9a-fA-F]/.test(digits))
    throw new Error('golden hex: odd number of digits or a non-hex character');
  return Uint8Array.from(digits.match(/../g) ?? [], (p) => parseInt(p, 16));
}

/**
 * @param {string} file name inside GOLDEN_DIR
 * @returns {Uint8Array}
 */
export function loadGolden(file) {
  return parseHex(readFileSync(GOLDEN_DIR + file, 'utf8'));
}

/** @returns {string[]} every golden vector file name */
export function goldenFiles() {
  return readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.hex')).sort();
}
