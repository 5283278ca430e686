import { App, Tags } from 'aws-cdk-lib';
import { EwelinkBridgeStack } from './stack';

// The CDK app behind `npx cdk synth|deploy` (cdk.json). Settings come from context:
//   npx cdk deploy -c ewelinkSecretArn=arn:aws:secretsmanager:...:secret:name-AbCdEf
//                  -c ewelinkApiUrl=https://{region}-api.coolkit.cc:8080 -c logLevel=DEBUG
//                  -c alarmEmail=ops@example.com -c alexaSkillId=amzn1.ask.skill.<uuid>
//                  -c ewelinkRedirectUrl=https://bridge.example.com/ewelink/oauth/callback
const app = new App();

new EwelinkBridgeStack(app, 'EwelinkBridge', {
  description: 'ewelink-bridge: HTTPS webhooks, IFTTT and voice assistants to eWeLink devices',
  ewelinkSecretArn: contextString(app, 'ewelinkSecretArn'),
  ewelinkApiUrl: contextString(app, 'ewelinkApiUrl'),
  ewelinkRedirectUrl: contextString(app, 'ewelinkRedirectUrl'),
  logLevel: contextString(app, 'logLevel'),
  alarmEmail: contextString(app, 'alarmEmail'),
  alexaSkillId: contextString(app, 'alexaSkillId'),
});
Tags.of(app).add('project', 'ewelink-bridge');

function contextString(scope: App, key: string): string | undefined {
  const value: unknown = scope.node.tryGetContext(key);
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`context ${key} must be a string; got ${JSON.stringify(value)}`);
  return value;
}
