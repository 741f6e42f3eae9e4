// The package as published: `npm pack` makes a tarball that installs offline into an empty
// project, and Node imports the client and the codec from it by package name.
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

const webDir = fileURLToPath(new URL('..', import.meta.url));
const goldenHello = fileURLToPath(new URL('../../tests/data/bfcp/hello.hex', import.meta.url));

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {string} cwd
 */
const run = (cmd, args, cwd) => execFileSync(
    cmd, args, {cwd, encoding: 'utf8', timeout: 60000, stdio: ['ignore', 'pipe', 'pipe']});

test('npm pack makes a tarball that installs offline and imports from Node', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'floorctl-bfcp-pack-'));
  try {
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', tmp], webDir));
    const files = packed[0].files.map((/** @type {{path: string}} */ f) => f.path);
    for (const f
             of ['package.json', 'README.md', 'src/index.js', 'src/codec.js', 'src/client.js',
                 'types/index.d.ts'])
      assert.ok(files.includes(f), `${f} missing from the tarball`);
    assert.ok(
        !files.some((/** @type {string} */ f) => f.startsWith('test/')), 'tests are not shipped');

    const project = join(tmp, 'project');
    run('mkdir', ['-p', project], tmp);
    writeFileSync(
        join(project, 'package.json'), '{"name":"consumer","private":true,"type":"module"}\n');
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(tmp, packed[0].filename)],
        project);
    assert.ok(existsSync(join(project, 'node_modules/floorctl-bfcp/types/index.d.ts')));

    const script = `
      import { readFileSync } from 'node:fs';
      import { BfcpClient, BfcpError, RequestStatus, codec } from 'floorctl-bfcp';
      import { decode } from 'floorctl-bfcp/codec';
      const hex = readFileSync(${
        JSON.stringify(goldenHello)}, 'utf8').replace(/#.*/g, '').replace(/\\s+/g, '');
      const bytes = Uint8Array.from(hex.match(/../g), (p) => parseInt(p, 16));
      const m = decode(bytes);
      const same = codec.encode(m).every((o, i) => o === bytes[i]);
      console.log(JSON.stringify({ client: typeof BfcpClient, error: new BfcpError(5).name,
        granted: RequestStatus.Granted, primitive: m.primitive, same }));`;
    const out = JSON.parse(run('node', ['--input-type=module', '-e', script], project));
    assert.deepEqual(out, {
      client: 'function',
      error: 'UnauthorizedOperation',
      granted: 'granted',
      primitive: 11,
      same: true
    });
  } finally {
    rmSync(tmp, {recursive: true, force: true});
  }
});
