// Opaque, tamper-proof pagination cursors: base64url(JSON) signed with HMAC-SHA-256.

const encoder = new TextEncoder()
const decoder = new TextDecoder()

function toBase64Url(bytes: Uint8Array): string {
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4)
  try {
    const bin = atob(padded)
    const out = new Uint8Array(bin.length)
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
    return out
  } catch {
    return null
  }
}

async function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(`storywatch-cursor:${secret}`), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ])
}

/** Encodes a cursor payload and signs it, so a client can hand it back but not forge one. */
export async function signCursor(payload: Record<string, string>, secret: string): Promise<string> {
  const body = encoder.encode(JSON.stringify(payload))
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret), body))
  return `${toBase64Url(body)}.${toBase64Url(sig.slice(0, 16))}`
}

/** Verifies and decodes a cursor; null when it was not made by signCursor with this secret. */
export async function verifyCursor(cursor: string, secret: string): Promise<Record<string, string> | null> {
  const [bodyPart, sigPart, extra] = cursor.split('.')
  if (bodyPart === undefined || sigPart === undefined || extra !== undefined) return null
  const body = fromBase64Url(bodyPart)
  const sig = fromBase64Url(sigPart)
  if (!body || !sig || sig.length !== 16) return null
  const expected = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret), body)).slice(0, 16)
  let diff = 0
  for (let i = 0; i < 16; i++) diff |= (expected[i] ?? 0) ^ (sig[i] ?? 0)
  if (diff !== 0) return null
  try {
    const parsed: unknown = JSON.parse(decoder.decode(body))
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null
    const out: Record<string, string> = {}
    for (const [k, v] of Object.entries(parsed)) {
      if (typeof v !== 'string') return null
      out[k] = v
    }
    return out
  } catch {
    return null
  }
}
