// Storywatch Worker entry point: HTTP API (fetch), the crons (scheduled): feed ticks and hourly email digests, and the webhook delivery queue (queue).
import { createApp } from './http/app'
import { createDeps } from './pipeline/deps'
import { runTick } from './pipeline/run-tick'
import { consumeDeliveryBatch } from './pipeline/deliver-webhooks'
import { consumeDeadFeeds, consumeFeedBatch } from './pipeline/consume-feeds'

/** Queue names (wrangler.toml): `storywatch-feeds` and its dead-letter queue `storywatch-feeds-dlq`. */
const FEED_QUEUE_PREFIX = 'storywatch-feeds'
const DEAD_LETTER_SUFFIX = '-dlq'
import { sendDigests } from './pipeline/send-digests'
import { DIGEST_CRON } from './delivery/digest-schedule'
import { DigestStore } from './delivery/digest-store'
import { createEmailSender, cronBaseUrl, readDigestSettings } from './delivery/digest-settings'
import { AlertStore } from './alerts/alert-store'
import { StoryStore } from './stories/story-store'

const app = createApp()

/** The digest cron: builds and sends the due digests, or logs why email is not configured (claiming nothing). */
async function runDigestCron(env: Env, scheduledTime: number): Promise<void> {
  const settings = readDigestSettings(env)
  // Looked up at call time so a test's fake fetch at the same boundary is the one used.
  const setup = createEmailSender(env, (input, init) => fetch(input, init))
  const baseUrl = cronBaseUrl(settings)
  if (!setup.ok || baseUrl === null) {
    console.error(setup.ok ? 'digests: PUBLIC_BASE_URL must be set to send digests (every digest links back to unsubscribe)' : setup.message)
    return
  }
  const summary = await sendDigests(
    {
      digests: new DigestStore(env.STORE),
      alerts: new AlertStore(env.STORE),
      stories: new StoryStore(env.STORE),
      sender: setup.sender,
      settings: { from: settings.from, baseUrl, apiToken: settings.apiToken },
    },
    scheduledTime,
  )
  console.log(
    `digests ${summary.at}: ${summary.due}/${summary.subscriptions} due, ${summary.sent} sent, ${summary.recorded} recorded, ` +
      `${summary.failed} failed, ${summary.unknown} unknown, ${summary.empty} empty, ${summary.alreadyClaimed} already claimed`,
  )
}

export default {
  fetch: app.fetch,
  async scheduled(controller, env): Promise<void> {
    if (controller.cron === DIGEST_CRON) return runDigestCron(env, controller.scheduledTime)
    const summary = await runTick(createDeps(env), controller.scheduledTime, controller.cron)
    console.log(
      `tick ${summary.at}: ${summary.feedsPolled}/${summary.feedsDue} feeds polled, ${summary.updated} updated, ` +
        `${summary.failed} failed, ${summary.articlesNew} new, ${summary.articlesRevised} revised, ${summary.alertsRaised} alerts`,
    )
  },
  /** Queue consumers, only invoked when the optional queues are configured (see wrangler.toml): feeds, their dead letters, webhooks. */
  async queue(batch, env): Promise<void> {
    const deps = createDeps(env)
    if (batch.queue.startsWith(FEED_QUEUE_PREFIX)) {
      if (batch.queue.endsWith(DEAD_LETTER_SUFFIX)) {
        const recorded = await consumeDeadFeeds(deps, batch, Date.now())
        console.log(`feeds: dead-letter batch of ${batch.messages.length}: ${recorded} feeds marked`)
        return
      }
      const s = await consumeFeedBatch(deps, batch, Date.now())
      console.log(`feeds: queue batch of ${s.messages}: ${s.polled} polled, ${s.acked} acked, ${s.retried} retried, ${s.newArticles} new, ${s.revisedArticles} revised`)
      return
    }
    const result = await consumeDeliveryBatch(deps, batch, Date.now())
    console.log(`webhooks: queue batch of ${batch.messages.length}: ${result.acked} acked, ${result.retried} retried`)
  },
} satisfies ExportedHandler<Env>
