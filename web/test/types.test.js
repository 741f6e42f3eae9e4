// web/types/*.d.ts are what `npm run build` makes from the sources' JSDoc now (so the shipped
// types never lag the code), and the sources type-check under tsc --strict (checkJs).
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

const webDir = fileURLToPath(new URL('..', import.meta.url));

test('the committed .d.ts files equal a fresh tsc build', () => {
  const out = mkdtempSync(join(tmpdir(), 'floorctl-bfcp-types-'));
  try {
    const tsc = join(webDir, 'node_modules/typescript/bin/tsc');
    execFileSync(
        'node', [tsc, '-p', 'tsconfig.json', '--outDir', out],
        {cwd: webDir, timeout: 120000, stdio: 'pipe'});
    const fresh = readdirSync(out).sort();
    assert.deepEqual(readdirSync(join(webDir, 'types')).sort(), fresh);
    for (const f of fresh)
      assert.equal(
          readFileSync(join(webDir, 'types', f), 'utf8'), readFileSync(join(out, f), 'utf8'),
          `types/${f} is stale: npm run build`);
  } finally {
    rmSync(out, {recursive: true, force: true});
  }
});

test(
    'the .d.ts files show no internal members: nothing _-prefixed, FloorRequest has no constructor',
    () => {
      const typesDir = join(webDir, 'types');
      for (const f of readdirSync(typesDir)) {
        const text = readFileSync(join(typesDir, f), 'utf8');
        const internal = text.split('\n').filter((l) => /^\s+_\w*\s*[(:?]/.test(l));
        assert.deepEqual(internal, [], `types/${f} declares internal members`);
      }
      const request = readFileSync(join(typesDir, 'floor_request.d.ts'), 'utf8');
      assert.ok(!/constructor\(/.test(request), 'only BfcpClient.requestFloor makes requests');
      const index = readFileSync(join(typesDir, 'index.d.ts'), 'utf8');
      assert.ok(!/createFloorRequest|updateRequest|failRequest/.test(index));
    });
