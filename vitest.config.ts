import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One DynamoDB Local for the whole run; each test file takes its own table.
    globalSetup: ['test/support/dynamo-global-setup.ts'],
    // Node 20 is what these machines have; the SDK's notice that later releases need Node 22 is known.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // Most test files wait on sockets, DynamoDB Local and child processes rather than compute:
    // three at once keep two cores busy (one file per core left them idle much of the run).
    maxWorkers: 3,
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
