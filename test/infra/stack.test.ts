import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { App, type CfnElement, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALEXA_FUNCTION_TIMEOUT, ALEXA_PRINCIPAL, API_INTEGRATION_LIMIT, EwelinkBridgeStack } from '../../infra/stack';
import { ALEXA_DEADLINE_MS } from '../../lib/adapters/alexa/answer';
import { REFRESH_WAIT_MS } from '../../lib/accounts/token-keeper';
import { SOCKET_CONNECT_TIMEOUT_MS, SOCKET_REQUEST_TIMEOUT_MS } from '../../lib/ewelink/command';
import { DEFAULT_API_URL } from '../../lib/ewelink/hosts';
import { HTTP_TIMEOUT_MS } from '../../lib/ewelink/http';
import { SHARE_WAIT_MS } from '../../lib/sharing/sharing';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from '../../lib/store/schema';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HANDLERS_DIR = fileURLToPath(new URL('./handlers', import.meta.url));
// The feature flags the CLI applies from cdk.json, so the tests synthesise what deploys.
const CDK_CONTEXT = (JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> })
  .context;
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ewelink-app-AbC123';
const REDIRECT_URL = 'https://bridge.example.com/ewelink/oauth/callback';

const EXPECTED_ROUTES = [
  'GET /devices',
  'GET /devices/{id}',
  'POST /devices/{id}/control',
  'POST /devices',
  'POST /devices/gsm',
  'PATCH /devices/{id}',
  'DELETE /devices/{id}',
  'PUT /devices/{id}/channels',
  'GET /devices/{id}/history',
  'POST /devices/{id}/shares',
  'PATCH /devices/{id}/shares/{uid}',
  'DELETE /devices/{id}/shares/{uid}',
  'GET /groups',
  'POST /groups',
  'PATCH /groups/{groupId}',
  'DELETE /groups/{groupId}',
  'POST /groups/{groupId}/devices',
  'DELETE /groups/{groupId}/devices/{id}',
  'GET /devices/{id}/timers',
  'POST /devices/{id}/timers',
  'PUT /devices/{id}/timers/{timerId}',
  'DELETE /devices/{id}/timers/{timerId}',
  'GET /scenes',
  'POST /scenes',
  'GET /scenes/{sceneId}',
  'PUT /scenes/{sceneId}',
  'DELETE /scenes/{sceneId}',
  'POST /scenes/{sceneId}/run',
  'POST /hooks',
  'GET /hooks',
  'PATCH /hooks/{hookId}',
  'DELETE /hooks/{hookId}',
  'PUT /hooks/{hookId}/secret',
  'POST /hooks/{hookId}/{secret}',
  'GET /keys',
  'POST /keys',
  'DELETE /keys/{keyId}',
  'GET /ewelink/oauth/start',
  'GET /ewelink/oauth/callback',
  'POST /google/fulfillment',
  'GET /oauth/authorize',
  'POST /oauth/authorize',
  'POST /oauth/token',
  'GET /openapi.json',
];
const ENV_VARS = ['TABLE_NAME', 'EWELINK_SECRET_ARN', 'EWELINK_API_URL', 'POWERTOOLS_SERVICE_NAME', 'LOG_LEVEL'];

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}
interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}

const outdirs: string[] = [];

/**
 * Synthesises the stack with the stub handlers. Only the main synthesis bundles; the
 * others skip esbuild (an empty `aws:cdk:bundling-stacks`, as `cdk synth --exclusively`
 * does) since they look at settings, not code. The built-in CloudFormation schema
 * validation is left to `npm run synth`, where it fails the build; here it would cost
 * about ten seconds of loading rules.
 */
function synthesise(props: ConstructorParameters<typeof EwelinkBridgeStack>[2] = {}, { bundle = false } = {}) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'ewelink-bridge-cdk-'));
  outdirs.push(outdir);
  const context = bundle ? CDK_CONTEXT : { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] };
  const app = new App({ outdir, context, builtinCloudFormationValidation: false });
  const stack = new EwelinkBridgeStack(app, 'EwelinkBridge', { handlersDir: HANDLERS_DIR, ...props });
  return { outdir, stack, template: Template.fromStack(stack) };
}

function logicalId(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

function resourcesOf(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/** Every statement of the AWS::IAM::Policy resources attached to a role. */
function statementsOfRole(template: Template, roleId: string): Statement[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Resource[];
  return policies
    .filter((policy) => (policy.Properties.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId })))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

function allStatements(template: Template): Statement[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Resource[];
  return policies.flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

function serviceActions(statements: Statement[], service: string): string[] {
  return statements.flatMap(actionsOf).filter((action) => action.startsWith(`${service}:`));
}

describe('EwelinkBridgeStack', () => {
  let stack: EwelinkBridgeStack;
  let template: Template;
  let outdir: string;
  let httpFunctionId: string;
  let refreshFunctionId: string;
  let reconcileFunctionId: string;

  beforeAll(() => {
    // Prepare: one synthesis (with esbuild bundling of the stub handlers) for the file
    ({ stack, template, outdir } = synthesise({}, { bundle: true }));
    httpFunctionId = logicalId(stack, stack.httpFunction.handler);
    refreshFunctionId = logicalId(stack, stack.refreshFunction.handler);
    reconcileFunctionId = logicalId(stack, stack.reconcileFunction.handler);
  }, 120_000);

  afterAll(() => {
    for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
  });

  describe('table', () => {
    it('is one on-demand table keyed pk/sk with TTL and point-in-time recovery, kept on delete and protected from deletion', () => {
      // Assess
      template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
      template.hasResource('AWS::DynamoDB::GlobalTable', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: [
            { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
            { AttributeName: SORT_KEY, KeyType: 'RANGE' },
          ],
          AttributeDefinitions: Match.arrayWith([
            { AttributeName: PARTITION_KEY, AttributeType: 'S' },
            { AttributeName: SORT_KEY, AttributeType: 'S' },
          ]),
          TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
          Replicas: [
            Match.objectLike({
              PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
              DeletionProtectionEnabled: true,
            }),
          ],
        },
      });
    });
  });

  describe('functions', () => {
    it('are Node.js 22 arm64 functions with the bridge environment', () => {
      // Assess
      template.resourceCountIs('AWS::Lambda::Function', 3);
      for (const [id, timeout] of [
        [httpFunctionId, 29],
        [refreshFunctionId, 60],
        [reconcileFunctionId, 300],
      ] as const) {
        const fn = template.findResources('AWS::Lambda::Function')[id] as Resource;
        expect(fn.Properties).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          MemorySize: 256,
          Timeout: timeout,
        });
        const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
        expect(Object.keys(env).sort()).toEqual([...ENV_VARS].sort());
        expect(env).toMatchObject({
          EWELINK_API_URL: DEFAULT_API_URL,
          POWERTOOLS_SERVICE_NAME: 'ewelink-bridge',
          LOG_LEVEL: 'INFO',
        });
      }
    });

    it('log to their own log groups kept for a month', () => {
      // Assess: one per function, and the stage's access log
      template.resourceCountIs('AWS::Logs::LogGroup', 4);
      template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
      template.hasResourceProperties('AWS::Lambda::Function', {
        LoggingConfig: { LogGroup: { Ref: logicalId(stack, stack.httpFunction.logGroup) } },
      });
    });

    it('are bundled ESM with the AWS SDK inside and a working require', async () => {
      // Prepare
      const fn = template.findResources('AWS::Lambda::Function')[httpFunctionId] as Resource;
      const key = (fn.Properties.Code as { S3Key: string }).S3Key;
      const bundle = path.join(outdir, `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs');

      // Act
      const source = readFileSync(bundle, 'utf8');
      // The bundled SDK warns that it will drop Node 20 (the test's Node; Lambda runs 22).
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
      const { handler } = (await import(pathToFileURL(bundle).href)) as { handler: () => Promise<{ body: string }> };

      // Assess
      expect(source).toContain('createRequire');
      expect(source).not.toMatch(/from\s*["']@aws-sdk\//);
      expect((await handler()).body).toBe('function');
    });
  });

  /**
   * What the HTTP function may have to wait for, step by step, each step at the limit the code
   * gives it (lib/ewelink, lib/accounts). The worst case of a path is every step running right up
   * to its limit and then failing over to the next. Left out, for want of a limit in the code:
   * DynamoDB and Secrets Manager calls, undici's connect time under the HTTP limit, and a second
   * attempt after the cloud refuses a token (the whole path again).
   */
  describe('HTTP function time budget', () => {
    const STEP_MS = {
      // An expired token: one signed GET /api/user/refresh, or the wait for another container's.
      inlineRefresh: Math.max(HTTP_TIMEOUT_MS, REFRESH_WAIT_MS),
      // POST /dispatch/app, unless this container asked within the last ten minutes.
      dispatch: HTTP_TIMEOUT_MS,
      // CloudSocket.open: the upgrade and the userOnline handshake share the connect limit.
      socketOpen: SOCKET_CONNECT_TIMEOUT_MS,
      // The update, unanswered: the session is given up.
      socketRequest: SOCKET_REQUEST_TIMEOUT_MS,
      // The same params over POST /api/user/device/status.
      httpFallback: HTTP_TIMEOUT_MS,
      // A share waits on a person (lib/sharing).
      shareWait: SHARE_WAIT_MS,
    };
    const total = (...steps: (keyof typeof STEP_MS)[]) => steps.reduce((sum, step) => sum + STEP_MS[step], 0);
    const WARM_COMMAND = total('socketOpen', 'socketRequest', 'httpFallback');
    const WARM_SHARE = total('socketOpen', 'shareWait');
    const COLD_COMMAND_WITH_REFRESH = total('inlineRefresh', 'dispatch', 'socketOpen', 'socketRequest', 'httpFallback');
    let timeoutMs: number;
    beforeAll(() => {
      timeoutMs = ((template.findResources('AWS::Lambda::Function')[httpFunctionId] as Resource).Properties.Timeout as number) * 1000;
    });

    it('ends one second inside API Gateway\'s 30 s, so an overrun is the function\'s own timeout, counted in Errors', () => {
      // Assess
      expect(timeoutMs).toBe(API_INTEGRATION_LIMIT.toMilliseconds() - 1000);
    });

    it(`covers a command on a warm container: socket opened but silent, then the HTTP fallback (${WARM_COMMAND / 1000} s)`, () => {
      // Assess
      expect(timeoutMs).toBeGreaterThanOrEqual(WARM_COMMAND);
    });

    it(`covers a share on a warm container: socket opened, then the wait for the receiver (${WARM_SHARE / 1000} s)`, () => {
      // Assess
      expect(timeoutMs).toBeGreaterThanOrEqual(WARM_SHARE);
    });

    it(`covers a command that first refreshes its token, on a new container: refresh, dispatch, socket opened but silent, HTTP fallback (${COLD_COMMAND_WITH_REFRESH / 1000} s)`, () => {
      // Assess
      expect(timeoutMs).toBeGreaterThanOrEqual(COLD_COMMAND_WITH_REFRESH);
    });
  });

  describe('HTTP API', () => {
    it('routes every endpoint to the HTTP function through one proxy integration (payload 2.0)', () => {
      // Prepare
      const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as Resource[];
      const integrations = template.findResources('AWS::ApiGatewayV2::Integration');
      const integrationIds = Object.keys(integrations);

      // Assess
      expect(routes.map((route) => route.Properties.RouteKey).sort()).toEqual([...EXPECTED_ROUTES].sort());
      expect(integrationIds).toHaveLength(1);
      expect((integrations[integrationIds[0]!] as Resource).Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [httpFunctionId, 'Arn'] },
      });
      for (const route of routes) {
        expect(route.Properties.Target).toEqual({ 'Fn::Join': ['', ['integrations/', { Ref: integrationIds[0] }]] });
      }
    });

    it('lets only this API invoke the HTTP function', () => {
      // Assess
      template.resourceCountIs('AWS::Lambda::Permission', 1);
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        FunctionName: { 'Fn::GetAtt': [httpFunctionId, 'Arn'] },
        SourceArn: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([{ Ref: logicalId(stack, stack.api) }, '/*/*/*'])] }),
      });
    });

    it('logs each request as one JSON line with route, status, latency and source IP, and never the raw path', () => {
      // Prepare
      const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0] as Resource;
      const settings = stage.Properties.AccessLogSettings as { DestinationArn: unknown; Format: string };

      // Act
      const line = JSON.parse(settings.Format) as Record<string, string>;
      const variables = settings.Format.match(/\$[\w.]+/g) ?? [];

      // Assess: a webhook's secret is a path segment, so no variable may carry the path
      expect(settings.DestinationArn).toEqual({ 'Fn::GetAtt': [logicalId(stack, stack.accessLogs), 'Arn'] });
      expect(line).toMatchObject({
        requestId: '$context.requestId',
        routeKey: '$context.routeKey',
        status: '$context.status',
        latencyMs: '$context.responseLatency',
        sourceIp: '$context.identity.sourceIp',
      });
      expect(variables.length).toBeGreaterThanOrEqual(Object.keys(line).length);
      for (const variable of variables) {
        expect(variable).toMatch(/^\$context\./);
        expect(variable.toLowerCase()).not.toContain('path');
      }
    });

    it('throttles the default stage', () => {
      // Assess
      template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingBurstLimit: 50, ThrottlingRateLimit: 25 },
      });
    });

    it('gives the webhook route, callable by anyone holding its URL, its own lower limit (2/s, burst 5)', () => {
      // Prepare
      const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0] as Resource & { DependsOn?: string[] };
      const [hookRouteId] = Object.entries(template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: 'POST /hooks/{hookId}/{secret}' } }))[0]!;

      // Assess: settings name a route API Gateway must already have, so the stage waits for it
      expect(stage.Properties.RouteSettings).toEqual({ 'POST /hooks/{hookId}/{secret}': { ThrottlingBurstLimit: 5, ThrottlingRateLimit: 2 } });
      expect(stage.DependsOn).toContain(hookRouteId);
    });
  });

  describe('schedules', () => {
    function scheduleOf(functionId: string): Resource {
      return Object.values(template.findResources('AWS::Scheduler::Schedule')).find((r) => JSON.stringify(r).includes(functionId)) as Resource;
    }

    it('invoke the refresh function daily and the reconcile hourly, with retries', () => {
      // Assess
      template.resourceCountIs('AWS::Scheduler::Schedule', 2);
      expect(scheduleOf(refreshFunctionId).Properties).toMatchObject({
        ScheduleExpression: 'rate(1 day)',
        State: 'ENABLED',
        Target: { Arn: { 'Fn::GetAtt': [refreshFunctionId, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 } },
      });
      expect(scheduleOf(reconcileFunctionId).Properties).toMatchObject({
        ScheduleExpression: 'rate(1 hour)',
        State: 'ENABLED',
        Target: { Arn: { 'Fn::GetAtt': [reconcileFunctionId, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 1800 } },
      });
    });

    it('park an event the scheduler could not hand to Lambda in the failed-runs queue (their retry policy stops there)', () => {
      // Prepare
      const queueArn = { 'Fn::GetAtt': [logicalId(stack, stack.failedRuns), 'Arn'] };
      for (const functionId of [refreshFunctionId, reconcileFunctionId]) {
        // Act
        const target = scheduleOf(functionId).Properties.Target as { DeadLetterConfig?: unknown };
        // Assess
        expect(target.DeadLetterConfig).toEqual({ Arn: queueArn });
      }
    });

    it('send a run that still throws after Lambda retried it twice to the same queue', () => {
      // Prepare
      const queueArn = { 'Fn::GetAtt': [logicalId(stack, stack.failedRuns), 'Arn'] };
      const configs = Object.values(template.findResources('AWS::Lambda::EventInvokeConfig')) as Resource[];

      // Assess: one for each scheduled function, none for the HTTP function (API Gateway calls it synchronously)
      expect(configs).toHaveLength(2);
      expect(configs.map((c) => c.Properties.FunctionName)).toEqual(expect.arrayContaining([{ Ref: refreshFunctionId }, { Ref: reconcileFunctionId }]));
      for (const config of configs) {
        expect(config.Properties).toMatchObject({ MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: queueArn } } });
      }
    });

    it('keep failed runs two weeks, encrypted, reachable over TLS only', () => {
      // Assess
      template.resourceCountIs('AWS::SQS::Queue', 1);
      template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 14 * 86_400, SqsManagedSseEnabled: true });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    });

    it('use roles that can only invoke their own function and send to the failed-runs queue', () => {
      for (const [functionId, otherIds] of [
        [refreshFunctionId, [httpFunctionId, reconcileFunctionId]],
        [reconcileFunctionId, [httpFunctionId, refreshFunctionId]],
      ] as const) {
        // Prepare
        const roleArn = (scheduleOf(functionId).Properties.Target as { RoleArn: { 'Fn::GetAtt': [string, string] } }).RoleArn;

        // Act
        const statements = statementsOfRole(template, roleArn['Fn::GetAtt'][0]);

        // Assess
        expect(statements.flatMap(actionsOf).sort()).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
        for (const statement of statements) {
          const resources = JSON.stringify(resourcesOf(statement));
          if (actionsOf(statement).includes('sqs:SendMessage')) expect(resourcesOf(statement)).toEqual([{ 'Fn::GetAtt': [logicalId(stack, stack.failedRuns), 'Arn'] }]);
          else expect(resources).toContain(functionId);
          for (const other of otherIds) expect(resources).not.toContain(other);
        }
      }
    });
  });

  describe('alarms', () => {
    function alarmOn(namespace: string, metricName: string): Resource {
      const found = (Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[]).filter(
        (alarm) => alarm.Properties.Namespace === namespace && alarm.Properties.MetricName === metricName,
      );
      expect(found).toHaveLength(1);
      return found[0]!;
    }

    function alarmOnFunction(functionId: string): Resource {
      const dimensions = [{ Name: 'FunctionName', Value: { Ref: functionId } }];
      const found = (Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[]).filter(
        (alarm) => JSON.stringify(alarm.Properties.Dimensions) === JSON.stringify(dimensions),
      );
      expect(found).toHaveLength(1);
      return found[0]!;
    }

    /** Fires on the first occurrence in five minutes, notifies the topic, and counts no data as nothing wrong. */
    function expectFirstOccurrenceAlarm(alarm: Resource, statistic: string) {
      expect(alarm.Properties).toMatchObject({
        Statistic: statistic,
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: logicalId(stack, stack.alarms.topic) }],
      });
    }

    it('notify one SNS topic that takes TLS only and lets this account\'s CloudWatch alarms publish', () => {
      // Prepare
      const topicRef = { Ref: logicalId(stack, stack.alarms.topic) };

      // Assess
      template.resourceCountIs('AWS::SNS::Topic', 1);
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [topicRef],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({
              Effect: 'Allow',
              Action: 'sns:Publish',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
            }),
          ]),
        },
      });
    });

    it('fire on the first error of the refresh function, and of the HTTP function (whose Errors count its timeouts too)', () => {
      for (const functionId of [refreshFunctionId, httpFunctionId]) {
        // Act
        const alarm = alarmOnFunction(functionId);

        // Assess
        expect(alarm.Properties).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors' });
        expectFirstOccurrenceAlarm(alarm, 'Sum');
      }
    });

    it('fire while a failed run waits in the queue, and say so again once it is empty', () => {
      // Act
      const alarm = alarmOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible');

      // Assess
      expectFirstOccurrenceAlarm(alarm, 'Maximum');
      expect(alarm.Properties.Dimensions).toEqual([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack, stack.failedRuns), 'QueueName'] } }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: logicalId(stack, stack.alarms.topic) }]);
    });

    it('fire on the first error-level line logged by any function', () => {
      // Prepare
      const filters = Object.values(template.findResources('AWS::Logs::MetricFilter')) as Resource[];
      const functionLogs = [stack.httpFunction, stack.refreshFunction, stack.reconcileFunction].map((fn) => ({ Ref: logicalId(stack, fn.logGroup) }));

      // Act
      const alarm = alarmOn(stack.alarms.errorLogMetric.namespace, 'ErrorLogLines');

      // Assess: Powertools writes JSON lines with "level"; each function's log group feeds the one metric
      expect(filters.map((f) => f.Properties.LogGroupName)).toEqual(expect.arrayContaining(functionLogs));
      expect(filters).toHaveLength(3);
      for (const filter of filters) {
        expect(filter.Properties).toMatchObject({
          FilterPattern: '{ ($.level = "ERROR") || ($.level = "CRITICAL") }',
          MetricTransformations: [{ MetricNamespace: stack.alarms.errorLogMetric.namespace, MetricName: 'ErrorLogLines', MetricValue: '1' }],
        });
      }
      expectFirstOccurrenceAlarm(alarm, 'Sum');
    });

    it('are these four and leave the stage\'s 5xx count alone (an offline device answers 504 by design)', () => {
      // Prepare
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];

      // Assess
      expect(alarms).toHaveLength(4);
      expect(alarms.map((a) => a.Properties.Namespace)).not.toContain('AWS/ApiGateway');
    });
  });

  describe('IAM', () => {
    it('grants no wildcard action, and no wildcard resource for DynamoDB or Secrets Manager', () => {
      // Assess
      for (const statement of allStatements(template)) {
        const actions = actionsOf(statement);
        expect(actions.some((action) => action === '*' || action.endsWith(':*'))).toBe(false);
        if (actions.some((action) => action.startsWith('dynamodb:') || action.startsWith('secretsmanager:'))) {
          expect(resourcesOf(statement)).not.toContain('*');
        }
      }
    });

    it('attaches no managed or inline role policies, so every grant is in a checked policy', () => {
      // Assess
      for (const role of Object.values(template.findResources('AWS::IAM::Role')) as Resource[]) {
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
        expect(role.Properties.Policies).toBeUndefined();
      }
    });

    it('lets the HTTP function use items of this table, and nothing else of DynamoDB', () => {
      // Act
      const statements = statementsOfRole(template, logicalId(stack, stack.httpFunction.role));

      // Assess
      expect(serviceActions(statements, 'dynamodb').sort()).toEqual(
        [
          'dynamodb:ConditionCheckItem',
          'dynamodb:DeleteItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
          'dynamodb:UpdateItem',
        ].sort(),
      );
      expect(serviceActions(statements, 'dynamodb')).not.toContain('dynamodb:Scan');
      expect(serviceActions(statements, 'dynamodb')).not.toContain('dynamodb:DeleteTable');
      const tableArn = { 'Fn::GetAtt': [logicalId(stack, stack.table), 'Arn'] };
      for (const statement of statements.filter((s) => serviceActions([s], 'dynamodb').length > 0)) {
        expect(resourcesOf(statement)).toEqual([tableArn]);
      }
    });

    it('lets the refresh function read and write items of this table only', () => {
      // Act
      const statements = statementsOfRole(template, logicalId(stack, stack.refreshFunction.role));

      // Assess
      expect(serviceActions(statements, 'dynamodb').sort()).toEqual(
        ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'].sort(),
      );
    });

    it('lets both functions read the one secret, and nothing else of Secrets Manager', () => {
      // Prepare
      const secretRef = { Ref: logicalId(stack, stack.secret) };

      for (const fn of [stack.httpFunction, stack.refreshFunction]) {
        // Act
        const statements = statementsOfRole(template, logicalId(stack, fn.role)).filter(
          (s) => serviceActions([s], 'secretsmanager').length > 0,
        );

        // Assess
        expect(statements).toHaveLength(1);
        expect(actionsOf(statements[0]!)).toEqual(['secretsmanager:GetSecretValue']);
        expect(resourcesOf(statements[0]!)).toEqual([secretRef]);
      }
    });
  });

  describe('secret', () => {
    it('is created with a placeholder and kept when the stack goes', () => {
      // Assess
      template.resourceCountIs('AWS::SecretsManager::Secret', 1);
      template.hasResource('AWS::SecretsManager::Secret', {
        DeletionPolicy: 'Retain',
        Properties: {
          GenerateSecretString: Match.objectLike({
            SecretStringTemplate: JSON.stringify({ appId: 'REPLACE_ME' }),
            GenerateStringKey: 'appSecret',
          }),
        },
      });
    });
  });

  describe('outputs', () => {
    it('give the API URL, the table name, the secret ARN, the alarm topic and the failed-runs queue', () => {
      // Assess
      const outputs = template.findOutputs('*');
      expect(Object.keys(outputs).sort()).toEqual(['AlarmTopicArn', 'ApiUrl', 'FailedRunsQueueUrl', 'SecretArn', 'TableName']);
    });
  });

  describe('Alexa function', () => {
    const SKILL_ID = 'amzn1.ask.skill.12345678-1234-1234-1234-123456789012';
    let alexa: { stack: EwelinkBridgeStack; template: Template };
    beforeAll(() => {
      alexa = synthesise({ alexaSkillId: SKILL_ID });
    });

    it('is there only with a skill id, its ARN an output to paste into the skill', () => {
      expect(stack.alexaFunction).toBeUndefined();
      alexa.template.resourceCountIs('AWS::Lambda::Function', 4);
      expect(alexa.template.findOutputs('AlexaFunctionArn').AlexaFunctionArn?.Value).toEqual({ 'Fn::GetAtt': [logicalId(alexa.stack, alexa.stack.alexaFunction!.handler), 'Arn'] });
    });

    it('answers within Alexa\'s 8 s: the adapter bounds a directive\'s domain work, the function ends at Alexa\'s wait', () => {
      // Prepare
      const fn = alexa.template.findResources('AWS::Lambda::Function')[logicalId(alexa.stack, alexa.stack.alexaFunction!.handler)] as Resource;

      // Assess
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Timeout: 8 });
      expect(ALEXA_DEADLINE_MS).toBeLessThanOrEqual(6_000);
      expect(ALEXA_FUNCTION_TIMEOUT.toSeconds()).toBe(8);
    });

    it('may be invoked by Alexa for that skill only', () => {
      // Assess
      const permissions = Object.values(alexa.template.findResources('AWS::Lambda::Permission')) as Resource[];
      const forAlexa = permissions.filter((p) => p.Properties.Principal === ALEXA_PRINCIPAL);
      expect(forAlexa).toHaveLength(1);
      expect(forAlexa[0]!.Properties).toMatchObject({
        Action: 'lambda:InvokeFunction',
        EventSourceToken: SKILL_ID,
        FunctionName: { 'Fn::GetAtt': [logicalId(alexa.stack, alexa.stack.alexaFunction!.handler), 'Arn'] },
      });
    });

    it('uses items of this table (no transactions) and reads the one secret', () => {
      // Act
      const statements = statementsOfRole(alexa.template, logicalId(alexa.stack, alexa.stack.alexaFunction!.role));

      // Assess
      expect(serviceActions(statements, 'dynamodb').sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
      const tableArn = { 'Fn::GetAtt': [logicalId(alexa.stack, alexa.stack.table), 'Arn'] };
      for (const statement of statements.filter((s) => serviceActions([s], 'dynamodb').length > 0)) expect(resourcesOf(statement)).toEqual([tableArn]);
      expect(serviceActions(statements, 'secretsmanager')).toEqual(['secretsmanager:GetSecretValue']);
    });

    it('feeds its error lines to the error-log alarm', () => {
      const filters = Object.values(alexa.template.findResources('AWS::Logs::MetricFilter')) as Resource[];
      expect(filters.map((f) => f.Properties.LogGroupName)).toContainEqual({ Ref: logicalId(alexa.stack, alexa.stack.alexaFunction!.logGroup) });
    });

    it('refuses a malformed skill id', () => {
      const outdir = mkdtempSync(path.join(tmpdir(), 'ewelink-bridge-cdk-'));
      outdirs.push(outdir);
      const app = new App({ outdir, context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
      expect(() => new EwelinkBridgeStack(app, 'BadSkill', { alexaSkillId: 'my-skill' })).toThrow(/alexaSkillId/);
    });
  });

  describe('settings', () => {
    it('use an existing secret given by its complete ARN, and create none; pass a registered redirect URL on', () => {
      // Act
      const imported = synthesise({ ewelinkSecretArn: SECRET_ARN, logLevel: 'debug', ewelinkRedirectUrl: REDIRECT_URL }).template;

      // Assess
      imported.resourceCountIs('AWS::SecretsManager::Secret', 0);
      imported.allResourcesProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ EWELINK_SECRET_ARN: SECRET_ARN, LOG_LEVEL: 'DEBUG', EWELINK_REDIRECT_URL: REDIRECT_URL }) },
      });
      const secretStatements = allStatements(imported).filter((s) => serviceActions([s], 'secretsmanager').length > 0);
      expect(secretStatements.flatMap(resourcesOf)).toEqual([SECRET_ARN, SECRET_ARN, SECRET_ARN]);
    });

    it('subscribe the alarm e-mail given at deploy time, and nobody without one', () => {
      // Act
      const subscribed = synthesise({ alarmEmail: 'ops@example.com' }).template;

      // Assess
      subscribed.resourceCountIs('AWS::SNS::Subscription', 1);
      subscribed.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
      template.resourceCountIs('AWS::SNS::Subscription', 0);
    });

    it('reject a partial secret ARN, an unknown log level, a malformed alarm e-mail and a redirect URL that is not https before synthesising anything', () => {
      // Prepare
      const outdir = mkdtempSync(path.join(tmpdir(), 'ewelink-bridge-cdk-'));
      outdirs.push(outdir);
      const app = new App({ outdir, context: CDK_CONTEXT });

      // Act / Assess
      expect(
        () => new EwelinkBridgeStack(app, 'PartialArn', { ewelinkSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ewelink' }),
      ).toThrow(/complete secret ARN/);
      expect(() => new EwelinkBridgeStack(app, 'BadLevel', { logLevel: 'LOUD' })).toThrow(/logLevel/);
      expect(() => new EwelinkBridgeStack(app, 'BadEmail', { alarmEmail: 'ops at example' })).toThrow(/alarmEmail/);
      expect(() => new EwelinkBridgeStack(app, 'PlainRedirect', { ewelinkRedirectUrl: 'http://bridge.example.com/cb' })).toThrow(/ewelinkRedirectUrl/);
      expect(() => new EwelinkBridgeStack(app, 'NoRedirect', { ewelinkRedirectUrl: 'bridge.example.com/cb' })).toThrow(/ewelinkRedirectUrl/);
    });
  });
});
