import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

// ESM bundles have no `require`; CommonJS dependencies that call it (directly or
// through esbuild's interop shim) need one built from the module's own URL.
export const REQUIRE_SHIM =
  "import { createRequire as createBundleRequire } from 'node:module';" + 'const require = createBundleRequire(import.meta.url);';

/**
 * How every Lambda entry point is bundled, in esbuild's terms: the stack passes these to
 * NodejsFunction and `npm run bench` builds with them, so the measured bundle is the deployed one.
 */
export const LAMBDA_BUNDLE = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  mainFields: ['module', 'main'],
  banner: { js: REQUIRE_SHIM },
  minify: true,
  // keepNames would make stack traces readable but wraps every function in a naming call at
  // load, about 10 ms of each cold start; errors are logged with their messages instead.
  keepNames: false,
  sourcemap: false,
  // Read once per container, only in AWS: the runtime's own copy of this client is loaded on
  // demand instead of bundling it, which keeps its code out of every cold start.
  external: ['@aws-sdk/client-secrets-manager'],
  // In Lambda the credentials are always in the environment: the SDK's full provider chain
  // is replaced by the environment provider alone (infra/lambda-credentials.ts says why).
  // `mime-types` (pulled in by the OAuth library through `type-is`) is replaced by a stub that
  // knows no extensions: nothing in the bundle looks one up (infra/mime-types-stub.ts says why).
  alias: {
    '@aws-sdk/credential-provider-node': fileURLToPath(new URL('./lambda-credentials.ts', import.meta.url)),
    'mime-types': fileURLToPath(new URL('./mime-types-stub.ts', import.meta.url)),
  },
} satisfies BuildOptions;
