// Typed settings read from the Worker's vars once per invocation (only entry points call this).

export interface Settings {
  allowLoopback: boolean
  seedDefaultFeeds: boolean
  publicBaseUrl: string | null
  fetchTimeoutMs: number
  maxFeedBytes: number
  /** How many feeds one invocation polls at once: Workers allow 6 connections waiting for headers. */
  fetchConcurrency: number
  userAgent: string
}

/** Timeout for one feed request, redirects and body included. */
const FETCH_TIMEOUT_MS = 15_000
/** Largest feed body we read (bytes); real news feeds are well under 2 MB. */
const MAX_FEED_BYTES = 5 * 1024 * 1024
/** Workers platform limit: 6 simultaneous connections waiting for response headers per invocation. */
const FETCH_CONCURRENCY = 6

/** Names the bot and a contact page, as publishers ask of pollers, so they can allow-list or reach us. */
export const USER_AGENT = 'Storywatch/0.1 (+https://github.com/storywatch/storywatch; newsroom feed monitor)'

export function readSettings(env: Env): Settings {
  const base = env.PUBLIC_BASE_URL.trim()
  return {
    allowLoopback: env.ALLOW_LOOPBACK_FEEDS === 'true',
    seedDefaultFeeds: env.SEED_DEFAULT_FEEDS !== 'false',
    publicBaseUrl: base === '' ? null : base.replace(/\/+$/, ''),
    fetchTimeoutMs: FETCH_TIMEOUT_MS,
    maxFeedBytes: MAX_FEED_BYTES,
    fetchConcurrency: FETCH_CONCURRENCY,
    userAgent: USER_AGENT,
  }
}
