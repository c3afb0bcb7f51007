// SHA-256 helpers: node:crypto's synchronous, native hash (workerd with nodejs_compat, and Node for scripts and benches).
import { createHash } from 'node:crypto'

/**
 * Hex SHA-256 of bytes or of a string's UTF-8 encoding, synchronously. WebCrypto's digest gives the same bytes, but
 * asynchronously: a promise per hash, and in Node a thread-pool job each, which cost more than hashing a feed item.
 */
export function sha256HexSync(input: string | Uint8Array): string {
  return createHash('sha256').update(input).digest('hex')
}

/** Hex SHA-256 of bytes or of a string's UTF-8 encoding (the async form callers awaiting WebCrypto were written for). */
export async function sha256Hex(input: string | Uint8Array): Promise<string> {
  return sha256HexSync(input)
}

export function toHex(bytes: Uint8Array): string {
  let out = ''
  for (const b of bytes) out += b.toString(16).padStart(2, '0')
  return out
}
