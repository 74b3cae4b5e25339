import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { domainClass, domainParts, entropy, entropyBin, jvmSplit, NONE, spotCountryCodes } from '../src/common/domain.js';
import { readVectors, vectorsDir } from './helpers.js';

test('the shipped country codes are Spot\'s list', async () => {
  const reference: string[] = JSON.parse(await readFile(join(vectorsDir, 'country_codes.json'), 'utf8'));
  assert.equal(reference.length, 254);
  assert.deepEqual([...spotCountryCodes()].sort(), [...reference].sort());
});

test('JVM split semantics', () => {
  assert.deepEqual(jvmSplit('a.b.', '.'), ['a', 'b']);
  assert.deepEqual(jvmSplit('ab..com', '.'), ['ab', '', 'com']);
  assert.deepEqual(jvmSplit('', '.'), ['']);
  assert.deepEqual(jvmSplit('.a', '.'), ['', 'a']);
  assert.deepEqual(jvmSplit('/', '/'), []);
});

test('every domain vector holds', async () => {
  const { domains } = await readVectors();
  for (const c of domains.cases) {
    const parts = domainParts(c.name);
    assert.equal(parts.domain, c.domain, c.name);
    if ('subdomain' in c) {
      assert.equal(parts.subdomain, c.subdomain, c.name);
      const sub = parts.subdomain === NONE ? '' : parts.subdomain;
      assert.equal(sub.length, c.subdomainLength, c.name);
      assert.ok(Math.abs(entropy(sub) - c.subdomainEntropy) < 1e-12, c.name);
      assert.equal(parts.numParts, c.numParts, c.name);
      assert.equal(domainClass(parts.domain, c.userDomain, new Set(domains.topDomains)), c.topDomainClass, c.name);
    }
  }
});

test('every entropy vector holds', async () => {
  const vectors = await readVectors();
  for (const v of vectors.entropy) assert.ok(Math.abs(entropy(v.s) - v.entropy) < 1e-12, v.s);
  assert.equal(entropy(''), 0);
});

test('entropy bins use Spot\'s cuts: first cut >= value', () => {
  assert.equal(entropyBin(''), 0);
  assert.equal(entropyBin('ab'), 4); // 1.0 <= 1.2
  assert.equal(entropyBin('aaabbb'), 4);
  assert.equal(entropyBin('abcdefghijklmnopqrstuvwxyz'), 16); // 4.70 <= 4.8
});

test('domain class: user domain first, then top domains, case-insensitively', () => {
  const top = new Set(['google', 'intel']);
  assert.equal(domainClass('Intel', 'intel', top), 2);
  assert.equal(domainClass('GOOGLE', 'intel', top), 1);
  assert.equal(domainClass('intel', '', top), 1);
  assert.equal(domainClass('example', 'intel', top), 0);
  assert.equal(domainClass(NONE, 'None', top), 0);
  assert.equal(domainParts('WWW.Example.COM').domain, 'Example');
});
