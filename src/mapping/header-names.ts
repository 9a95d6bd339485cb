/**
 * Header names that ERP and planning exports use for each job field, in Swedish, Norwegian,
 * Danish, Finnish, German and English, for `mapping init`. They are compared by
 * {@link looseHeader}, so `Order nr`, `Order-nr.` and `ORDERNR` are one name, and `Beräknad tid`
 * needs no `Beraknad tid`. A name belongs to one field only (a test checks it).
 */
export const HEADER_NAMES: Record<string, readonly string[]> = {
  title: [
    'Benämning', 'Uppdrag', 'Titel', 'Rubrik', 'Jobb', 'Ärende', 'Arbete', 'Åtgärd',
    'Oppdrag', 'Tittel', 'Betegnelse', 'Arbeid',
    'Opgave', 'Benævnelse', 'Job',
    'Tehtävä', 'Otsikko', 'Nimike', 'Työ',
    'Bezeichnung', 'Aufgabe', 'Tätigkeit',
    'Title', 'Job title', 'Task', 'Name', 'Subject', 'Summary',
  ],
  referenceNo: [
    'Arbetsorder', 'Arbetsordernr', 'Arbetsordernummer', 'AO', 'AO nr', 'Ordernr', 'Ordernummer', 'Order', 'Referens',
    'Referensnummer', 'Referensnr', 'Ref', 'Ref nr', 'Jobbnummer', 'Jobbnr', 'Ärendenummer', 'Ärendenr',
    'Ordrenummer', 'Ordrenr', 'Ordre', 'Arbeidsordre', 'Arbeidsordrenr', 'Arbeidsordrenummer', 'Referanse', 'Referansenummer',
    'Arbejdsordre', 'Arbejdsordrenr', 'Arbejdsordrenummer', 'Reference', 'Referencenummer', 'Sagsnummer', 'Sagsnr',
    'Tilausnumero', 'Tilausnro', 'Tilaus', 'Työmääräin', 'Työmääräinnumero', 'Työnumero', 'Viite', 'Viitenumero',
    'Auftragsnummer', 'Auftragsnr', 'Auftrag', 'Arbeitsauftrag', 'Bestellnummer', 'Referenz', 'Referenznummer',
    'Order no', 'Order number', 'Reference no', 'Reference number', 'Job number', 'Job no', 'Work order', 'Work order no', 'WO',
  ],
  description: [
    'Beskrivning', 'Anteckning', 'Anteckningar', 'Notering', 'Noteringar', 'Kommentar', 'Kommentarer', 'Info', 'Arbetsbeskrivning', 'Övrigt',
    'Beskrivelse', 'Merknad', 'Merknader', 'Notat', 'Bemærkning', 'Bemærkninger', 'Noter',
    'Kuvaus', 'Huomautus', 'Huomautukset', 'Lisätiedot', 'Kommentti', 'Työkuvaus',
    'Beschreibung', 'Bemerkung', 'Bemerkungen', 'Notiz', 'Notizen', 'Hinweis', 'Anmerkung',
    'Description', 'Notes', 'Note', 'Comment', 'Comments', 'Details',
  ],
  customerName: [
    'Kundnamn', 'Kund', 'Beställare', 'Kunde', 'Kundenavn', 'Asiakas', 'Asiakkaan nimi', 'Asiakasnimi', 'Tilaaja',
    'Kundenname', 'Auftraggeber', 'Customer', 'Customer name', 'Client', 'Client name',
  ],
  startTime: [
    'Start', 'Starttid', 'Startdatum', 'Datum', 'Planerad start', 'Startdato', 'Dato', 'Planlagt start',
    'Alkaa', 'Alkuaika', 'Alkamisaika', 'Aloitus', 'Päivämäärä', 'Alkupäivä',
    'Beginn', 'Startzeit', 'Anfang', 'Termin', 'Start time', 'Start date', 'Date', 'Scheduled start', 'Planned start',
  ],
  endTime: [
    'Slut', 'Sluttid', 'Slutdatum', 'Planerat slut', 'Slutt', 'Sluttdato', 'Slutdato',
    'Päättyy', 'Loppuaika', 'Päättymisaika', 'Loppupäivä', 'Ende', 'Endzeit', 'Enddatum',
    'End', 'End time', 'End date', 'Finish', 'Scheduled end', 'Planned end',
  ],
  duration: [
    'Beräknad tid', 'Beräknad tid (min)', 'Tid (min)', 'Minuter', 'Längd', 'Arbetstid', 'Arbetstid (min)', 'Varaktighet', 'Tidsåtgång', 'Tidsåtgång (min)',
    'Varighet', 'Beregnet tid', 'Beregnet tid (min)', 'Estimert tid', 'Minutter', 'Arbeidstid', 'Arbeidstid (min)',
    'Varighed', 'Anslået tid', 'Arbejdstid', 'Arbejdstid (min)',
    'Kesto', 'Kesto (min)', 'Arvioitu aika', 'Arvioitu aika (min)', 'Työaika', 'Minuutit',
    'Dauer', 'Dauer (min)', 'Geschätzte Zeit', 'Geschätzte Dauer', 'Minuten', 'Arbeitszeit', 'Arbeitszeit (min)',
    'Duration', 'Duration (min)', 'Minutes', 'Estimated time', 'Estimated time (min)', 'Est time',
  ],
  allDay: ['Heldag', 'Hela dagen', 'Hele dagen', 'Heldags', 'Koko päivä', 'Ganztägig', 'Ganzer Tag', 'All day'],
  priority: [
    'Prioritet', 'Prio', 'Akut', 'Brådskande', 'Haster', 'Prioriteetti', 'Kiireellisyys', 'Kiireellinen',
    'Priorität', 'Dringend', 'Dringlichkeit', 'Priority', 'Urgent', 'Urgency',
  ],
  'destinations[0].location.placeName': [
    'Adress', 'Gatuadress', 'Besöksadress', 'Plats', 'Arbetsplats', 'Leveransadress', 'Objektadress',
    'Adresse', 'Gateadresse', 'Besøksadresse', 'Sted', 'Arbeidssted', 'Leveringsadresse',
    'Gadeadresse', 'Besøgsadresse', 'Arbejdssted',
    'Osoite', 'Katuosoite', 'Käyntiosoite', 'Kohde', 'Työmaa', 'Toimitusosoite',
    'Straße', 'Strasse', 'Anschrift', 'Einsatzort', 'Lieferadresse',
    'Address', 'Street address', 'Street', 'Place', 'Location', 'Site', 'Site address',
  ],
  'resources[].name': [
    'Resurs', 'Resurser', 'Tekniker', 'Montör', 'Utförare', 'Ansvarig', 'Ressurs', 'Ressurser', 'Montør', 'Ansvarlig',
    'Ressource', 'Ressourcer', 'Resurssi', 'Asentaja', 'Tekijä', 'Vastuuhenkilö',
    'Techniker', 'Monteur', 'Mitarbeiter', 'Zuständig',
    'Resource', 'Resources', 'Technician', 'Assigned to', 'Assignee',
  ],
  'destinations[0].location.latitude': ['Lat', 'Latitud', 'Latitude', 'Breddgrad', 'Breddegrad', 'Leveysaste', 'Breitengrad'],
  'destinations[0].location.longitude': ['Lon', 'Lng', 'Long', 'Longitud', 'Longitude', 'Längdgrad', 'Lengdegrad', 'Længdegrad', 'Pituusaste', 'Längengrad'],
  state: ['Status', 'Tila', 'Tilstand', 'Zustand', 'State'],
};

/**
 * Parts of an address that name a place only when the file has no street address: tried after
 * every other name, so that `Gatuadress` wins over `Ort` in a file that has both.
 */
export const PLACE_FALLBACK_NAMES: readonly string[] = [
  'Ort', 'Postort', 'Stad', 'By', 'Poststed', 'Kaupunki', 'Paikkakunta', 'Postitoimipaikka', 'Stadt', 'City', 'Town',
];

/**
 * Address parts no field takes on its own (a postcode): `mapping init` says they belong to the
 * address rather than that nothing matched.
 */
export const ADDRESS_PART_NAMES: readonly string[] = [
  'Postnummer', 'Postnr', 'Postnr.', 'Postkod', 'Postinumero', 'Postleitzahl', 'PLZ', 'Postcode', 'Postal code', 'Zip', 'Zip code',
  ...PLACE_FALLBACK_NAMES,
];

const SPELLED_OUT: Record<string, string> = { ø: 'o', æ: 'ae', ß: 'ss', đ: 'd', ł: 'l', œ: 'oe' };

/** A header reduced to its letters and digits, without case or accents: `Beräknad tid (min)` → `beraknadtidmin`. */
export function looseHeader(text: string): string {
  return text
    .normalize('NFD')
    .toLowerCase()
    .replace(/\p{M}/gu, '')
    .replace(/[øæßđłœ]/g, (c) => SPELLED_OUT[c] ?? c)
    .replace(/[^\p{L}\p{N}]/gu, '');
}
