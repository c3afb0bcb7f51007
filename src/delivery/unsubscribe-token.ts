// Signed unsubscribe tokens: a subscription id under an HMAC keyed from API_TOKEN, so the link works without logging in.
import { signCursor, verifyCursor } from '../core/cursor'
import { SUBSCRIPTION_ID_PATTERN } from './digest-store'

/** Payload marker: a pagination cursor (same HMAC helpers) can never pass as an unsubscribe token. */
const PURPOSE = 'digest-unsubscribe'

/** A distinct key per purpose, derived from the API token: rotating API_TOKEN invalidates every unsubscribe link. */
function unsubscribeSecret(apiToken: string): string {
  return `${PURPOSE}:${apiToken}`
}

/** The token for a subscription's unsubscribe link; it does not expire (unsubscribe links must keep working). */
export async function signUnsubscribeToken(subscriptionId: string, apiToken: string): Promise<string> {
  return signCursor({ p: PURPOSE, s: subscriptionId }, unsubscribeSecret(apiToken))
}

/** The subscription id a token was issued for; null when it was not signed with this API token's unsubscribe key. */
export async function verifyUnsubscribeToken(token: string, apiToken: string): Promise<string | null> {
  if (token.length === 0 || token.length > 500) return null
  const payload = await verifyCursor(token, unsubscribeSecret(apiToken))
  if (!payload || payload.p !== PURPOSE || typeof payload.s !== 'string' || !SUBSCRIPTION_ID_PATTERN.test(payload.s)) return null
  return payload.s
}

/** The absolute unsubscribe URL for a subscription. */
export async function unsubscribeUrl(baseUrl: string, subscriptionId: string, apiToken: string): Promise<string> {
  return `${baseUrl}/digests/unsubscribe?token=${encodeURIComponent(await signUnsubscribeToken(subscriptionId, apiToken))}`
}
