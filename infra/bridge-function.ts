import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LAMBDA_BUNDLE } from './bundling';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Properties of {@link BridgeFunction}. */
export interface BridgeFunctionProps {
  /** Absolute path of the handler module; it must export `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly environment: Record<string, string>;
  /** How long CloudWatch keeps the function's logs. */
  readonly logRetention: logs.RetentionDays;
}

/**
 * A Lambda function of the bridge: one `functions/*.ts` entry point bundled by the local
 * esbuild (no Docker), Node.js 22 on arm64, ESM, with its own log group and a role that
 * can write to that log group and nothing else until the stack grants more.
 *
 * @example
 * const refresh = new BridgeFunction(this, 'RefreshTokens', {
 *   entry: '/repo/functions/refresh-tokens.ts', description: 'Refreshes eWeLink tokens',
 *   timeout: Duration.seconds(60), memorySize: 256, environment, logRetention: RetentionDays.ONE_MONTH,
 * });
 * table.grants.actions(refresh.role, 'dynamodb:GetItem');
 */
export class BridgeFunction extends Construct {
  readonly handler: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: BridgeFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // An explicit role instead of AWSLambdaBasicExecutionRole, whose log actions apply
    // to every log group in the account.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.description}`,
    });
    this.logGroup.grantWrite(this.role);

    this.handler = new NodejsFunction(this, 'Handler', {
      entry: props.entry,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: fileURLToPath(new URL('../package-lock.json', import.meta.url)),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      environment: props.environment,
      role: this.role,
      logGroup: this.logGroup,
      bundling: {
        format: OutputFormat.ESM,
        target: LAMBDA_BUNDLE.target,
        mainFields: LAMBDA_BUNDLE.mainFields,
        banner: LAMBDA_BUNDLE.banner.js,
        minify: LAMBDA_BUNDLE.minify,
        keepNames: LAMBDA_BUNDLE.keepNames,
        sourceMap: LAMBDA_BUNDLE.sourcemap,
        // The bundle carries the SDK v3 clients pinned in package-lock.json, so the code
        // tested locally is the code that runs (the one exception is in LAMBDA_BUNDLE.external).
        bundleAwsSDK: true,
        externalModules: LAMBDA_BUNDLE.external,
        esbuildArgs: Object.fromEntries(Object.entries(LAMBDA_BUNDLE.alias).map(([from, to]) => [`--alias:${from}`, to])),
        forceDockerBundling: false,
      },
    });
    Validations.of(this.handler).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Node.js 22 is the runtime the bundles target (infra/bundling.ts) and the cold-start bench measures; moving on is a change of its own',
    });
  }
}
