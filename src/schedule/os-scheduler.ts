import { userInfo } from 'node:os';
import path from 'node:path';
import { CdbError } from '../errors.js';
import { scheduleEntries, type Schedule, type ScheduleEntry } from './schedule-types.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DAY_NAMES: Record<string, number> = { SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6 };
const MONTH_NAMES: Record<string, number> = { JAN: 1, FEB: 2, MAR: 3, APR: 4, MAY: 5, JUN: 6, JUL: 7, AUG: 8, SEP: 9, OCT: 10, NOV: 11, DEC: 12 };

/** How the CLI is started from a unit or a crontab line, and as whom. */
export interface Invocation {
  node: string;
  bin: string;
  /** The account the service runs as; a placeholder to edit when unknown. */
  user?: string;
  /** The state folder of that account (watermarks, ledgers), set in the service's environment. */
  stateDir?: string;
}

/** The user running this process, or undefined when the system has no name for it. */
export function invokingUser(): string | undefined {
  try {
    return userInfo().username || undefined;
  } catch {
    return undefined;
  }
}

/** systemd expands %x specifiers (and $VAR in ExecStart): a literal % is %%, a literal $ is $$. */
const unitText = (s: string) => s.replace(/%/g, '%%');
const execText = (s: string) => unitText(s).replace(/\$/g, '$$$$');

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

function unsupported(entry: ScheduleEntry, field: string): never {
  throw new CdbError('USAGE', `The cron field "${field}" of "${entry.name}" has no systemd calendar equivalent.`, {
    hint: 'Use plain numbers, *, lists (1,15), ranges (1-5) and steps (*/15), or run the schedule as a daemon.',
  });
}

function expandStep(field: string, min: number, max: number): number[] | undefined {
  const m = /^(\*|\d+)(?:-(\d+))?\/(\d+)$/.exec(field);
  if (!m) return undefined;
  const from = m[1] === '*' ? min : Number(m[1]);
  const to = m[2] !== undefined ? Number(m[2]) : max;
  const out: number[] = [];
  for (let v = from; v <= to; v += Number(m[3])) out.push(v);
  return out;
}

function calendarField(entry: ScheduleEntry, field: string, min: number, max: number, names: Record<string, number> = {}): string {
  if (field === '*') return '*';
  const upper = field.toUpperCase().replace(/[A-Z]{3}/g, (n) => String(names[n] ?? n));
  if (/^\*\/\d+$/.test(upper)) return `${min}/${upper.slice(2)}`;
  const parts = upper.split(',').map((part) => {
    const stepped = expandStep(part, min, max);
    if (stepped) return stepped.map((v) => String(v).padStart(2, '0')).join(',');
    if (/^\d+$/.test(part)) return part.padStart(2, '0');
    if (/^\d+-\d+$/.test(part)) return part.split('-').map((v) => v.padStart(2, '0')).join('..');
    return unsupported(entry, field);
  });
  return parts.join(',');
}

function weekdays(entry: ScheduleEntry, field: string): string {
  if (field === '*' || field === '?') return '';
  const upper = field.toUpperCase().replace(/[A-Z]{3}/g, (n) => String(DAY_NAMES[n] ?? n));
  return upper
    .split(',')
    .map((part) => {
      const day = (v: string) => DAYS[Number(v) % 7] ?? unsupported(entry, field);
      if (/^\d$/.test(part)) return day(part);
      if (/^\d-\d$/.test(part)) return part.split('-').map(day).join('..');
      return unsupported(entry, field);
    })
    .join(',');
}

/** A watched folder without cron: is looked at every minute by a timer or cron (the daemon looks every few seconds). */
const EVERY_MINUTE = '* * * * *';

/** The entry's cron expression, or every minute for a watched folder without one. */
const cronOfEntry = (entry: ScheduleEntry) => entry.cron ?? EVERY_MINUTE;

/** systemd's OnCalendar for a cron expression (5 fields, or 6 with seconds) in a zone. */
export function onCalendar(entry: ScheduleEntry, timezone: string): string {
  const fields = cronOfEntry(entry).split(/\s+/);
  const [second, minute, hour, day, month, weekday] = (fields.length === 5 ? ['0', ...fields] : fields) as [string, string, string, string, string, string];
  const dow = weekdays(entry, weekday);
  const date = `*-${calendarField(entry, month, 1, 12, MONTH_NAMES)}-${calendarField(entry, day, 1, 31)}`;
  const time = `${calendarField(entry, hour, 0, 23)}:${calendarField(entry, minute, 0, 59)}:${calendarField(entry, second, 0, 59)}`;
  return `${dow ? `${dow} ` : ''}${date} ${time} ${timezone}`;
}

function command(schedule: Schedule, entry: ScheduleEntry, run: Invocation): string {
  return `${quote(run.node)} ${quote(run.bin)} schedule ${quote(schedule.file)} --once ${quote(entry.name)}`;
}

/** A unit file: its name and its text. */
export interface UnitFile {
  name: string;
  text: string;
}

/**
 * A service and a timer unit per entry. System units (the default) run as User= and read the key
 * from /etc/coredination-batch.env; user units (`user`, for ~/.config/systemd/user) run as the
 * user whose manager starts them and read it from that user's config file.
 */
export function systemdUnitFiles(schedule: Schedule, run: Invocation, options: { user?: boolean } = {}): UnitFile[] {
  const files: UnitFile[] = [];
  for (const entry of scheduleEntries(schedule)) {
    const unit = `coredination-batch-${entry.name}`;
    const cron = cronOfEntry(entry);
    const fields = cron.split(/\s+/);
    const both = (fields.length === 5 ? fields[2] : fields[3]) !== '*' && (fields.length === 5 ? fields[4] : fields[5]) !== '*';
    const account = options.user
      ? ['# Runs as the user whose systemd manager starts it; the base URL and key come from that', '# user\'s ~/.config/coredination-batch/config.yaml (chmod 600), as for every command.']
      : [...(run.user ? [`User=${run.user}`] : ['# The account that runs it (not root): edit the next line.', 'User=CHANGE-ME']), 'EnvironmentFile=/etc/coredination-batch.env'];
    files.push({
      name: `${unit}.service`,
      text: [
        '[Unit]',
        `Description=coredination-batch ${entry.kind} ${unitText(`${entry.name} (${schedule.file})`)}`,
        // A user's manager has no network-online.target: only system units can wait for the network.
        ...(options.user ? [] : ['Wants=network-online.target', 'After=network-online.target']),
        '',
        '[Service]',
        'Type=oneshot',
        ...account,
        `WorkingDirectory=${unitText(path.dirname(schedule.file))}`,
        ...(run.stateDir ? [`Environment="COREDINATION_STATE_DIR=${unitText(run.stateDir).replace(/["\\]/g, '\\$&')}"`] : []),
        `ExecStart=${execText(command(schedule, entry, run))}`,
        '',
      ].join('\n'),
    });
    files.push({
      name: `${unit}.timer`,
      text: [
        '[Unit]',
        `Description=${unitText(entry.cron ? `Run coredination-batch ${entry.kind} ${entry.name} on "${entry.cron}" (${schedule.timezone})` : `Look at the watched folder of coredination-batch import ${entry.name} every minute`)}`,
        '',
        '[Timer]',
        ...(both ? ['# cron runs when the day of month OR the weekday matches; systemd needs both'] : []),
        `OnCalendar=${onCalendar(entry, schedule.timezone)}`,
        'Persistent=true',
        `Unit=${unit}.service`,
        '',
        '[Install]',
        'WantedBy=timers.target',
        '',
      ].join('\n'),
    });
  }
  return files;
}

/** The system units as one text, with a header naming each file. */
export function systemdUnits(schedule: Schedule, run: Invocation): string {
  const out: string[] = [
    '# systemd units for the entries of this schedule. Put each file below in /etc/systemd/system/,',
    '# put COREDINATION_BASE_URL and COREDINATION_API_KEY in /etc/coredination-batch.env (chmod 600),',
    '# then: systemctl daemon-reload && systemctl enable --now <name>.timer',
    '# Each service runs as User= with the state folder (--since last watermarks) given by COREDINATION_STATE_DIR.',
    '# "--print systemd --out <folder>" writes each file there instead.',
  ];
  for (const file of systemdUnitFiles(schedule, run)) out.push('', `# ---- ${file.name}`, file.text.replace(/\n$/, ''));
  return `${out.join('\n')}\n`;
}

/** A crontab line per entry calling --once. */
export function crontab(schedule: Schedule, run: Invocation): string {
  const dir = path.dirname(schedule.file);
  const out = [
    '# crontab entries for this schedule (crontab -e, then paste).',
    '# Set COREDINATION_BASE_URL and COREDINATION_API_KEY above them, or in the environment cron gives.',
    `# CRON_TZ needs a cron that supports it (cronie: Fedora, RHEL, Arch); others (Debian's and Ubuntu's`,
    `# cron, busybox) ignore it and read the times in the machine's zone. Without it: delete the line and`,
    `# set the machine's zone to ${schedule.timezone} (timedatectl set-timezone ${schedule.timezone}), or use`,
    '# "--print systemd", whose timers carry the zone.',
    `CRON_TZ=${schedule.timezone}`,
  ];
  for (const entry of scheduleEntries(schedule)) {
    const fields = cronOfEntry(entry).split(/\s+/);
    if (!entry.cron) out.push(`# ${entry.name} watches a folder: cron looks at it every minute (the daemon every few seconds)`);
    if (fields.length === 6) out.push(`# "${entry.cron}" has seconds, which cron does not: it runs at second 0 of those minutes`);
    const five = fields.length === 6 ? fields.slice(1) : fields;
    const line = `cd ${quote(dir)} && ${command(schedule, entry, run)} >> ${quote(path.join(dir, `coredination-batch-${entry.name}.log`))} 2>&1`;
    // cron turns an unescaped % into a newline (the rest becomes stdin), even inside quotes.
    out.push(`${five.join(' ')} ${line.replace(/%/g, '\\%')}`);
  }
  return `${out.join('\n')}\n`;
}
