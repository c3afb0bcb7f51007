import { cloudflareTest } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'
import base from '../vitest.config'
export default defineConfig({
  root: '/work/main',
  plugins: base.plugins,
  test: { include: ['.hunt/**/*.test.ts'] },
})
void cloudflareTest
