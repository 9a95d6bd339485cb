import { writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Writes a csv of `count` distinct jobs (Reference no 0000001…) for the default mapping. */
export async function jobsCsv(dir: string, count: number, name = 'jobs.csv'): Promise<string> {
  const lines = ['Title;Reference no;Start;Duration'];
  for (let i = 1; i <= count; i++) {
    lines.push(`Service av värmepump ${i};${String(i).padStart(7, '0')};2026-12-${String(1 + (i % 28)).padStart(2, '0')} 08:00;${30 + (i % 4) * 15}`);
  }
  const file = path.join(dir, name);
  await writeFile(file, `${lines.join('\r\n')}\r\n`);
  return file;
}
