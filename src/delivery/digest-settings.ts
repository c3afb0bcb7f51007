// Email digest configuration read from the Worker's vars, secret and optional binding (only entry points call this).
import type { EmailSender, SendEmailBinding } from './email-sender'
import { httpEmailSender, noEmailSender, sendEmailBindingSender } from './email-sender'

export type EmailProvider = 'none' | 'send_email' | 'http'

export interface DigestSettings {
  provider: EmailProvider
  from: string
  /** Base URL for links in digests; null when PUBLIC_BASE_URL is unset (routes then use the request's origin). */
  publicBaseUrl: string | null
  /** Keys the unsubscribe tokens. */
  apiToken: string
}

/** Resend's endpoint: the default Resend-compatible API. */
export const DEFAULT_EMAIL_API_URL = 'https://api.resend.com/emails'
/** Without a sender address configured, local development (EMAIL_PROVIDER "none") still builds complete messages. */
const LOCAL_FROM = 'Storywatch <storywatch@localhost>'
/** Where `wrangler dev` listens (scripts/dev.ts): links in locally built digests point there. */
export const LOCAL_BASE_URL = 'http://127.0.0.1:8787'

/** Optional secret and binding: not declared as vars, so `wrangler types` does not require them. */
interface OptionalEmailEnv {
  EMAIL_API_KEY?: string
  SEND_EMAIL?: SendEmailBinding
}

export type SenderSetup = { ok: true; sender: EmailSender } | { ok: false; message: string }

function provider(env: Env): EmailProvider | null {
  const value = env.EMAIL_PROVIDER.trim() || 'none'
  return value === 'none' || value === 'send_email' || value === 'http' ? value : null
}

export function readDigestSettings(env: Env): DigestSettings {
  const base = env.PUBLIC_BASE_URL.trim()
  return {
    provider: provider(env) ?? 'none',
    from: env.EMAIL_FROM.trim() || LOCAL_FROM,
    publicBaseUrl: base === '' ? null : base.replace(/\/+$/, ''),
    apiToken: env.API_TOKEN,
  }
}

/**
 * The sender chosen by EMAIL_PROVIDER, or why none can be built. A misconfiguration is a value: the digest run then
 * claims no digest, so nothing is marked sent that was not.
 */
export function createEmailSender(env: Env, fetchFn: typeof fetch): SenderSetup {
  const optional = env as OptionalEmailEnv
  const chosen = provider(env)
  switch (chosen) {
    case null:
      return { ok: false, message: `digests: EMAIL_PROVIDER must be "none", "send_email" or "http", not "${env.EMAIL_PROVIDER}"` }
    case 'none':
      return { ok: true, sender: noEmailSender() }
    case 'send_email':
      if (!optional.SEND_EMAIL) return { ok: false, message: 'digests: EMAIL_PROVIDER is "send_email" but no [[send_email]] binding named SEND_EMAIL is configured' }
      if (!env.EMAIL_FROM.trim()) return { ok: false, message: 'digests: EMAIL_FROM must be set to send email' }
      return { ok: true, sender: sendEmailBindingSender(optional.SEND_EMAIL) }
    case 'http':
      if (!optional.EMAIL_API_KEY) return { ok: false, message: 'digests: EMAIL_PROVIDER is "http" but the EMAIL_API_KEY secret is not set' }
      if (!env.EMAIL_FROM.trim()) return { ok: false, message: 'digests: EMAIL_FROM must be set to send email' }
      return { ok: true, sender: httpEmailSender({ url: env.EMAIL_API_URL.trim() || DEFAULT_EMAIL_API_URL, apiKey: optional.EMAIL_API_KEY, fetch: fetchFn }) }
    default: {
      const never: never = chosen
      throw new Error(`digests: unhandled provider ${String(never)}`)
    }
  }
}

/** Base URL for links in digests built by the cron (no request to take an origin from); null when sending needs one. */
export function cronBaseUrl(settings: DigestSettings): string | null {
  return settings.publicBaseUrl ?? (settings.provider === 'none' ? LOCAL_BASE_URL : null)
}
