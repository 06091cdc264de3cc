/**
 * Dates in a sponsor email, read relative to the email's own date. Calendar days are UTC: a
 * date is its ISO calendar day ("2026-03-03") and the UTC instant at 00:00 of that day. Calendar
 * arithmetic (end of next month, N weeks later) is date-fns in its UTC context (@date-fns/utc),
 * so the result never depends on the runtime's time zone.
 *
 * What this reads (English, French, German, Spanish):
 * - ISO dates: "2026-03-15".
 * - A day and a month name, with or without a year: "March 3", "Mar 3rd, 2026", "3 March 2027",
 *   "3 mars", "15. März", "März 3", "3 de marzo de 2026". Without a year: the next such day on or
 *   after the email's date.
 * - Numbers with slashes: "03/04", "3/4/2026". When both numbers can be a month and they differ,
 *   the date is ambiguous (3 April day-first, 4 March month-first): both readings are kept, and one
 *   is chosen only when the sender's locale is clearly day-first or month-first.
 * - Numbers with dots are day-first (the German and wider European habit): "15.03.2026", "15.03.".
 * - "end of next month", "end of the month" and their translations.
 * - "in N days/weeks/months": counted from the email's date.
 * - "N days/weeks/months after/of <event>" (contract, approval, delivery, invoice, publication):
 *   relative to an event, not a date. It is recorded as such; no date is invented.
 *
 * Regular expressions here are linear: bounded repetitions and literal alternations only.
 */
import { utc } from "@date-fns/utc";
import { addDays, addMonths, addWeeks, endOfMonth, isValid } from "date-fns";

/** A calendar day: its ISO date and the UTC instant at its start. */
export interface CalendarDay {
  date: string;
  at: string;
}

/** The order of day and month in a numeric date: 03/04 is 4 March month-first, 3 April day-first. */
export type NumericOrder = "month-day" | "day-month";

/** What starts the clock of a relative term. */
export type DealEvent = "contract" | "approval" | "delivery" | "invoice" | "publication";

export type TimeUnit = "day" | "business-day" | "week" | "month" | "year";

/**
 * A date as the email states it:
 * - `date`: one calendar day.
 * - `ambiguous`: a numeric day/month that reads two ways; `readings` holds both, `chosen` the one
 *   the sender's locale points to, or null when it does not clearly point to one.
 * - `after-event`: an amount of time after an event ("within 2 weeks of contract"); `event` is
 *   null when the email names none ("for 90 days").
 */
export type DealDate =
  | ({ kind: "date"; text: string } & CalendarDay)
  | {
      kind: "ambiguous";
      text: string;
      readings: ({ order: NumericOrder } & CalendarDay)[];
      chosen: NumericOrder | null;
    }
  | { kind: "after-event"; text: string; amount: number; unit: TimeUnit; event: DealEvent | null };

export interface DateMention {
  start: number;
  end: number;
  value: DealDate;
}

/** Which way numeric dates go for this sender, when that is clear. */
export type DateOrderHint = NumericOrder | null;

const MONTHS: Record<string, number> = {};
const monthNames: [number, string[]][] = [
  [1, ["january", "jan", "janvier", "janv", "januar", "jänner", "enero", "ene"]],
  [2, ["february", "feb", "février", "fevrier", "févr", "fevr", "februar", "febrero"]],
  [3, ["march", "mar", "mars", "märz", "maerz", "marzo"]],
  [4, ["april", "apr", "avril", "avr", "abril", "abr"]],
  [5, ["may", "mai", "mayo"]],
  [6, ["june", "jun", "juin", "juni", "junio"]],
  [7, ["july", "jul", "juillet", "juil", "juli", "julio"]],
  [8, ["august", "aug", "août", "aout", "agosto"]],
  [9, ["september", "sept", "sep", "septembre", "septiembre", "setiembre"]],
  [10, ["october", "oct", "octobre", "oktober", "okt", "octubre"]],
  [11, ["november", "nov", "novembre", "noviembre"]],
  [12, ["december", "dec", "décembre", "decembre", "déc", "dezember", "dez", "diciembre", "dic"]],
];
for (const [month, names] of monthNames) for (const name of names) MONTHS[name] = month;
const MONTH_ALTERNATION = Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join("|");

const NOT_LETTER_BEFORE = "(?<![\\p{L}\\d])";
/** "3 March", "3rd of March 2027", "3 mars 2026", "15. März", "3 de marzo de 2026". */
const DAY_MONTH = new RegExp(
  `${NOT_LETTER_BEFORE}(\\d{1,2})(?:st|nd|rd|th|er|\\.)?[ \\u00A0]{1,2}(?:of[ \\u00A0]|de[ \\u00A0])?(${MONTH_ALTERNATION})(?:\\.(?=[ \\u00A0]\\d{4}))?(?!\\p{L})(?:,?[ \\u00A0]{1,2}(?:de[ \\u00A0])?(\\d{4})(?!\\d))?`,
  "giu",
);
/** "March 3", "Mar 3rd, 2026", "März 3". */
const MONTH_DAY = new RegExp(
  `${NOT_LETTER_BEFORE}(${MONTH_ALTERNATION})\\.?[ \\u00A0]{1,2}(\\d{1,2})(?:st|nd|rd|th)?(?![\\d\\p{L}])(?:,?[ \\u00A0]{1,2}(\\d{4})(?!\\d))?`,
  "giu",
);
const ISO_DATE = /(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])/g;
const SLASH_DATE = /(?<![\d/.,])(\d{1,2})\/(\d{1,2})(?:\/(\d{4}|\d{2}))?(?![\d/])/g;
const DOT_DATE = /(?<![\d.,])(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})?(?![\d,]|\.\d)/g;
/** A numeric date is read only after a word that introduces a date ("by 03/04", "le 15.03."). */
const NUMERIC_CUE =
  /(?:\b(?:by|before|on|due|until|till|deadline|date|from|le|avant|au|am|bis|zum|vom|el|para|hasta|antes del?|del?)|:)[ \u00A0]{0,2}$/i;

const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  twelve: 12,
  douze: 12,
  zwölf: 12,
  doce: 12,
  fourteen: 14,
  thirty: 30,
  un: 1,
  une: 1,
  deux: 2,
  trois: 3,
  quatre: 4,
  ein: 1,
  eine: 1,
  einer: 1,
  einen: 1,
  zwei: 2,
  drei: 3,
  vier: 4,
  sechs: 6,
  uno: 1,
  una: 1,
  dos: 2,
  tres: 3,
  cuatro: 4,
  seis: 6,
};
const COUNT = `(\\d{1,3}|${Object.keys(NUMBER_WORDS).join("|")})`;

const UNIT_WORDS: [RegExp, TimeUnit][] = [
  [
    /^(?:business|working)[ \u00A0]days?$|^jours?[ \u00A0]ouvr|^Werktage?n?$|^días?[ \u00A0]hábiles$/i,
    "business-day",
  ],
  [/^(?:days?|jours?|Tage?n?|días?|dias?)$/i, "day"],
  [/^(?:weeks?|semaines?|Wochen?|semanas?)$/i, "week"],
  [/^(?:months?|mois|Monate?n?|meses|mes)$/i, "month"],
  [/^(?:years?|ans?|années?|Jahre?n?|años?)$/i, "year"],
];
const UNIT =
  "((?:business|working)[ \\u00A0]days?|jours?[ \\u00A0]ouvrés|Werktage?n?|días[ \\u00A0]hábiles|days?|jours?|Tage?n?|días?|weeks?|semaines?|Wochen?|semanas?|months?|mois|Monate?n?|meses|mes|years?|ans|années?|Jahre?n?|años?)";

const EVENT_WORDS: [RegExp, DealEvent][] = [
  [/contra[ct]|signature|signing|signed|Vertrag|Unterzeichnung|firma/i, "contract"],
  [/approv|validation|Freigabe|aprobaci/i, "approval"],
  [/invoice|factur|Rechnung/i, "invoice"],
  [/deliver|livraison|Lieferung|entrega/i, "delivery"],
  [
    /publi|post|go[- ]?live|live|launch|mise en ligne|Veröffentlichung|Ver(?:ö|oe)ffentlichung/i,
    "publication",
  ],
];
const EVENT =
  "(contract(?:[ \\u00A0](?:signature|signing|execution))?|signing|signature(?:[ \\u00A0]du[ \\u00A0]contrat)?|signed[ \\u00A0]contract|(?:brief[ \\u00A0]|script[ \\u00A0]|draft[ \\u00A0])?approval|delivery|(?:receipt[ \\u00A0]of[ \\u00A0](?:the[ \\u00A0]|our[ \\u00A0])?)?invoice|publication|posting|go[- ]live|(?:video|post|content)s?[ \\u00A0](?:goes|go|going|is|are)[ \\u00A0]live|launch" +
  "|(?:la[ \\u00A0])?signature(?:[ \\u00A0]du[ \\u00A0]contrat)?|contrat|validation|livraison|(?:réception[ \\u00A0]de[ \\u00A0]la[ \\u00A0])?facture|(?:la[ \\u00A0])?publication|mise[ \\u00A0]en[ \\u00A0]ligne" +
  "|Vertragsunterzeichnung|Vertragsabschluss|Unterzeichnung|Freigabe|Lieferung|Rechnungsstellung|Rechnungseingang|Rechnung|Veröffentlichung" +
  "|firma(?:[ \\u00A0]del[ \\u00A0]contrato)?|contrato|aprobación|entrega|(?:recepción[ \\u00A0]de[ \\u00A0]la[ \\u00A0])?factura|publicación)";
/** "2 weeks of contract", "45 days after invoice", "2 semaines après la signature du contrat". */
const AFTER_EVENT = new RegExp(
  `(?<![\\p{L}\\d])${COUNT}[ \\u00A0-]${UNIT}[ \\u00A0](?:of|after|from|following|upon|après|suivant|à[ \\u00A0]compter[ \\u00A0]de|nach|después[ \\u00A0]de|tras|desde)[ \\u00A0](?:the[ \\u00A0]|la[ \\u00A0]|le[ \\u00A0]|l'|der[ \\u00A0]|dem[ \\u00A0]|el[ \\u00A0]|del[ \\u00A0])?${EVENT}(?!\\p{L})`,
  "giu",
);
/** "in 2 weeks", "within 10 days": counted from the email's date (no event named after it). */
const IN_PERIOD = new RegExp(
  `(?<![\\p{L}\\d])(?:in|within|dans|sous|innerhalb[ \\u00A0]von|in|dentro[ \\u00A0]de|en)[ \\u00A0]${COUNT}[ \\u00A0]${UNIT}(?!\\p{L})`,
  "giu",
);
const END_OF_NEXT_MONTH =
  /\b(?:end[ \u00A0]of[ \u00A0]next[ \u00A0]month|end[ \u00A0]of[ \u00A0]the[ \u00A0]next[ \u00A0]month|fin[ \u00A0]du[ \u00A0]mois[ \u00A0]prochain|Ende[ \u00A0](?:des[ \u00A0])?nächsten[ \u00A0]Monats|finales?[ \u00A0]del[ \u00A0](?:próximo[ \u00A0]mes|mes[ \u00A0]que[ \u00A0]viene))(?!\p{L})/giu;
const END_OF_THIS_MONTH =
  /\b(?:end[ \u00A0]of[ \u00A0](?:the|this)[ \u00A0]month|end[ \u00A0]of[ \u00A0]month|fin[ \u00A0](?:du|de)[ \u00A0]mois|Ende[ \u00A0](?:des|dieses)[ \u00A0]Monats|Monatsende|finales?[ \u00A0](?:de|del)[ \u00A0](?:este[ \u00A0])?mes)(?!\p{L})/giu;

/** The start of the email's calendar day (UTC), or null for an unreadable email date. */
export function referenceDay(emailDate: string): Date | null {
  const time = Date.parse(emailDate);
  if (Number.isNaN(time)) return null;
  const date = new Date(time);
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

export function calendarDay(date: Date): CalendarDay {
  const at = new Date(date.getTime()).toISOString();
  return { date: at.slice(0, 10), at };
}

/** A day of a month of a year, if it exists (no 31 April, 29 February only in leap years). */
function utcDay(year: number, month: number, day: number): Date | null {
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (!isValid(date) || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date;
}

/** The next given day and month on or after `reference` (this year's, else next year's). */
function nextOccurrence(reference: Date, month: number, day: number): Date | null {
  const year = reference.getUTCFullYear();
  for (const candidate of [year, year + 1, year + 2, year + 3, year + 4]) {
    const date = utcDay(candidate, month, day);
    if (date && date.getTime() >= reference.getTime()) return date;
  }
  return null;
}

function fullYear(text: string | undefined): number | null {
  if (!text) return null;
  const year = Number(text);
  return text.length === 2 ? 2000 + year : year;
}

/** One reading of a numeric day and month, with the year given or the next occurrence. */
function numericReading(
  reference: Date | null,
  month: number,
  day: number,
  year: number | null,
): Date | null {
  if (year !== null) return utcDay(year, month, day);
  return reference ? nextOccurrence(reference, month, day) : null;
}

export function countValue(word: string): number | null {
  if (/^\d+$/.test(word)) return Number(word);
  return NUMBER_WORDS[word.toLowerCase()] ?? null;
}

export function unitOf(word: string): TimeUnit | null {
  return UNIT_WORDS.find(([pattern]) => pattern.test(word))?.[1] ?? null;
}

function eventOf(word: string): DealEvent | null {
  return EVENT_WORDS.find(([pattern]) => pattern.test(word))?.[1] ?? null;
}

function addPeriod(reference: Date, amount: number, unit: TimeUnit): Date {
  const options = { in: utc };
  if (unit === "week") return addWeeks(reference, amount, options);
  if (unit === "month") return addMonths(reference, amount, options);
  if (unit === "year") return addMonths(reference, amount * 12, options);
  return addDays(reference, amount, options);
}

/** Most date mentions read from one text: far above any email, and keeps the overlap check small. */
const MAX_DATE_MENTIONS = 200;

function overlaps(mentions: DateMention[], start: number, end: number): boolean {
  return mentions.some((mention) => start < mention.end && end > mention.start);
}

/**
 * Every date mention in `text`, in reading order (earlier mentions win where two overlap).
 * `emailDate` is the email's own date (any string Date.parse reads; ISO 8601 and RFC 2822);
 * without a readable one, only dates that carry their year are read.
 */
export function findDates(text: string, emailDate: string, order: DateOrderHint): DateMention[] {
  const reference = referenceDay(emailDate);
  const mentions: DateMention[] = [];
  const add = (start: number, end: number, value: DealDate) => {
    if (mentions.length < MAX_DATE_MENTIONS && !overlaps(mentions, start, end)) {
      mentions.push({ start, end, value });
    }
  };
  const dayValue = (start: number, end: number, date: Date | null) => {
    if (date) add(start, end, { kind: "date", text: text.slice(start, end), ...calendarDay(date) });
  };

  for (const match of text.matchAll(AFTER_EVENT)) {
    const start = match.index ?? 0;
    const amount = countValue(match[1] as string);
    const unit = unitOf(match[2] as string);
    const event = eventOf(match[3] as string);
    if (amount === null || unit === null) continue;
    add(start, start + match[0].length, {
      kind: "after-event",
      text: match[0],
      amount,
      unit,
      event,
    });
  }
  for (const match of text.matchAll(ISO_DATE)) {
    const start = match.index ?? 0;
    const date = utcDay(Number(match[1]), Number(match[2]), Number(match[3]));
    dayValue(start, start + match[0].length, date);
  }
  for (const pattern of [DAY_MONTH, MONTH_DAY]) {
    for (const match of text.matchAll(pattern)) {
      const start = match.index ?? 0;
      const dayFirst = pattern === DAY_MONTH;
      const day = Number(dayFirst ? match[1] : match[2]);
      const month = MONTHS[((dayFirst ? match[2] : match[1]) as string).toLowerCase()];
      if (month === undefined) continue;
      // "may" is also a verb: read it as a month only when capitalised.
      const monthWord = (dayFirst ? match[2] : match[1]) as string;
      if (monthWord === "may" || monthWord === "mar") continue;
      const year = fullYear(match[3]);
      const date =
        year !== null
          ? utcDay(year, month, day)
          : reference
            ? nextOccurrence(reference, month, day)
            : null;
      dayValue(start, start + match[0].length, date);
    }
  }
  for (const match of text.matchAll(DOT_DATE)) {
    const start = match.index ?? 0;
    if (!NUMERIC_CUE.test(text.slice(Math.max(0, start - 16), start))) continue;
    const date = numericReading(reference, Number(match[2]), Number(match[1]), fullYear(match[3]));
    dayValue(start, start + match[0].length, date);
  }
  for (const match of text.matchAll(SLASH_DATE)) {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    if (!NUMERIC_CUE.test(text.slice(Math.max(0, start - 16), start))) continue;
    const first = Number(match[1]);
    const second = Number(match[2]);
    const year = fullYear(match[3]);
    const monthFirst = numericReading(reference, first, second, year);
    const dayFirst = numericReading(reference, second, first, year);
    if (monthFirst && dayFirst && first !== second) {
      const readings = [
        { order: "month-day" as const, ...calendarDay(monthFirst) },
        { order: "day-month" as const, ...calendarDay(dayFirst) },
      ];
      add(start, end, { kind: "ambiguous", text: match[0], readings, chosen: order });
    } else {
      dayValue(start, end, monthFirst ?? dayFirst);
    }
  }
  if (reference) {
    for (const match of text.matchAll(END_OF_NEXT_MONTH)) {
      const start = match.index ?? 0;
      const date = endOfMonth(addMonths(reference, 1, { in: utc }), { in: utc });
      dayValue(
        start,
        start + match[0].length,
        utcDay(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()),
      );
    }
    for (const match of text.matchAll(END_OF_THIS_MONTH)) {
      const start = match.index ?? 0;
      const date = endOfMonth(reference, { in: utc });
      dayValue(
        start,
        start + match[0].length,
        utcDay(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()),
      );
    }
    for (const match of text.matchAll(IN_PERIOD)) {
      const start = match.index ?? 0;
      const amount = countValue(match[1] as string);
      const unit = unitOf(match[2] as string);
      if (amount === null || unit === null || unit === "business-day") continue;
      dayValue(start, start + match[0].length, addPeriod(reference, amount, unit));
    }
  }
  return mentions.sort((a, b) => a.start - b.start);
}

/** The day a date stands for, when it is one day (an ambiguous date only once chosen). */
export function dayOf(value: DealDate): CalendarDay | null {
  if (value.kind === "date") return { date: value.date, at: value.at };
  if (value.kind === "ambiguous" && value.chosen) {
    const reading = value.readings.find((candidate) => candidate.order === value.chosen);
    return reading ? { date: reading.date, at: reading.at } : null;
  }
  return null;
}
