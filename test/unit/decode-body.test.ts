// Tests for feed body decoding: BOMs, Content-Type charset, XML declaration and single-byte encodings.
import { describe, it, expect } from 'vitest'
import { charsetFromContentType, decodeBody } from '../../src/net/decode-body'
// `?url&inline` makes Vite hand over the file as a base64 data: URL, so the bytes arrive untouched (`?raw` would
// decode them as UTF-8 and turn every single-byte character into U+FFFD).
import windows1252Url from '../../fixtures/feeds/rss2-windows-1252.xml?url&inline'
import iso88591Url from '../../fixtures/feeds/rss2-iso-8859-1.xml?url&inline'
import windows1251Url from '../../fixtures/feeds/rss2-windows-1251.xml?url&inline'

async function fixtureBytes(dataUrl: string): Promise<Uint8Array> {
  return new Uint8Array(await (await fetch(dataUrl)).arrayBuffer())
}

const utf8 = (text: string) => new TextEncoder().encode(text)
const bytes = (...parts: (number[] | Uint8Array)[]) => Uint8Array.from(parts.flatMap((p) => [...p]))

function utf16(text: string, littleEndian: boolean): Uint8Array {
  const out = new Uint8Array(text.length * 2)
  const view = new DataView(out.buffer)
  for (let i = 0; i < text.length; i++) view.setUint16(i * 2, text.charCodeAt(i), littleEndian)
  return out
}

describe('decodeBody', () => {
  it.each([
    ['windows-1252', windows1252Url, ['Café chain’s profits fall to £4.2m after “difficult” winter', 'The chain — which runs 140 cafés — blamed energy costs… and a €3m write-down.', '‘We got it wrong,’ said the chief executive, Zoë Brontë.']],
    ['ISO-8859-1', iso88591Url, ['Genève: la dette publique dépasse 13,5 milliards', '« Nous devons agir », a déclaré', 'Coût estimé: £2m, ½ du budget.', 'jusqu\'à 25°C attendus à Zürich', 'Économie']],
    ['windows-1251', windows1251Url, ['Новости — Экономика', '«Инфляционное давление остаётся высоким», — заявила председатель ЦБ.', 'Ёмкость рынка выросла на 5% — “неожиданно” для аналитиков. Приказ № 12.']],
  ])('decodes a %s feed named by its XML declaration', async (_name, url, expected) => {
    const text = decodeBody(await fixtureBytes(url), 'application/rss+xml')
    for (const fragment of expected) expect(text).toContain(fragment)
    expect(text).not.toContain('\uFFFD')
  })

  it('lets the Content-Type charset win over the XML declaration', async () => {
    // The 1252 fixture read as 1251 must come out as Cyrillic, proving the header was used.
    const text = decodeBody(await fixtureBytes(windows1252Url), 'text/xml; charset=windows-1251')
    expect(text).toContain('Cafй chain')
  })

  it('decodes cp1252 quotes in a body labelled ISO-8859-1, as browsers do (WHATWG maps the label to windows-1252)', () => {
    const body = bytes(utf8('<t>'), [0x93, 0x48, 0x69, 0x94, 0x20, 0x96, 0x20, 0xa3, 0x35], utf8('</t>'))
    expect(decodeBody(body, 'text/xml; charset=ISO-8859-1')).toBe('<t>“Hi” – £5</t>')
  })

  it.each([
    ['a UTF-8 BOM', bytes([0xef, 0xbb, 0xbf], utf8('<rss>é</rss>')), null, '<rss>é</rss>'],
    ['a UTF-8 BOM despite a Latin-1 header', bytes([0xef, 0xbb, 0xbf], utf8('<rss>é</rss>')), 'text/xml; charset=iso-8859-1', '<rss>é</rss>'],
    ['a UTF-16LE BOM', bytes([0xff, 0xfe], utf16('<?xml version="1.0" encoding="UTF-16"?><rss>日本</rss>', true)), null, '<?xml version="1.0" encoding="UTF-16"?><rss>日本</rss>'],
    ['a UTF-16BE BOM', bytes([0xfe, 0xff], utf16('<rss>Ωmega</rss>', false)), 'application/xml', '<rss>Ωmega</rss>'],
  ])('strips %s and decodes accordingly', (_name, body, contentType, expected) => {
    expect(decodeBody(body, contentType)).toBe(expected)
  })

  it.each([
    ['no charset anywhere', utf8('<rss>naïve — ok</rss>'), null, '<rss>naïve — ok</rss>'],
    ['an unknown Content-Type charset', utf8('<rss>naïve</rss>'), 'text/xml; charset=x-klingon', '<rss>naïve</rss>'],
    ['an unknown XML encoding', utf8('<?xml version="1.0" encoding="x-made-up"?><rss>é</rss>'), null, '<?xml version="1.0" encoding="x-made-up"?><rss>é</rss>'],
    ['an ASCII-readable declaration claiming UTF-16', utf8('<?xml version="1.0" encoding="UTF-16"?><rss>é</rss>'), null, '<?xml version="1.0" encoding="UTF-16"?><rss>é</rss>'],
  ])('falls back to UTF-8 with %s', (_name, body, contentType, expected) => {
    expect(decodeBody(body, contentType)).toBe(expected)
  })

  it('replaces malformed UTF-8 instead of throwing', () => {
    expect(decodeBody(bytes(utf8('<a>'), [0xff, 0xc3], utf8('</a>')), 'text/xml; charset=utf-8')).toBe('<a>\uFFFD\uFFFD</a>')
  })

  it('falls back from an unknown header label to the XML declaration', () => {
    const body = bytes(utf8("<?xml version='1.0' encoding='windows-1251'?><t>"), [0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2], utf8('</t>'))
    expect(decodeBody(body, 'text/xml; charset=nonsense')).toContain('<t>Привет</t>')
  })

  it('ignores an encoding attribute outside the XML declaration', () => {
    const body = bytes(utf8('<rss><x encoding="windows-1251"/>'), [0xc3, 0xa9], utf8('</rss>'))
    expect(decodeBody(body, null)).toBe('<rss><x encoding="windows-1251"/>é</rss>')
  })

  it('decodes an empty body to an empty string', () => {
    expect(decodeBody(new Uint8Array(0), null)).toBe('')
  })
})

describe('charsetFromContentType', () => {
  it.each([
    ['text/xml; charset=UTF-8', 'UTF-8'],
    ['application/rss+xml;charset="windows-1252"', 'windows-1252'],
    ['text/html; Charset = iso-8859-1 ; q=1', 'iso-8859-1'],
    ['application/xml', null],
    ['text/xml; charset=', null],
    [null, null],
  ])('reads %s as %s', (header, expected) => {
    expect(charsetFromContentType(header)).toBe(expected)
  })
})
