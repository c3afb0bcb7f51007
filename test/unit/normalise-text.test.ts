// normaliseForCompare: typography and invisible characters do not make two texts different.
import { describe, it, expect } from 'vitest'
import { normaliseForCompare } from '../../src/core/normalise-text'

describe('normaliseForCompare', () => {
  it.each([
    ['turns curly quotes and apostrophes into ASCII', '“We’ll see,” she said. ‘Yes’', `"We'll see," she said. 'Yes'`],
    ['turns en and em dashes into hyphens', 'Leeds – York — Hull', 'Leeds - York - Hull'],
    ['turns an ellipsis character into three dots', 'Wait…', 'Wait...'],
    ['removes zero-width characters and soft hyphens', 'NHS\u200B Eng\u00ADland\u2060\uFEFF', 'NHS England'],
    ['collapses NBSP, thin and other spaces', '10\u00A0000\u2009people \u202F\u3000here', '10 000 people here'],
    ['trims each line', '  one  \n  two  ', 'one\ntwo'],
    ['keeps paragraph breaks as exactly one blank line', 'one\n\n\n\ntwo\r\n \r\nthree', 'one\n\ntwo\n\nthree'],
    ['drops leading and trailing blank lines', '\n\n one \n\n', 'one'],
    ['composes to NFC', 'Cafe\u0301', 'Café'],
    ['composes across a removed zero-width character', 'Cafe\u200B\u0301', 'Café'],
    ['removes control characters, including the hash field separator', 'a\u0000b\u0085c', 'abc'],
  ])('%s', (_name, input, expected) => {
    expect(normaliseForCompare(input)).toBe(expected)
  })

  it.each([
    ['typography', '“Don’t” – he said…\u00A0 “fine”'],
    ['paragraphs', '\n one\u2028two\u2029\u2029three \n\n\n four  '],
    ['combining marks next to removed characters', 'e\u200B\u0301 \u00AD\u0301 a\u2060\u0308'],
    ['controls and odd spaces', '\u0007x\u000By\u000Cz\u1680w\u2000v'],
    ['an empty string', ''],
  ])('is idempotent on %s', (_name, input) => {
    const once = normaliseForCompare(input)
    expect(normaliseForCompare(once)).toBe(once)
  })
})
