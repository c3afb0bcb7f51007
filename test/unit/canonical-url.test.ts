// canonicalUrl: resolution, http(s) only, host and port normalisation, fragment and tracking parameters removed.
import { describe, it, expect } from 'vitest'
import { canonicalUrl, TRACKING_PARAMS } from '../../src/articles/canonical-url'

const BASE = 'https://www.northernledger.co.uk/uk-news/rss'

describe('canonicalUrl', () => {
  it.each([
    ['resolves a relative link against the base', '/uk-news/2025/jun/10/floods', 'https://www.northernledger.co.uk/uk-news/2025/jun/10/floods'],
    ['resolves a path-relative link', 'floods', 'https://www.northernledger.co.uk/uk-news/floods'],
    ['resolves a protocol-relative link', '//www.bbc.co.uk/news/uk-123', 'https://www.bbc.co.uk/news/uk-123'],
    ['lower-cases the host but not the path', 'https://WWW.BBC.CO.UK/News/UK-123', 'https://www.bbc.co.uk/News/UK-123'],
    ['drops the default https port', 'https://www.bbc.co.uk:443/news', 'https://www.bbc.co.uk/news'],
    ['drops the default http port', 'http://example.co.uk:80/a', 'http://example.co.uk/a'],
    ['keeps a non-default port', 'https://example.co.uk:8443/a', 'https://example.co.uk:8443/a'],
    ['drops the fragment', 'https://www.bbc.com/news/articles/c0x#0', 'https://www.bbc.com/news/articles/c0x'],
    ['drops utm_ parameters', 'https://x.co.uk/a?utm_source=rss&utm_medium=feed&utm_campaign=daily', 'https://x.co.uk/a'],
    ['drops BBC at_ parameters', 'https://www.bbc.co.uk/news/uk-1?at_medium=RSS&at_campaign=rss&at_custom3=x', 'https://www.bbc.co.uk/news/uk-1'],
    ['drops the Guardian CMP parameter in any case', 'https://www.theguardian.com/a?CMP=share_btn_tw&cmp=x', 'https://www.theguardian.com/a'],
    ['drops ns_ parameters', 'https://www.bbc.co.uk/sport/1?ns_mchannel=social&ns_source=twitter', 'https://www.bbc.co.uk/sport/1'],
    ['drops click ids', 'https://x.co.uk/a?fbclid=1&gclid=2&dclid=3&msclkid=4&igshid=5', 'https://x.co.uk/a'],
    ['drops campaign codes', 'https://x.co.uk/a?mc_cid=1&mc_eid=2&ito=3&cmpid=4&ocid=5&smid=6&_ga=7', 'https://x.co.uk/a'],
    ['keeps other parameters in their order and spelling', 'https://x.co.uk/search?q=nhs+waiting&utm_source=rss&page=2&sort=new%20est', 'https://x.co.uk/search?q=nhs+waiting&page=2&sort=new%20est'],
    ['keeps a parameter that only starts like a tracking name', 'https://x.co.uk/a?cmpx=1&items=2', 'https://x.co.uk/a?cmpx=1&items=2'],
    ['removes a trailing question mark', 'https://x.co.uk/a?', 'https://x.co.uk/a'],
    ['removes the question mark when only tracking parameters were there', 'https://x.co.uk/a?utm_source=x#top', 'https://x.co.uk/a'],
    ['drops empty parameters', 'https://x.co.uk/a?&id=3&&', 'https://x.co.uk/a?id=3'],
    ['matches encoded parameter names', 'https://x.co.uk/a?utm%5Fsource=x&id=1', 'https://x.co.uk/a?id=1'],
    ['drops credentials', 'https://user:secret@x.co.uk/a', 'https://x.co.uk/a'],
    ['trims surrounding whitespace', '  https://x.co.uk/a \n', 'https://x.co.uk/a'],
    ['keeps the scheme as given', 'http://x.co.uk/a', 'http://x.co.uk/a'],
    ['converts an internationalised host to punycode', 'https://bücher.example/a', 'https://xn--bcher-kva.example/a'],
  ])('%s', (_name, raw, expected) => {
    expect(canonicalUrl(raw, BASE)).toBe(expected)
  })

  it.each([
    ['a mailto link', 'mailto:news@northernledger.co.uk'],
    ['a javascript link', 'javascript:alert(1)'],
    ['a data URL', 'data:text/html,<p>x</p>'],
    ['an ftp URL', 'ftp://x.co.uk/a'],
    ['an empty string', '   '],
    ['an unparseable URL', 'https://exa mple.com:99999/'],
    ['a URL longer than 16 KB', `https://x.co.uk/${'a'.repeat(17_000)}`],
  ])('returns null for %s', (_name, raw) => {
    expect(canonicalUrl(raw, BASE)).toBeNull()
  })

  it('returns null for a relative link when the base is unusable', () => {
    expect(canonicalUrl('/a', 'not a url')).toBeNull()
  })

  it('is idempotent', () => {
    const once = canonicalUrl('HTTPS://X.CO.UK:443/a/../b?utm_source=x&q=1#f', BASE)
    expect(once).toBe('https://x.co.uk/b?q=1')
    expect(canonicalUrl(once ?? '', BASE)).toBe(once)
  })

  it('documents every tracking parameter in lower case', () => {
    for (const name of TRACKING_PARAMS) expect(name).toBe(name.toLowerCase())
  })
})
