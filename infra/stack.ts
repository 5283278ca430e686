import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type CfnElement, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, LogGroupLogDestination, type CfnStage, type HttpRoute, type HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DEFAULT_API_URL } from '../lib/ewelink/hosts';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from '../lib/store/schema';
import { BridgeAlarms, checkAlarmEmail } from './alarms';
import { BridgeFunction } from './bridge-function';
import { HTTP_ROUTES } from './routes';

/** The stack's settings; `infra/app.ts` fills them from CDK context (`-c name=value`). */
export interface EwelinkBridgeStackProps extends StackProps {
  /**
   * Complete ARN (with its six-character suffix) of an existing secret holding
   * `{"appId": "...", "appSecret": "..."}`. Without it the stack creates the secret.
   * The secret must use the default `aws/secretsmanager` key: the roles get no kms:Decrypt.
   */
  readonly ewelinkSecretArn?: string;
  /** The eWeLink API URL template; `{region}` becomes the eWeLink account's region (cn, as, eu, us). */
  readonly ewelinkApiUrl?: string;
  /**
   * The OAuth redirect URL registered for the eWeLink app, when it is not this API's own
   * `/ewelink/oauth/callback` as reached (a custom domain, say). Must be https: the login page
   * sends people back to nothing else.
   */
  readonly ewelinkRedirectUrl?: string;
  /** Log level of the handlers (Powertools): DEBUG, INFO, WARN or ERROR. */
  readonly logLevel?: string;
  /**
   * An e-mail address subscribed to the alarms' topic (AWS mails it a link to confirm first).
   * Without it the topic has no subscriber until one is added (the README says how).
   */
  readonly alarmEmail?: string;
  /**
   * The Alexa skill's id (`amzn1.ask.skill.<uuid>`, from the Alexa developer console). With it
   * the stack adds the Alexa function, which only that skill may invoke; without it there is
   * no Alexa function at all, since one any skill could invoke must not exist.
   */
  readonly alexaSkillId?: string;
  /**
   * Directory holding `http-api.ts`, `refresh-tokens.ts`, `reconcile-timers.ts` and `alexa.ts`. Tests point it at stub
   * handlers so they do not depend on the real ones compiling.
   *
   * @default the repository's `functions/`
   */
  readonly handlersDir?: string;
}

const HANDLERS_DIR = fileURLToPath(new URL('../functions', import.meta.url));
const SERVICE_NAME = 'ewelink-bridge';
const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'];
const LOG_RETENTION = RetentionDays.ONE_MONTH;

/** API Gateway's integration limit for HTTP APIs: past it the caller gets a 503, whatever the function does. */
export const API_INTEGRATION_LIMIT = Duration.seconds(30);
/**
 * One second inside that limit, so a request that overruns ends as the function's own timeout,
 * which its Errors metric counts and the alarm sees, not as a 503 while the function goes on.
 * test/infra/stack.test.ts sets it against the limits in lib/ (HTTP calls, socket, refresh
 * wait): a command that first refreshes its token on a new container (27 s) is the worst path.
 */
export const HTTP_FUNCTION_TIMEOUT = Duration.seconds(29);

// One leaked webhook URL must not be able to push the eWeLink account into the cloud's
// rate limits, so the whole API is capped well below what a household needs.
const API_THROTTLE = { burstLimit: 50, rateLimit: 25 };

/**
 * The webhook route is the one anybody holding a hook's URL can call, without an API key, and
 * IFTTT-style callers send a request now and then: it gets its own much lower limit, so a
 * leaked or looping hook cannot use up the stage's share.
 */
export const WEBHOOK_ROUTE_KEY = 'POST /hooks/{hookId}/{secret}';
const WEBHOOK_THROTTLE = { burstLimit: 5, rateLimit: 2 };

/**
 * One JSON line per request in the stage's access log. Never the raw path, in any form: a
 * webhook's secret is a path segment. `$context.routeKey` is the matched route's pattern
 * (`POST /hooks/{hookId}/{secret}`), which is enough to tell requests apart.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  sourceIp: '$context.identity.sourceIp',
  responseLength: '$context.responseLength',
  // API Gateway's own refusals (429 throttled, 404 no route) and Lambda invoke failures.
  error: '$context.error.message',
  integrationError: '$context.integrationErrorMessage',
};

// Item-level actions only: no Scan, no BatchWriteItem, nothing on the table itself.
// Transactions need no action of their own: IAM checks each Put/Update/Delete/ConditionCheck
// inside TransactWriteItems against PutItem/UpdateItem/DeleteItem/ConditionCheckItem. The
// assistants' OAuth server needs no more: it reads by key, queries a link's or a client's
// partition, and opens and refreshes links in transactions of puts and updates.
const HTTP_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
];
const REFRESH_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
// Directives read devices, scenes and tokens, check bearer tokens (a read by key), and claim,
// record and release message ids; ending a link (revoke) queries its partition and deletes its
// items one by one; no transactions.
const ALEXA_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];
/** Alexa waits 8 s for a skill's answer; the adapter answers within 7 s, and a run past 8 s has no one left to answer. */
export const ALEXA_FUNCTION_TIMEOUT = Duration.seconds(8);
/** The service principal Alexa Smart Home skills invoke their Lambda functions as. */
export const ALEXA_PRINCIPAL = 'alexa-connectedhome.amazon.com';
const ALEXA_SKILL_ID = /^amzn1\.ask\.skill\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// The reconcile reads the model and records pushes (and refreshes a token or the device list on the way).
const RECONCILE_TABLE_ACTIONS = REFRESH_TABLE_ACTIONS;

// A scheduled function that throws is run again twice by Lambda (its asynchronous retries);
// a run that still fails, or waited too long to start, goes to the failed-runs queue.
const LAMBDA_ASYNC_RETRIES = 2;

const COMPLETE_SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+-[A-Za-z0-9]{6}$/;

/**
 * The deployed bridge: one DynamoDB table, the eWeLink app credentials in Secrets Manager,
 * the HTTP API in front of one Lambda function, a daily schedule that refreshes the stored
 * eWeLink tokens and an hourly one that reconciles device timers. A scheduled run that fails
 * for good is kept in a queue; alarms on failures notify an SNS topic.
 *
 * @example
 * new EwelinkBridgeStack(app, 'EwelinkBridge', { logLevel: 'DEBUG' });
 */
export class EwelinkBridgeStack extends Stack {
  readonly table: dynamodb.TableV2;
  readonly secret: secretsmanager.ISecret;
  readonly httpFunction: BridgeFunction;
  readonly refreshFunction: BridgeFunction;
  readonly reconcileFunction: BridgeFunction;
  /** The Alexa skill's function; only with `alexaSkillId`. */
  readonly alexaFunction?: BridgeFunction;
  readonly reconcileSchedule: Schedule;
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /** The stage's access log: one JSON line per request (ACCESS_LOG_FIELDS). */
  readonly accessLogs: LogGroup;
  readonly refreshSchedule: Schedule;
  /** Scheduled runs that failed for good: Lambda's on-failure destination and the schedules' dead-letter queue. */
  readonly failedRuns: sqs.Queue;
  readonly alarms: BridgeAlarms;

  constructor(scope: Construct, id: string, props: EwelinkBridgeStackProps = {}) {
    super(scope, id, props);
    // Every setting is checked before anything is built: a bundle takes seconds.
    const logLevel = checkLogLevel(props.logLevel ?? 'INFO');
    const alexaSkillId = props.alexaSkillId === undefined ? undefined : checkSkillId(props.alexaSkillId);
    const redirectUrl = props.ewelinkRedirectUrl ? checkRedirectUrl(props.ewelinkRedirectUrl) : undefined;
    if (props.alarmEmail !== undefined) checkAlarmEmail(props.alarmEmail);
    const handlersDir = props.handlersDir ?? HANDLERS_DIR;

    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      sortKey: { name: SORT_KEY, type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      timeToLiveAttribute: TTL_ATTRIBUTE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Tokens, API keys, hooks and scenes outlive the stack: deleting it leaves the table,
      // and deleting the table itself (console, CLI, a replacement) is refused until this is turned off.
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });

    this.secret = props.ewelinkSecretArn
      ? importCredentialsSecret(this, props.ewelinkSecretArn)
      : createCredentialsSecret(this);

    const environment = {
      TABLE_NAME: this.table.tableName,
      EWELINK_SECRET_ARN: this.secret.secretArn,
      EWELINK_API_URL: props.ewelinkApiUrl ?? DEFAULT_API_URL,
      ...(redirectUrl ? { EWELINK_REDIRECT_URL: redirectUrl } : {}),
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      LOG_LEVEL: logLevel,
    };

    this.httpFunction = new BridgeFunction(this, 'HttpApiFunction', {
      entry: path.join(handlersDir, 'http-api.ts'),
      description: 'ewelink-bridge HTTP API: devices, control, webhooks',
      memorySize: 256,
      timeout: HTTP_FUNCTION_TIMEOUT,
      environment,
      logRetention: LOG_RETENTION,
    });
    this.refreshFunction = new BridgeFunction(this, 'RefreshTokensFunction', {
      entry: path.join(handlersDir, 'refresh-tokens.ts'),
      description: 'ewelink-bridge: refreshes stored eWeLink tokens before they expire',
      memorySize: 256,
      timeout: Duration.seconds(60),
      environment,
      logRetention: LOG_RETENTION,
    });

    this.reconcileFunction = new BridgeFunction(this, 'ReconcileTimersFunction', {
      entry: path.join(handlersDir, 'reconcile-timers.ts'),
      description: "ewelink-bridge: pushes pending timer arrays and follows DST changes",
      memorySize: 256,
      timeout: Duration.seconds(300),
      environment,
      logRetention: LOG_RETENTION,
    });

    if (alexaSkillId !== undefined) {
      this.alexaFunction = new BridgeFunction(this, 'AlexaFunction', {
        entry: path.join(handlersDir, 'alexa.ts'),
        description: 'ewelink-bridge: Alexa Smart Home skill',
        memorySize: 256,
        timeout: ALEXA_FUNCTION_TIMEOUT,
        environment,
        logRetention: LOG_RETENTION,
      });
      // The skill id as the event source token: Alexa invokes for that skill only.
      this.alexaFunction.handler.addPermission('AlexaSkillInvoke', {
        principal: new iam.ServicePrincipal(ALEXA_PRINCIPAL),
        action: 'lambda:InvokeFunction',
        eventSourceToken: alexaSkillId,
      });
      this.table.grants.actions(this.alexaFunction.role, ...ALEXA_TABLE_ACTIONS);
    }

    this.table.grants.actions(this.httpFunction.role, ...HTTP_TABLE_ACTIONS);
    this.table.grants.actions(this.refreshFunction.role, ...REFRESH_TABLE_ACTIONS);
    this.table.grants.actions(this.reconcileFunction.role, ...RECONCILE_TABLE_ACTIONS);
    for (const fn of this.functions()) allowSecretRead(fn.role, this.secret);

    this.api = new HttpApi(this, 'HttpApi', {
      apiName: SERVICE_NAME,
      description: 'ewelink-bridge: HTTPS entry point for webhooks, IFTTT and voice assistants',
      // The default stage is declared below so it can carry throttling and access logs.
      createDefaultStage: false,
    });
    this.accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: LOG_RETENTION, removalPolicy: RemovalPolicy.DESTROY });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: API_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    const integration = new HttpLambdaIntegration('HttpApiIntegration', this.httpFunction.handler, {
      // One invoke permission for this API instead of one per route; the function
      // serves nothing else, so per-route scoping would add resources, not safety.
      scopePermissionToRoute: false,
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'the function checks API keys itself (lib/access.ts); the webhook route is authorised by the secret in its URL and /openapi.json is public by design',
    });
    let webhookRoute: HttpRoute | undefined;
    for (const route of HTTP_ROUTES) {
      const [added] = this.api.addRoutes({ path: route.path, methods: [route.method], integration });
      if (`${route.method} ${route.path}` === WEBHOOK_ROUTE_KEY) webhookRoute = added;
    }
    if (!webhookRoute) throw new Error(`the router has no route ${WEBHOOK_ROUTE_KEY}, whose throttle the stack sets`);
    const cfnStage = this.stage.node.defaultChild as CfnStage;
    // HttpStage has no per-route settings of its own; the keys are CloudFormation's.
    cfnStage.routeSettings = {
      [WEBHOOK_ROUTE_KEY]: { ThrottlingBurstLimit: WEBHOOK_THROTTLE.burstLimit, ThrottlingRateLimit: WEBHOOK_THROTTLE.rateLimit },
    };
    // API Gateway refuses settings for a route it does not have yet.
    cfnStage.node.addDependency(webhookRoute);

    this.failedRuns = new sqs.Queue(this, 'FailedRuns', {
      // The longest SQS keeps anything: a failed run waits two weeks for someone to read it.
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(this.failedRuns).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'this queue is itself where failed runs end up; a person reads it, nothing consumes it, so there is nothing to redrive to',
    });

    this.refreshSchedule = this.runOnSchedule('RefreshTokensSchedule', this.refreshFunction, {
      description: 'Daily refresh of the stored eWeLink access tokens',
      rate: Duration.days(1),
      retryAttempts: 3,
      maxEventAge: Duration.hours(1),
    });

    // Hourly: a device back online gets its array within the hour, and a repeat timer's UTC
    // form is recompiled soon after each occurrence, before a DST change can move it.
    this.reconcileSchedule = this.runOnSchedule('ReconcileTimersSchedule', this.reconcileFunction, {
      description: 'Hourly reconcile of device timers with the model',
      rate: Duration.hours(1),
      retryAttempts: 2,
      maxEventAge: Duration.minutes(30),
    });

    this.alarms = new BridgeAlarms(this, 'Alarms', {
      httpFunction: this.httpFunction,
      refreshFunction: this.refreshFunction,
      failedRuns: this.failedRuns,
      logGroups: this.functions().map((fn) => fn.logGroup),
      email: props.alarmEmail,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'TableName', { value: this.table.tableName, description: 'DynamoDB table of the bridge' });
    new CfnOutput(this, 'SecretArn', {
      value: this.secret.secretArn,
      description: 'Secret holding the eWeLink app credentials {"appId","appSecret"}',
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn, description: 'SNS topic the alarms notify; subscribe to it' });
    new CfnOutput(this, 'FailedRunsQueueUrl', { value: this.failedRuns.queueUrl, description: 'Queue holding scheduled runs that failed for good' });
    if (this.alexaFunction) {
      new CfnOutput(this, 'AlexaFunctionArn', { value: this.alexaFunction.handler.functionArn, description: "The Alexa skill's default endpoint (Alexa developer console, Smart Home)" });
    }
  }

  /** Every function of the stack. */
  functions(): BridgeFunction[] {
    return [this.httpFunction, this.refreshFunction, this.reconcileFunction, ...(this.alexaFunction ? [this.alexaFunction] : [])];
  }

  /**
   * Runs `fn` at `rate`. Two kinds of failure are told apart and both end in the failed-runs
   * queue: the scheduler's retry policy only covers handing the event to Lambda (a throttled
   * or missing function), past it the event goes to the schedule's dead-letter queue; a run
   * that throws is Lambda's to retry, and past those retries it goes to the function's
   * on-failure destination.
   */
  private runOnSchedule(id: string, fn: BridgeFunction, options: { description: string; rate: Duration; retryAttempts: number; maxEventAge: Duration }): Schedule {
    fn.handler.configureAsyncInvoke({
      onFailure: new SqsDestination(this.failedRuns),
      retryAttempts: LAMBDA_ASYNC_RETRIES,
      maxEventAge: options.maxEventAge,
    });
    // The scheduler target grants invoke on the function and its versions (`<arn>:*`); the stack publishes none.
    Validations.of(this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(fn.handler.node.defaultChild as CfnElement)}.Arn>:*]`,
      reason: `the wildcard covers only the versions and aliases of ${id}'s own function`,
    });
    return new Schedule(this, id, {
      description: options.description,
      schedule: ScheduleExpression.rate(options.rate),
      target: new LambdaInvoke(fn.handler, {
        retryAttempts: options.retryAttempts,
        maxEventAge: options.maxEventAge,
        deadLetterQueue: this.failedRuns,
      }),
    });
  }
}

function checkSkillId(skillId: string): string {
  if (!ALEXA_SKILL_ID.test(skillId)) throw new Error(`alexaSkillId must be a skill id such as amzn1.ask.skill.12345678-1234-1234-1234-123456789012; got "${skillId}"`);
  return skillId;
}

function checkLogLevel(level: string): string {
  const upper = level.toUpperCase();
  if (!LOG_LEVELS.includes(upper)) {
    throw new Error(`logLevel must be one of ${LOG_LEVELS.join(', ')}; got "${level}"`);
  }
  return upper;
}

function checkRedirectUrl(url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed?.protocol !== 'https:') {
    throw new Error(`ewelinkRedirectUrl must be an https URL, exactly as registered for the eWeLink app; got "${url}"`);
  }
  return url;
}

/**
 * The credentials secret, created with a placeholder the operator overwrites after the
 * first deploy (the README carries this command):
 *
 *   aws secretsmanager put-secret-value \
 *     --secret-id "$(aws cloudformation describe-stacks --stack-name EwelinkBridge \
 *       --query "Stacks[0].Outputs[?OutputKey=='SecretArn'].OutputValue" --output text)" \
 *     --secret-string file://ewelink-app.json
 *
 * with ewelink-app.json holding {"appId": "<APPID>", "appSecret": "<APP SECRET>"} (a file
 * keeps the app secret out of the shell history).
 */
function createCredentialsSecret(scope: Construct): secretsmanager.ISecret {
  const secret = new secretsmanager.Secret(scope, 'EwelinkCredentials', {
    description: 'ewelink-bridge: eWeLink app credentials {"appId","appSecret"}; replace the placeholder after deploy',
    generateSecretString: {
      secretStringTemplate: JSON.stringify({ appId: 'REPLACE_ME' }),
      generateStringKey: 'appSecret',
      excludePunctuation: true,
    },
    // Like the table, the credentials the operator typed in outlive the stack.
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason: 'the eWeLink app id and secret are issued in the eWeLink developer console; AWS has no way to rotate them',
  });
  return secret;
}

function importCredentialsSecret(scope: Construct, arn: string): secretsmanager.ISecret {
  // A partial ARN (no suffix) would need a `-??????` wildcard in every policy; asking for
  // the complete one keeps the grant to exactly one secret.
  if (!COMPLETE_SECRET_ARN.test(arn)) {
    throw new Error(
      `ewelinkSecretArn must be the complete secret ARN, ending in the six-character suffix ` +
        `(aws secretsmanager describe-secret --secret-id NAME --query ARN); got "${arn}"`,
    );
  }
  return secretsmanager.Secret.fromSecretCompleteArn(scope, 'EwelinkCredentials', arn);
}

// Secret.grantRead would add DescribeSecret too; the handlers only read the value.
function allowSecretRead(role: iam.IRole, secret: secretsmanager.ISecret): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
  );
}
