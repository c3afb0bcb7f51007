// Turns raw feed bytes into text: BOM, then Content-Type charset, then the XML declaration, then UTF-8.

/** The XML declaration must open the document, so the first bytes are enough to find its encoding. */
const XML_DECLARATION_SCAN_BYTES = 1024

/** The encoding pseudo-attribute of an XML declaration at the start of the document (XML 1.0 §4.3.3). */
const XML_ENCODING = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']\s*([A-Za-z0-9._:-]+)\s*["']/

/**
 * Decodes a response body to text. A byte order mark decides the encoding (WHATWG Encoding "decode"); otherwise the
 * Content-Type charset, then the XML declaration's encoding, then UTF-8. Unknown labels fall through to the next
 * source; malformed bytes become U+FFFD instead of throwing.
 */
export function decodeBody(bytes: Uint8Array, contentType: string | null): string {
  const bom = sniffBom(bytes)
  if (bom !== null) return new TextDecoder(bom.encoding).decode(bytes.subarray(bom.length))

  const encoding =
    knownEncoding(charsetFromContentType(contentType)) ?? knownEncoding(asciiCompatible(encodingFromXmlDeclaration(bytes))) ?? 'utf-8'
  // ignoreBOM: a BOM was ruled out above, so a leading U+FEFF here is content, not a marker.
  return new TextDecoder(encoding, { fatal: false, ignoreBOM: true }).decode(bytes)
}

function sniffBom(bytes: Uint8Array): { encoding: string; length: number } | null {
  const [b0, b1, b2] = bytes
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { encoding: 'utf-8', length: 3 }
  if (b0 === 0xfe && b1 === 0xff) return { encoding: 'utf-16be', length: 2 }
  if (b0 === 0xff && b1 === 0xfe) return { encoding: 'utf-16le', length: 2 }
  return null
}

/** The charset parameter of a Content-Type header value (RFC 9110 §8.3), quoted or not. */
export function charsetFromContentType(contentType: string | null): string | null {
  if (contentType === null) return null
  const m = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType)
  if (m === null) return null
  const label = (m[1] ?? m[2] ?? '').trim()
  return label === '' ? null : label
}

function encodingFromXmlDeclaration(bytes: Uint8Array): string | null {
  const head = bytes.subarray(0, XML_DECLARATION_SCAN_BYTES)
  // latin1 maps every byte to one char, so this reads the ASCII declaration whatever the real encoding is.
  const text = new TextDecoder('latin1').decode(head)
  return XML_ENCODING.exec(text)?.[1] ?? null
}

/**
 * A declaration readable as ASCII cannot be UTF-16, whatever it claims (the HTML spec applies the same rule to
 * `<meta charset>`), so treat such a claim as UTF-8.
 */
function asciiCompatible(label: string | null): string | null {
  if (label === null) return null
  return /^(utf-?16|ucs-?2|unicode)/i.test(label) ? 'utf-8' : label
}

/** The WHATWG name of a label, or null when TextDecoder does not know it. */
export function knownEncoding(label: string | null): string | null {
  if (label === null) return null
  try {
    return new TextDecoder(label).encoding
  } catch {
    return null
  }
}
