import { randomUUID } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { UuidSet } from '../src/api/uuid-set.js';

describe('the set of uuids seen', () => {
  test('tells a uuid seen before, in any case, with or without dashes, as it grows', () => {
    const set = new UuidSet();
    const uuids = Array.from({ length: 5000 }, () => randomUUID());
    for (const uuid of uuids) expect(set.add(uuid)).toBe(true);
    expect(set.size).toBe(5000);
    for (const uuid of uuids) {
      expect(set.has(uuid)).toBe(true);
      expect(set.add(uuid.toUpperCase())).toBe(false);
      expect(set.has(uuid.replace(/-/g, ''))).toBe(true);
    }
    expect(set.has(randomUUID())).toBe(false);
    expect(set.add('00000000-0000-0000-0000-000000000000')).toBe(true);
    expect(set.has('00000000-0000-0000-0000-000000000000')).toBe(true);
    expect(set.size).toBe(5001);
  });

  test('ids that are not uuids are kept too', () => {
    const set = new UuidSet();
    expect(set.add('JOB-17')).toBe(true);
    expect(set.add('job-17')).toBe(false);
    expect(set.add('5d7e9f1a-0b9a-4f7e-8c1d-2b3c4d5e6f7g')).toBe(true); // a g: not hex
    expect(set.has('JOB-17')).toBe(true);
    expect(set.size).toBe(2);
  });
});
