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
  assert.ok(String(s.spill).startsWith(`${mine}/spot-ml-spill-${process.pid}-`), 'a folder of its own under the given one');
  await other.close();
  assert.ok(existsSync(mine) && !existsSync(String(s.spill)), 'the given folder stays; the run\'s own folder in it is removed');
});

test('query progress: none while idle; while a statement runs, a share in [0, 1] and a row count', async () => {
  const engine = await DuckDbEngine.open({ threads: 2 });
  try {
    assert.equal(engine.queryProgress(), undefined);
    const samples: { fraction: number; rows: number }[] = [];
    const running = engine.rows('SELECT count(*) AS n FROM (SELECT i % 1000003 AS g, count(*) FROM range(20000000) t(i) GROUP BY g)');
    const timer = setInterval(() => {
      const p = engine.queryProgress();
      if (p) samples.push(p);
    }, 1);
    const [{ n }] = await running;
    clearInterval(timer);
    assert.equal(Number(n), 1000003);
    for (const p of samples) {
      assert.ok(p.fraction >= 0 && p.fraction <= 1, `fraction ${p.fraction}`);
      assert.ok(Number.isInteger(p.rows) && p.rows >= 0);
    }
    assert.equal(engine.queryProgress(), undefined, 'none once the statement is done');
  } finally {
    await engine.close();
  }
});

test('keepBlocks: the engine keeps freed blocks up to its memory limit (the robust run); by default it gives them back', async () => {
  const setting = async (engine: DuckDbEngine) => {
    const [s] = await engine.rows(`SELECT current_setting('block_allocator_memory') AS kept, current_setting('memory_limit') AS memory`);
    await engine.close();
    return s;
  };
  assert.equal((await setting(await DuckDbEngine.open())).kept, '0 bytes');
  const kept = await setting(await DuckDbEngine.open({ memoryLimit: '256MB', keepBlocks: true }));
  assert.equal(kept.kept, kept.memory);
  assert.match(String(kept.kept), /^2(44|56)\.\d* ?Mi?B$/);
});
