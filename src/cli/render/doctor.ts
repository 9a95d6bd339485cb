import type { CheckResult, DoctorReport, ScratchJob, Verdict } from '../../doctor/types.js';
import { unseenWarning } from '../../doctor/scratch.js';

const MARK: Record<Verdict, string> = { holds: '✓ holds', 'does-not-hold': '✗ does not hold', 'not-checked': '– not checked' };
const WIDTH = Math.max(...Object.values(MARK).map((mark) => mark.length)) + 2;

/** One check as one line: the verdict, the assumption and its constant, what was seen, what to do. */
function line(check: CheckResult): string {
  const action = check.action ? ` ${check.action}` : '';
  return `${MARK[check.verdict].padEnd(WIDTH)}${check.title} (${check.assumption}): ${check.evidence}.${action}`;
}

const removedWord = (removed: number, made: number): string => (removed === 0 ? 'none' : removed < made ? String(removed) : made === 1 ? 'it' : made === 2 ? 'both' : 'all');

const named = (job: ScratchJob) => (job.id === undefined ? `uuid ${job.uuid}` : `${job.id} (uuid ${job.uuid})`);

/** The attributes of the jobs listed first, as a table. */
function attributeLines(report: DoctorReport): string[] {
  const { sample } = report;
  if (!sample.jobs) return ['The account has no jobs: no attributes to count.'];
  const width = Math.max(...sample.attributes.map((a) => a.name.length), 'attribute'.length) + 2;
  const count = String(sample.jobs).length + 2;
  const lines = [`Attributes of the first ${sample.jobs} job${sample.jobs === 1 ? '' : 's'} listed (one page), by how many carry a value:`];
  for (const attribute of sample.attributes) {
    const note = attribute.known ? '' : '  unknown to the tool: kept as it comes (export --all-fields writes it; a mapping names it with passthrough: true)';
    lines.push(`  ${attribute.name.padEnd(width)}${String(attribute.jobs).padStart(count)}${note}`);
  }
  if (sample.unseen.length) lines.push(`  Known to the tool, in none of them: ${sample.unseen.join(', ')}.`);
  return lines;
}

/** The report as lines: the server, one line per assumption, the attribute table, the counts, the scratch jobs. */
export function describeDoctor(report: DoctorReport): string[] {
  const tally = (verdict: Verdict) => report.checks.filter((check) => check.verdict === verdict).length;
  const lines = [`Coredination API at ${report.baseUrl}: version ${report.server.version} (build ${report.server.id}).`, '', ...report.checks.map(line), '', ...attributeLines(report), ''];
  const notHolding = tally('does-not-hold');
  lines.push(`${report.checks.length} assumptions: ${tally('holds')} hold, ${notHolding} ${notHolding === 1 ? 'does' : 'do'} not hold, ${tally('not-checked')} not checked (${report.requests} requests${report.write ? '' : ', read-only'}).`);
  if (!report.write) lines.push('doctor --write checks the writes too: it makes two scratch draft jobs, asks about them and removes them.');
  const scratch = report.scratch;
  if (scratch) {
    const made = scratch.made.length;
    lines.push(made ? `Scratch jobs: made ${made} (${scratch.made.map((job) => job.id ?? job.uuid).join(', ')}), removed ${removedWord(scratch.removed.length, made)}.` : 'Scratch jobs: none was made.');
    for (const job of scratch.left) lines.push(`The scratch job ${named(job)} could not be removed: delete it in Coredination.`);
    if (scratch.unseen) lines.push(unseenWarning(scratch.unseen));
  }
  return lines;
}

/** The report as the one JSON document of --json. */
export function doctorJson(report: DoctorReport): Record<string, unknown> {
  const holdsAll = !report.checks.some((check) => check.verdict === 'does-not-hold');
  return {
    status: holdsAll ? 'ok' : 'does-not-hold',
    baseUrl: report.baseUrl,
    server: report.server,
    write: report.write,
    checks: report.checks.map((check) => ({ ...check, action: check.action ?? null })),
    sample: report.sample,
    scratch: report.scratch ?? null,
    requests: report.requests,
  };
}
