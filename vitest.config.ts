// Vitest runs every test inside workerd (the Workers runtime) with real local KV; only outbound fetch is faked.
import { cloudflareTest } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          API_TOKEN: 'test-token',
          API_READ_TOKENS: 'viewer-token-0123456789, second-viewer-token-abcdef',
          ALLOW_LOOPBACK_FEEDS: 'false',
          SEED_DEFAULT_FEEDS: 'false',
          SEED_DEFAULT_STORY: 'false',
          PUBLIC_BASE_URL: 'https://storywatch.test',
          PUBLIC_HISTORY: 'false',
          // Digests are built and recorded, not sent, unless a test chooses a provider (with a fake at the boundary).
          EMAIL_PROVIDER: 'none',
          EMAIL_FROM: 'Storywatch <digests@storywatch.test>',
          EMAIL_API_URL: 'https://email-api.test/emails',
          // Tests read each tick's summary from the heartbeat; the quiet-tick window has its own tests (tick.test.ts).
          HEARTBEAT_MINUTES: '0',
        },
      },
    }),
  ],
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
  },
})
