// feedDateToIso: RFC 822 and RFC 3339 dates as feeds write them, to ISO 8601 UTC.
import { describe, it, expect } from 'vitest'
import { feedDateToIso } from '../../src/articles/feed-date'

describe('feedDateToIso', () => {
  it.each([
    ['RFC 822 with GMT', 'Fri, 02 May 2025 07:05:00 GMT', '2025-05-02T07:05:00.000Z'],
    ['RFC 822 with a numeric offset', 'Mon, 16 Jun 2025 09:30:00 +0100', '2025-06-16T08:30:00.000Z'],
    ['RFC 822 with BST (unknown to V8)', 'Mon, 16 Jun 2025 09:30:00 BST', '2025-06-16T08:30:00.000Z'],
    ['RFC 822 with CEST', 'Mon, 16 Jun 2025 10:30:00 CEST', '2025-06-16T08:30:00.000Z'],
    ['RFC 822 without a weekday or seconds', '16 Jun 2025 09:30 +0100', '2025-06-16T08:30:00.000Z'],
    ['RFC 822 with a single-digit day', 'Fri, 2 May 2025 08:05:00 +0100', '2025-05-02T07:05:00.000Z'],
    ['RFC 822 without a zone, taken as UTC', 'Mon, 16 Jun 2025 09:30:00', '2025-06-16T09:30:00.000Z'],
    ['RFC 822 with a wrong weekday', 'Tue, 16 Jun 2025 09:30:00 GMT', '2025-06-16T09:30:00.000Z'],
    ['RFC 3339 with Z', '2025-06-16T08:30:00Z', '2025-06-16T08:30:00.000Z'],
    ['RFC 3339 with an offset', '2025-06-16T09:30:00+01:00', '2025-06-16T08:30:00.000Z'],
    ['RFC 3339 with fractional seconds', '2025-06-16T08:30:00.123456Z', '2025-06-16T08:30:00.123Z'],
    ['ISO with a space and no zone, taken as UTC', '2025-06-16 09:30:00', '2025-06-16T09:30:00.000Z'],
    ['ISO with an offset without a colon', '2025-06-16T09:30:00+0100', '2025-06-16T08:30:00.000Z'],
    ['W3C-DTF date only', '2025-06-16', '2025-06-16T00:00:00.000Z'],
    ['surrounding whitespace', '\n  2025-06-16T08:30:00Z \n', '2025-06-16T08:30:00.000Z'],
  ])('parses %s', (_name, raw, expected) => {
    expect(feedDateToIso(raw)).toBe(expected)
  })

  it.each([
    ['null', null],
    ['an empty string', '  '],
    ['words', 'last Tuesday'],
    ['a bare number (V8 would say 2001)', '1'],
    ['an impossible date', '2025-02-30T10:00:00Z'],
    ['a placeholder year', '0001-01-01T00:00:00Z'],
    ['a far-future year', 'Mon, 16 Jun 9999 09:30:00 GMT'],
    ['a very long string', `${'Jun '.repeat(50)}2025`],
  ])('returns null for %s', (_name, raw) => {
    expect(feedDateToIso(raw)).toBeNull()
  })
})
