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
