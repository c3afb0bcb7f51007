// A small reader of the MIME messages digests produce (multipart/alternative, base64 parts): enough to check them in tests.

export interface MimePart {
  headers: Record<string, string>
  body: string
}

export interface ParsedMime {
  headers: Record<string, string>
  parts: MimePart[]
}

function splitHead(block: string): { headers: Record<string, string>; body: string } {
  const at = block.indexOf('\r\n\r\n')
  const head = at === -1 ? block : block.slice(0, at)
  const body = at === -1 ? '' : block.slice(at + 4)
  const headers: Record<string, string> = {}
  // RFC 5322 §2.2.3: a line starting with whitespace continues the previous header.
  for (const line of head.replace(/\r\n[ \t]/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { headers, body }
}

function decodeBase64Utf8(text: string): string {
  const bin = atob(text.replace(/\s+/g, ''))
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)))
}

/** Decodes an RFC 2047 `=?utf-8?B?…?=` header value (the only form mimetext writes). */
export function decodeHeader(value: string): string {
  return value.replace(/=\?utf-8\?B\?([^?]*)\?=/gi, (_, b64: string) => decodeBase64Utf8(b64))
}

/** Splits a multipart message on its boundary and decodes each part's base64 body. */
export function parseMime(raw: string): ParsedMime {
  const { headers, body } = splitHead(raw)
  const boundary = /boundary="?([^";\s]+)"?/.exec(headers['content-type'] ?? '')?.[1]
  if (!boundary) throw new Error('mime: no multipart boundary')
  const sections = body.split(`--${boundary}`)
  const parts = sections
    .slice(1)
    .filter((s) => !s.startsWith('--'))
    .map((s) => {
      const part = splitHead(s.replace(/^\r\n/, ''))
      const encoding = (part.headers['content-transfer-encoding'] ?? '7bit').toLowerCase()
      const text = part.body.replace(/\r\n$/, '').replace(/\r\n$/, '')
      return { headers: part.headers, body: encoding === 'base64' ? decodeBase64Utf8(text) : text }
    })
  return { headers, parts }
}

/** The decoded body of the part whose content type starts with `type`. */
export function partOf(mime: ParsedMime, type: string): string {
  const part = mime.parts.find((p) => (p.headers['content-type'] ?? '').toLowerCase().startsWith(type))
  if (!part) throw new Error(`mime: no ${type} part`)
  return part.body
}
