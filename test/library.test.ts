import path from 'node:path';
import { expect, test } from '@jest/globals';
import { accountId, applyUndo, createClient, loadMapping, MOST_REQUESTS, planUndo, runDoctor, runImport } from '../src/index.js';
import { SAMPLES, tempDir } from './helpers/files.js';
import { KEY, sandbox } from './helpers/sandbox.js';

test("the README's library example: a dry run's plan, the import, its undo", async () => {
  const s = await sandbox();
  const client = createClient({ baseUrl: s.url, apiKey: KEY });
  const { mapping } = await loadMapping(path.join(SAMPLES, 'erp.mapping.yaml'));
  const dir = await tempDir();
  const options = { file: path.join(SAMPLES, 'erp-export.csv'), mapping, client, account: accountId(s.url, KEY), stateDir: dir, resultsFile: path.join(dir, 'results.csv') };
  const dry = await runImport({ ...options, dryRun: true });
  expect(dry.plan?.counts).toMatchObject({ create: 12, update: 0, unchanged: 0 });
  const done = await runImport(options);
  expect(done.counts.created).toBe(12);
  const undo = await planUndo(client, dir, done.run as string, { account: options.account });
  expect(undo.deletes).toHaveLength(12);
  await applyUndo(client, dir, undo);
  expect(s.jobs()).toHaveLength(0);
});

test("the README's doctor example: runDoctor from the library", async () => {
  const s = await sandbox({ generate: 50, pageCap: 20 });
  const report = await runDoctor({ client: createClient({ baseUrl: s.url, apiKey: KEY }), write: true });
  expect(report.checks.filter((check) => check.verdict !== 'holds').map((check) => check.id)).toEqual(['limit']);
  expect(report.requests).toBeLessThanOrEqual(MOST_REQUESTS.write);
  expect(report.scratch?.left).toEqual([]);
});
