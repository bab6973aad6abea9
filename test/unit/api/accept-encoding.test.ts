import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptsGzip } from '../../../agent/api/accept-encoding.js';

test('gzip is taken when listed with a positive weight, in any case, also as x-gzip', () => {
  for (const header of ['gzip', 'GZip', 'deflate, gzip', 'gzip;q=0.5', 'gzip ; q=1.000', 'br;q=1.0, gzip;q=0.8, *;q=0.1', 'x-gzip', 'identity, gzip']) {
    assert.equal(acceptsGzip(header), true, header);
  }
});

test('gzip is refused when absent, weighted 0, or the weight is malformed', () => {
  for (const header of [undefined, '', 'identity', 'deflate, br', 'gzip;q=0', 'gzip;q=0.000', 'gzip;q=abc', 'gzip;q=1.5', 'gzip;q=', '*;q=0']) {
    assert.equal(acceptsGzip(header), false, String(header));
  }
});

test('the wildcard stands for gzip only when gzip is not listed itself', () => {
  assert.equal(acceptsGzip('*'), true);
  assert.equal(acceptsGzip('identity;q=1, *;q=0.5'), true);
  assert.equal(acceptsGzip('gzip;q=0, *'), false);
  assert.equal(acceptsGzip('*;q=0, gzip'), true);
});
