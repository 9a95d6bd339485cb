import { describe, expect, test } from '@jest/globals';
import { bindHeader } from '../src/mapping/bind-header.js';
import { DEFAULT_MAPPING, loadMapping } from '../src/mapping/load-mapping.js';
import { localeRules } from '../src/mapping/locale.js';
import { formatIssue, MAX_JOB_TEXT_BYTES, mapRow } from '../src/mapping/map-row.js';

const sv = { locale: localeRules('sv-SE'), timezone: 'Europe/Stockholm' };

describe('a job over the API\'s size is a problem in the dry run, not a 406 after sending', () => {
  test('a cell of more than 1 MB of text is a problem on that cell; one just under is fine', async () => {
    const { mapping } = await loadMapping(DEFAULT_MAPPING);
    const bound = bindHeader(mapping, ['Title', 'Description'], {});
    const over = mapRow(bound, sv, { row: 7, cells: ['Service', 'å'.repeat(600_000)] });
    expect(over.issues.map(formatIssue)).toEqual(['row 7, column "Description": is 1.1 MB of text; a job sent to the API holds at most 1 MB']);
    expect(over.job).not.toHaveProperty('description');
    const under = mapRow(bound, sv, { row: 8, cells: ['Service', 'x'.repeat(MAX_JOB_TEXT_BYTES - 100)] });
    expect(under.issues).toEqual([]);
  });

  test('cells each under the limit that add up to more are a problem on the row', async () => {
    const { mapping } = await loadMapping(DEFAULT_MAPPING);
    const bound = bindHeader(mapping, ['Title', 'Description'], {});
    const mapped = mapRow(bound, sv, { row: 9, cells: ['t'.repeat(600_000), 'd'.repeat(600_000)] });
    expect(mapped.issues.map(formatIssue)).toEqual(['row 9: holds 1.1 MB of text in all; a job sent to the API holds at most 1 MB']);
  });
});
