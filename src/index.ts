// Storywatch Worker entry point: HTTP API (fetch) and the cron tick (scheduled).
import { createApp } from './http/app'
import { createDeps } from './pipeline/deps'
import { runTick } from './pipeline/run-tick'

const app = createApp()

export default {
  fetch: app.fetch,
  async scheduled(controller, env): Promise<void> {
    const summary = await runTick(createDeps(env), controller.scheduledTime, controller.cron)
    console.log(
      `tick ${summary.at}: ${summary.feedsPolled}/${summary.feedsDue} feeds polled, ${summary.updated} updated, ` +
        `${summary.failed} failed, ${summary.articlesNew} new, ${summary.articlesRevised} revised, ${summary.alertsRaised} alerts`,
    )
  },
} satisfies ExportedHandler<Env>
