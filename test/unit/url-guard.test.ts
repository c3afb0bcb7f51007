// Tests for the outbound URL guard: which URLs the Worker may fetch.
import { describe, it, expect } from 'vitest'
import { checkOutboundUrl } from '../../src/net/url-guard'

const strict = { allowLoopback: false }
const loopbackOk = { allowLoopback: true }

describe('checkOutboundUrl', () => {
  it.each([
    ['a plain https feed', 'https://news.example.com/rss.xml'],
    ['a plain http feed', 'http://feeds.example.org/world'],
    ['the default port spelled out', 'https://news.example.com:443/rss'],
    ['port 8080', 'http://news.example.com:8080/rss'],
    ['port 8443', 'https://news.example.com:8443/rss'],
    ['port 80 on https', 'https://news.example.com:80/rss'],
    ['a public IPv4 literal', 'http://93.184.216.34/feed'],
    ['a public IPv6 literal', 'http://[2606:4700:4700::1111]/feed'],
    ['an internationalised domain', 'https://bücher.example/feed'],
    ['a trailing-dot FQDN', 'https://news.example.com./rss'],
    ['an address next to a private block', 'http://172.32.0.1/feed'],
    ['an address next to CGNAT', 'http://100.128.0.1/feed'],
  ])('accepts %s', (_name, raw) => {
    const result = checkOutboundUrl(raw, strict)
    expect(result.ok).toBe(true)
  })

  it('returns the parsed URL when accepted', () => {
    const result = checkOutboundUrl('  https://News.Example.com/a?b=1  ', strict)
    expect(result).toMatchObject({ ok: true })
    if (result.ok) expect(result.url.href).toBe('https://news.example.com/a?b=1')
  })

  it.each([
    ['an empty string', ''],
    ['a relative path', '/feed.xml'],
    ['a bare word', 'not a url'],
    ['a broken IPv6 literal', 'http://[::1/'],
  ])('refuses %s as invalid_url', (_name, raw) => {
    expect(checkOutboundUrl(raw, strict)).toMatchObject({ ok: false, code: 'invalid_url' })
  })

  it.each([
    ['ftp', 'ftp://example.com/feed.xml'],
    ['file', 'file:///etc/passwd'],
    ['data', 'data:text/xml,<rss/>'],
    ['javascript', 'javascript:alert(1)'],
    ['gopher', 'gopher://example.com/'],
  ])('refuses the %s scheme', (_name, raw) => {
    expect(checkOutboundUrl(raw, strict)).toMatchObject({ ok: false, code: 'unsupported_scheme' })
  })

  it.each([
    ['a username and password', 'https://user:secret@example.com/feed'],
    ['a username only', 'https://user@example.com/feed'],
    ['a password only', 'https://:secret@example.com/feed'],
  ])('refuses credentials in the URL: %s', (_name, raw) => {
    const result = checkOutboundUrl(raw, strict)
    expect(result).toMatchObject({ ok: false, code: 'credentials' })
    if (!result.ok) expect(result.message).not.toContain('secret')
  })

  it.each([
    ['SSH', 'http://example.com:22/'],
    ['Redis', 'http://example.com:6379/'],
    ['an ephemeral port', 'https://example.com:49152/feed'],
    ['port 8000', 'http://example.com:8000/'],
  ])('refuses a non-web port (%s)', (_name, raw) => {
    expect(checkOutboundUrl(raw, strict)).toMatchObject({ ok: false, code: 'forbidden_port' })
  })

  it.each([
    // IPv4
    ['127.0.0.1', 'http://127.0.0.1/feed'],
    ['the rest of 127/8', 'http://127.45.6.7/feed'],
    ['0.0.0.0', 'http://0.0.0.0/'],
    ['10/8', 'http://10.1.2.3/'],
    ['172.16/12 low end', 'http://172.16.0.1/'],
    ['172.16/12 high end', 'http://172.31.255.255/'],
    ['192.168/16', 'http://192.168.1.1/'],
    ['CGNAT 100.64/10', 'http://100.64.0.1/'],
    ['CGNAT high end', 'http://100.127.255.254/'],
    ['link-local (cloud metadata)', 'http://169.254.169.254/latest/meta-data/'],
    ['multicast', 'http://224.0.0.1/'],
    ['reserved 240/4', 'http://240.0.0.1/'],
    ['broadcast', 'http://255.255.255.255/'],
    ['benchmarking 198.18/15', 'http://198.19.0.1/'],
    ['TEST-NET-1', 'http://192.0.2.10/'],
    ['IETF protocol assignments', 'http://192.0.0.8/'],
    // Alternative IPv4 spellings: the WHATWG parser normalises them to dotted decimal first.
    ['decimal 2130706433', 'http://2130706433/'],
    ['hex 0x7f.1', 'http://0x7f.1/'],
    ['hex 0x7f000001', 'http://0x7f000001/'],
    ['octal 0177.0.0.1', 'http://0177.0.0.1/'],
    ['short 127.1', 'http://127.1/'],
    ['decimal private 167772161 (10.0.0.1)', 'http://167772161/'],
    ['octal private 012.0.0.1', 'http://012.0.0.1/'],
    ['a trailing dot', 'http://127.0.0.1./'],
    // IPv6
    ['::1', 'http://[::1]/'],
    ['::', 'http://[::]/'],
    ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/'],
    ['IPv4-mapped private', 'http://[::ffff:10.0.0.1]/'],
    ['IPv4-mapped in hex', 'http://[::ffff:7f00:1]/'],
    ['IPv4-compatible (deprecated)', 'http://[::127.0.0.1]/'],
    ['NAT64', 'http://[64:ff9b::a00:1]/'],
    ['ULA fc00::/7', 'http://[fc00::1]/'],
    ['ULA fd00::', 'http://[fd12:3456:789a::1]/'],
    ['link-local fe80::/10', 'http://[fe80::1]/'],
    ['link-local high end', 'http://[febf::1]/'],
    ['site-local fec0::/10', 'http://[fec0::1]/'],
    ['multicast ff02::1', 'http://[ff02::1]/'],
    ['documentation 2001:db8::/32', 'http://[2001:db8::1]/'],
    ['Teredo 2001::/32', 'http://[2001:0:4136:e378::1]/'],
    ['6to4 2002::/16', 'http://[2002:a00:1::1]/'],
    ['discard-only 100::/64', 'http://[100::1]/'],
    // Names
    ['localhost', 'http://localhost/feed'],
    ['LOCALHOST with a trailing dot', 'http://LOCALHOST./feed'],
    ['a *.localhost name', 'http://api.localhost/'],
    ['a *.local mDNS name', 'http://printer.local/'],
    ['a *.internal name', 'http://metadata.google.internal/computeMetadata/v1/'],
    ['a *.home.arpa name', 'http://router.home.arpa/'],
    ['a dotless intranet name', 'http://intranet/feed'],
    ['a dotless name with a trailing dot', 'http://intranet./feed'],
  ])('refuses a non-public host: %s', (_name, raw) => {
    expect(checkOutboundUrl(raw, strict)).toMatchObject({ ok: false, code: 'forbidden_host' })
  })

  it.each([
    ['127.0.0.1', 'http://127.0.0.1/feed'],
    ['127.0.0.1 on any port', 'http://127.0.0.1:8787/feed'],
    ['another 127/8 address', 'http://127.0.0.2:3000/feed'],
    ['::1 on any port', 'http://[::1]:9999/feed'],
    ['localhost on any port', 'http://localhost:8788/feed.xml'],
  ])('refuses a loopback URL unless loopback is allowed: %s', (_name, raw) => {
    expect(checkOutboundUrl(raw, strict)).toMatchObject({ ok: false, code: 'forbidden_host' })
    expect(checkOutboundUrl(raw, loopbackOk)).toMatchObject({ ok: true })
  })

  it.each([
    ['10/8', 'http://10.0.0.1/'],
    ['192.168/16', 'http://192.168.0.1:8080/'],
    ['link-local', 'http://169.254.169.254/'],
    ['0.0.0.0', 'http://0.0.0.0:8787/'],
    ['ULA', 'http://[fd00::1]/'],
    ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/'],
    ['*.localhost', 'http://api.localhost:8787/'],
    ['a dotless name', 'http://intranet/'],
  ])('keeps refusing %s when loopback is allowed', (_name, raw) => {
    expect(checkOutboundUrl(raw, loopbackOk)).toMatchObject({ ok: false, code: 'forbidden_host' })
  })

  it('keeps the port rule for public hosts when loopback is allowed', () => {
    expect(checkOutboundUrl('http://example.com:22/', loopbackOk)).toMatchObject({ ok: false, code: 'forbidden_port' })
  })

  it.each([
    ['http://127.0.0.1/feed', 'url: loopback address 127.0.0.1 is not allowed (set ALLOW_LOOPBACK_FEEDS=true for local development)'],
    ['http://2130706433/', 'url: loopback address 127.0.0.1 is not allowed (set ALLOW_LOOPBACK_FEEDS=true for local development)'],
    ['http://10.0.0.1/', 'url: private address 10.0.0.1 is not allowed'],
    ['http://169.254.169.254/', 'url: link-local address 169.254.169.254 is not allowed'],
    ['http://[::ffff:127.0.0.1]/', 'url: IPv4-mapped address ::ffff:7f00:1 (127.0.0.1) is not allowed'],
    ['http://printer.local/', 'url: host printer.local is an internal name (*.local) and is not allowed'],
    ['http://intranet/', 'url: host "intranet" has no dot, so it is not a public domain name'],
    ['http://example.com:6379/', 'url: port 6379 is not allowed for example.com, only 80, 443, 8080 and 8443'],
    ['ftp://example.com/', 'url: scheme "ftp" is not allowed, only http and https'],
    ['nope', 'url: "nope" is not a valid absolute URL'],
  ])('explains why %s is refused', (raw, message) => {
    expect(checkOutboundUrl(raw, strict)).toMatchObject({ ok: false, message })
  })

  it('truncates a huge invalid input in its message', () => {
    const result = checkOutboundUrl('x'.repeat(100_000), strict)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.message.length).toBeLessThan(300)
  })
})
