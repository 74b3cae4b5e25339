import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, repoRoot, tempDir } from './helpers.js';

/** The command lines of the README's ```sh blocks, in order (continuation lines joined, comments dropped). */
function readmeCommands(): string[] {
  const text = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const commands: string[] = [];
  for (const [, block] of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const lines = block.replace(/\\\n\s*/g, ' ').split('\n');
    for (const line of lines) {
      const command = line.trim();
      if (command && !command.startsWith('#')) commands.push(command);
    }
  }
  return commands;
}

test("every README example runs as written on the demo's days (from a clone: npx spot-ml)", () => {
  const commands = readmeCommands();
  assert.equal(commands[0].replace(/\s+#.*/, ''), 'npm ci && npx spot-ml demo', 'the README starts with set-up and the demo');
  assert.equal(commands[1].replace(/\s+#.*/, ''), 'npm test');
  // A fresh clone after `npm ci`: `npx spot-ml` finds the package's own command; the clone has data/.
  const clone = tempDir('readme');
  mkdirSync(join(clone, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(cliPath, join(clone, 'node_modules', '.bin', 'spot-ml'));
  symlinkSync(join(repoRoot, 'data'), join(clone, 'data'));
  // `serve` runs until stopped: test/show-serve-cli.test.ts and the console tests run it.
  const npxCache = tempDir('npx-cache');
  const runnable = commands.slice(2).filter((c) => !c.startsWith('npx spot-ml serve '));
  runnable.unshift(commands[0].replace(/^npm ci && /, ''));
  assert.ok(runnable.filter((c) => c.startsWith('npx spot-ml')).length >= 10, 'the README shows the commands');
  for (const command of runnable) {
    const r = spawnSync('bash', ['-c', command], {
      cwd: clone,
      encoding: 'utf8',
      env: { ...process.env, npm_config_offline: 'true', npm_config_yes: 'false', npm_config_cache: npxCache },
      timeout: 600_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(r.status, 0, `${command}\n${r.stderr}`);
    if (/^npx spot-ml (--analysis|\d{8} )/.test(command)) {
      assert.match(r.stdout, /[1-9][\d,]* reported/, `${command} reports events:\n${r.stdout}`);
      assert.doesNotMatch(r.stdout, /nothing reported/);
    }
    if (command.startsWith('npx spot-ml ingest')) assert.match(r.stdout, /rows written: [1-9][\d,]*, rejected lines: 0\b/, command);
    if (command.startsWith('npx spot-ml feedback')) assert.match(r.stdout, /^recorded in /, command);
    if (command.startsWith('npx spot-ml feedback') && command.includes('--tstart'))
      assert.doesNotMatch(r.stderr, /warning/, 'the README event is one of the demo day');
  }
});
