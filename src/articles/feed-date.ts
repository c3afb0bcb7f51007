// Feed dates (RFC 822 from RSS, RFC 3339 / W3C-DTF from Atom and dc:date) to ISO 8601 UTC.

const ISO_DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)\s*(Z|[+-]\d{2}:?\d{2})?)?$/i
const MONTH_NAME = /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b/i
const TRAILING_ZONE = /(?:[+-]\d{2}:?\d{2}|\b[A-Za-z]{1,5})$/

// Zone names V8 does not know (it knows UT, GMT, Z and the North American ones) that UK and European feeds use.
// IST is left out: Irish Standard Time and India Standard Time are both common.
const ZONE_OFFSETS: Readonly<Record<string, string>> = {
  BST: '+0100',
  CET: '+0100',
  CEST: '+0200',
  EET: '+0200',
  EEST: '+0300',
  WET: '+0000',
  WEST: '+0100',
  AEST: '+1000',
  AEDT: '+1100',
}

/** Years outside this range are typos or placeholders (0001-01-01), not publication dates. */
const MIN_YEAR = 1900
const MAX_YEAR = 2999

/**
 * Parses a date as feeds write it: RFC 822 / 2822 (`Tue, 06 May 2025 14:30:00 +0100`, also with BST or GMT)
 * or RFC 3339 / W3C-DTF (`2025-05-06T14:30:00+01:00`, `2025-05-06`). A date without a zone is taken as UTC.
 * Returns ISO 8601 UTC with milliseconds, or null when the text is not a plausible date.
 */
export function feedDateToIso(raw: string | null): string | null {
  if (raw === null) return null
  const text = raw.trim().replace(/\s+/g, ' ')
  if (text === '' || text.length > 100) return null

  let ms: number
  const iso = ISO_DATE.exec(text)
  if (iso) {
    const [, date = '', time, zone] = iso
    if (!isCalendarDate(date)) return null
    const offset = zone === undefined || zone.toUpperCase() === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2')
    ms = Date.parse(time === undefined ? `${date}T00:00:00Z` : `${date}T${time}${offset}`)
  } else if (MONTH_NAME.test(text)) {
    // V8's fallback parser accepts almost anything ("1" is 2001-01-01); insisting on a month name keeps it honest.
    const named = /\b([A-Za-z]{3,4})$/.exec(text)
    const offset = named?.[1] === undefined ? undefined : ZONE_OFFSETS[named[1].toUpperCase()]
    const zoned = offset === undefined ? text : `${text.slice(0, named?.index)}${offset}`
    ms = Date.parse(TRAILING_ZONE.test(zoned) ? zoned : `${zoned} GMT`)
  } else {
    return null
  }
  if (Number.isNaN(ms)) return null
  const parsed = new Date(ms)
  const year = parsed.getUTCFullYear()
  if (year < MIN_YEAR || year > MAX_YEAR) return null
  return parsed.toISOString()
}

/** V8 rolls 2025-02-30 over to 2 March; a feed that says 30 February has no usable date. */
function isCalendarDate(date: string): boolean {
  const [year = 0, month = 0, day = 0] = date.split('-').map(Number)
  const parsed = new Date(Date.UTC(year, month - 1, day))
  return parsed.getUTCMonth() === month - 1 && parsed.getUTCDate() === day
}
