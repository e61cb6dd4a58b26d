// The Orderflow stack of one stage. It only composes the constructs, one per concern: storage, secrets,
// notifications, API, functions, workflows, observability. Everything stage-specific comes in through the config.
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StageConfig } from './config';
import { Api } from './constructs/api';
import { Notifications } from './constructs/notifications';
import { Observability } from './constructs/observability';
import { OrderFunctions } from './constructs/order-functions';
import { Schedules } from './constructs/schedules';
import { Secrets } from './constructs/secrets';
import { Storage } from './constructs/storage';
import { StreamConsumers } from './constructs/stream-consumers';
import { stateMachineArn, Workflows } from './constructs/workflows';
import { functionCatalog, type FunctionSpec } from '../catalog/functions';
import { projectPath } from '../catalog/paths';
import { tableSpecs } from '../catalog/tables';
import {
  loadWorkflowDefinitions,
  ORDER_WORKFLOW_ID,
  RETURN_WORKFLOW_ID,
  type WorkflowDefinition,
} from '../catalog/workflows';

export interface OrderflowStackProps extends StackProps {
  config: StageConfig;
  /** Defaults to the project's function catalog. */
  catalog?: readonly FunctionSpec[];
  /** Defaults to every statemachines/*.asl.json. */
  workflows?: readonly WorkflowDefinition[];
}

export class OrderflowStack extends Stack {
  readonly api: Api;
  readonly functions: OrderFunctions;
  readonly workflows: Workflows;

  constructor(scope: Construct, id: string, props: OrderflowStackProps) {
    super(scope, id, props);
    const { config } = props;
    const catalog = props.catalog ?? functionCatalog;
    const definitions = props.workflows ?? loadWorkflowDefinitions(projectPath('statemachines'), catalog);
    if (!definitions.some((definition) => definition.id === ORDER_WORKFLOW_ID)) {
      throw new Error(`statemachines/: the order workflow (${ORDER_WORKFLOW_ID}) is missing`);
    }
    const logRetention = config.logRetentionDays;

    const storage = new Storage(this, 'Storage', {
      specs: tableSpecs,
      retain: config.data.retain,
      pointInTimeRecovery: config.data.pointInTimeRecovery,
      deletionProtection: config.data.deletionProtection,
    });
    const secrets = new Secrets(this, 'Secrets', {
      stage: config.stage,
      providers: config.providers,
      retain: config.data.retain,
    });
    const notifications = new Notifications(this, 'Notifications', {
      stage: config.stage,
      opsAlertEmail: config.opsAlertEmail,
      sender: config.email.sender,
      senderIdentity: config.email.identity,
      sandboxRecipients: config.email.sandboxRecipients,
      retain: config.data.retain,
    });
    this.api = new Api(this, 'Api', { config, logRetention });
    this.functions = new OrderFunctions(this, 'Functions', {
      catalog,
      config,
      storage,
      notifications,
      secrets,
      orderWorkflowArn: stateMachineArn(this, ORDER_WORKFLOW_ID),
      returnWorkflowArn: stateMachineArn(this, RETURN_WORKFLOW_ID),
      workflowArns: definitions.map((definition) => stateMachineArn(this, definition.id)),
      apiKeyPrincipals: this.api.keyPrincipals,
      publicBaseUrl: config.api.publicBaseUrl ?? this.api.url,
      logRetention,
    });
    this.api.addRoutes(catalog, this.functions);
    new Schedules(this, 'Schedules', { catalog, functions: this.functions });
    const streams = new StreamConsumers(this, 'Streams', { catalog, functions: this.functions, storage });
    this.workflows = new Workflows(this, 'Workflows', {
      definitions,
      functions: this.functions,
      logRetention,
      retainLogs: config.data.retain,
    });
    new Observability(this, 'Observability', {
      stage: config.stage,
      notifications,
      restApi: this.api.restApi,
      stateMachines: this.workflows.stateMachines,
      functions: catalog.map((spec) => ({ id: spec.id, fn: this.functions.get(spec.id) })),
      tables: tableSpecs.map((spec) => storage.table(spec.id)),
      streamDeadLetters: [...streams.deadLetters],
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the Orderflow API' });
    for (const [principal, keyId] of this.api.keyIds) {
      new CfnOutput(this, `ApiKeyId${principal.replace(/[^A-Za-z0-9]/g, '')}`, {
        value: keyId,
        description: `API key id of ${principal}; its value: aws apigateway get-api-key --include-value --api-key <id>`,
      });
    }
    new CfnOutput(this, 'CarrierWebhookSecretId', {
      value: secrets.webhookSigning.secretId,
      description: 'Secrets Manager id of the HMAC secret carrier webhooks are signed with',
    });
    new CfnOutput(this, 'OpsTopicArn', { value: notifications.opsTopic.topicArn });
    new CfnOutput(this, 'OrderEventsTopicArn', { value: notifications.orderEventsTopic.topicArn });
    new CfnOutput(this, 'OrderWorkflowArn', { value: stateMachineArn(this, ORDER_WORKFLOW_ID) });
  }
}
