import type { Job } from '../api/types.js';
import { pick, seededRandom } from './random.js';

const TITLES = [
  'Service av värmepump', 'Byte av termostat', 'Felsökning ventilation', 'Installation av laddbox',
  'Årlig kontroll brandlarm', 'Reparation av tvättmaskin', 'Rensning av takrännor', 'Elbesiktning',
  'Montering av köksfläkt', 'Läckagesökning badrum', 'Byte av blandare', 'Obligatorisk ventilationskontroll',
  'Snöröjning tak', 'Höstservice fjärrvärme', 'Utbyte av armaturer', 'Jordfelsbrytare löser ut',
];
const CUSTOMERS = [
  'Bostads AB Mimer', 'HSB Brf Ekorren', 'Göteborgs Stad Lokalförvaltningen', 'Åhléns City',
  'Skånska Byggvaror AB', 'Brf Fyrtornet', 'Västerås Stadshus AB', 'Malmö Köpcentrum AB',
  'Östersunds Sjukhus', 'Jönköping Energi AB', 'Riksbyggen Brf Lärkan', 'Café Ängsbacken',
];
const CITIES: readonly { name: string; lat: number; lon: number }[] = [
  { name: 'Stockholm', lat: 59.3293, lon: 18.0686 }, { name: 'Göteborg', lat: 57.7089, lon: 11.9746 },
  { name: 'Malmö', lat: 55.605, lon: 13.0038 }, { name: 'Uppsala', lat: 59.8586, lon: 17.6389 },
  { name: 'Västerås', lat: 59.6099, lon: 16.5448 }, { name: 'Örebro', lat: 59.2753, lon: 15.2134 },
  { name: 'Linköping', lat: 58.4108, lon: 15.6214 }, { name: 'Jönköping', lat: 57.7826, lon: 14.1618 },
  { name: 'Umeå', lat: 63.8258, lon: 20.263 }, { name: 'Luleå', lat: 65.5848, lon: 22.1547 },
];
const STREETS = ['Storgatan', 'Drottninggatan', 'Kungsgatan', 'Östra Hamngatan', 'Sveavägen', 'Järnvägsgatan', 'Skolgatan', 'Åsgatan', 'Köpmangatan', 'Ringvägen'];
const WORKERS = ['Anna Lindqvist', 'Erik Öberg', 'Sara Åkesson', 'Johan Bäckström', 'Maja Nyström', 'Lars Ek'];
const DURATIONS = [30, 45, 60, 90, 120, 180, 240, 480];
const DAY_MS = 86_400_000;

/**
 * `count` realistic jobs (Swedish titles, customers, places, working-hour start times,
 * durations, reference numbers with leading zeros), the same ones for the same seed.
 */
export function generateJobs(count: number, options: { firstId: number; seed?: number; now?: number }): Job[] {
  const random = seededRandom(options.seed ?? 1);
  const now = options.now ?? Date.now();
  // Start times fall on the working days around today, 07:00–16:00 Swedish time (UTC+1 in winter).
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const jobs: Job[] = [];
  for (let i = 0; i < count; i++) {
    const city = pick(random, CITIES);
    const created = now - Math.floor(random() * 30 * DAY_MS);
    const day = today + Math.floor(random() * 60 - 20) * DAY_MS;
    const allDay = random() < 0.1;
    const start = day + (6 + Math.floor(random() * 10)) * 3_600_000 + pick(random, [0, 15, 30, 45]) * 60_000;
    const duration = pick(random, DURATIONS);
    const staffed = random() < 0.6;
    const finished = staffed && random() < 0.3;
    const resources = staffed
      ? [{ name: pick(random, WORKERS), state: finished ? 'FINISHED' : 'ASSIGNED', reported: finished && random() < 0.8 }]
      : [];
    const date = new Date(day).toISOString().slice(0, 10);
    const job: Job = {
      id: options.firstId + i,
      uuid: seededUuid(random),
      title: pick(random, TITLES),
      description: `Kontakta fastighetsskötaren före besöket. Portkod ${1000 + Math.floor(random() * 9000)}.`,
      referenceNo: String(Math.floor(random() * 999_999)).padStart(7, '0'),
      priority: 1 + Math.floor(random() * 3),
      customerName: pick(random, CUSTOMERS),
      allDay,
      startTime: allDay ? date : start,
      endTime: allDay ? date : null,
      duration: allDay ? null : duration,
      state: resources.length === 0 ? 'DRAFT' : finished ? 'FINISHED' : 'SCHEDULED',
      reported: resources.some((resource) => resource.reported),
      resources,
      destinations: [
        {
          location: {
            placeName: `${pick(random, STREETS)} ${1 + Math.floor(random() * 80)}, ${city.name}`,
            latitude: Number((city.lat + (random() - 0.5) * 0.05).toFixed(5)),
            longitude: Number((city.lon + (random() - 0.5) * 0.05).toFixed(5)),
          },
        },
      ],
      items: [],
      customFields: { avtal: pick(random, ['Serviceavtal', 'Löpande räkning', 'Fastpris']) },
      events: [],
      documents: [],
      created,
      modified: created + Math.floor(random() * (now - created)),
    };
    jobs.push(job);
  }
  return jobs;
}

/** A version-4-shaped UUID drawn from the seeded generator. */
function seededUuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
