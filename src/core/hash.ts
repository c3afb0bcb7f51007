// SHA-256 helpers over WebCrypto (available in workerd and Node 20).

const encoder = new TextEncoder()

/** Hex SHA-256 of bytes or of a string's UTF-8 encoding. */
export async function sha256Hex(input: string | Uint8Array): Promise<string> {
  const bytes = typeof input === 'string' ? encoder.encode(input) : input
  const digest = await crypto.subtle.digest('SHA-256', bytes)
  return toHex(new Uint8Array(digest))
}

export function toHex(bytes: Uint8Array): string {
  let out = ''
  for (const b of bytes) out += b.toString(16).padStart(2, '0')
  return out
}
