import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { DEFAULT_MEMORY_LIMIT, DuckDbEngine } from '../src/engine/duckdb.js';
import { tempDir } from './helpers.js';

test('the engine has a bounded memory and a spill folder of its own that it removes on close', async () => {
  const engine = await DuckDbEngine.open();
  const [setting] = await engine.rows(`SELECT current_setting('memory_limit') AS memory, current_setting('temp_directory') AS spill`);
  assert.equal(DEFAULT_MEMORY_LIMIT, '1.5GiB');
  assert.equal(setting.memory, '1.5 GiB');
  const spill = String(setting.spill);
  assert.ok(existsSync(spill), spill);
  await engine.close();
  assert.ok(!existsSync(spill), 'spill folder removed');

  const mine = tempDir('spill');
  const other = await DuckDbEngine.open({ memoryLimit: '256MB', tempDirectory: mine });
  const [s] = await other.rows(`SELECT current_setting('memory_limit') AS memory, current_setting('temp_directory') AS spill`);
  assert.match(String(s.memory), /^2(44|56)\.\d* ?Mi?B$/);
  assert.equal(s.spill, mine);
  await other.close();
  assert.ok(existsSync(mine), 'a given spill folder is left alone');
});
