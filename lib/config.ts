import { DEFAULT_API_URL } from './ewelink/hosts';
import { DEFAULT_TABLE_NAME } from './store/schema';

/** Everything the bridge needs to run, wherever it runs. */
export interface BridgeConfig {
  tableName: string;
  /** DynamoDB Local's URL; absent in AWS. */
  dynamoEndpoint?: string;
  appId: string;
  appSecret: string;
  /** Cloud host template with `{region}` (v1). */
  apiUrl: string;
  /** The v2 REST host template with `{region}`; default the real cloud's. */
  v2ApiUrl?: string;
  /** The v2 dispatch host template with `{region}`; default the real cloud's. */
  dispatchUrl?: string;
  /** The eWeLink OAuth 2.0 login page; default the vendor's. */
  loginPageUrl?: string;
  /**
   * The redirect URL registered for the app, exactly as registered; default: the bridge's own
   * `/ewelink/oauth/callback` at the address the caller reached it at.
   */
  oauthRedirectUrl?: string;
}

/**
 * Reads the configuration from the environment: `TABLE_NAME`, `DYNAMODB_ENDPOINT`,
 * `EWELINK_API_URL`, `EWELINK_V2_API_URL`, `EWELINK_DISPATCH_URL`, `EWELINK_LOGIN_PAGE_URL`,
 * `EWELINK_REDIRECT_URL`, and the app credentials either as `EWELINK_APP_ID` + `EWELINK_APP_SECRET`
 * or, in AWS, from the Secrets Manager secret `EWELINK_SECRET_ARN` (JSON `{appId, appSecret}`).
 */
export async function configFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<BridgeConfig> {
  const base = {
    tableName: env.TABLE_NAME || DEFAULT_TABLE_NAME,
    dynamoEndpoint: env.DYNAMODB_ENDPOINT || undefined,
    apiUrl: env.EWELINK_API_URL || DEFAULT_API_URL,
    v2ApiUrl: env.EWELINK_V2_API_URL || undefined,
    dispatchUrl: env.EWELINK_DISPATCH_URL || undefined,
    loginPageUrl: env.EWELINK_LOGIN_PAGE_URL || undefined,
    oauthRedirectUrl: env.EWELINK_REDIRECT_URL || undefined,
  };
  if (env.EWELINK_APP_ID && env.EWELINK_APP_SECRET) {
    return { ...base, appId: env.EWELINK_APP_ID, appSecret: env.EWELINK_APP_SECRET };
  }
  if (env.EWELINK_SECRET_ARN) return { ...base, ...(await appCredentialsFromSecret(env.EWELINK_SECRET_ARN)) };
  throw new Error('eWeLink app credentials missing: set EWELINK_APP_ID and EWELINK_APP_SECRET, or EWELINK_SECRET_ARN');
}

async function appCredentialsFromSecret(arn: string): Promise<{ appId: string; appSecret: string }> {
  // Loaded only in AWS, so local runs and tests never pay for the client.
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
  let parsed: unknown;
  try {
    parsed = JSON.parse(out.SecretString ?? '');
  } catch {
    parsed = undefined;
  }
  const { appId, appSecret } = (parsed ?? {}) as { appId?: unknown; appSecret?: unknown };
  if (typeof appId !== 'string' || typeof appSecret !== 'string' || !appId || !appSecret) {
    throw new Error(`secret ${arn} must hold JSON {"appId": "…", "appSecret": "…"}`);
  }
  if (appId === 'REPLACE_ME') {
    throw new Error(`secret ${arn} still holds the placeholder the stack created: put your eWeLink app id and secret in it (see the README, "Deploy")`);
  }
  return { appId, appSecret };
}
