// One Orderflow Lambda with everything every function shares fixed in one place: Node.js 22 on ARM64, an esbuild
// bundle (ESM, minified, with source maps the runtime applies), X-Ray active tracing, JSON logs into its own log
// group with the stage's retention, and a role of its own that starts with nothing but writing to that log group.
// What else a function may do is granted by intent by the caller.
import { RemovalPolicy, type Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { lambdaBundling } from '../../catalog/bundling';
import type { FunctionSpec } from '../../catalog/functions';
import { acknowledge } from '../nag';
import { projectPath, projectRoot } from '../../catalog/paths';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface OrderFunctionProps {
  spec: FunctionSpec;
  environment: Readonly<Record<string, string>>;
  timeout: Duration;
  memorySize: number;
  logLevel: LogLevel;
  logRetention: RetentionDays;
  retainLogs: boolean;
}

export class OrderFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: OrderFunctionProps) {
    super(scope, id);
    const { spec } = props;

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.retainLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Orderflow ${spec.id}: ${spec.description}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      description: spec.description,
      entry: projectPath(spec.entry),
      handler: 'handler',
      projectRoot,
      depsLockFilePath: projectPath('package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel[props.logLevel],
      systemLogLevelV2: SystemLogLevel.WARN,
      tracing: Tracing.ACTIVE,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_LOG_LEVEL: props.logLevel,
        ...props.environment,
      },
      // catalog/bundling.ts: the same settings build the bundles the local engine and the benchmarks run.
      bundling: {
        format: lambdaBundling.format === 'esm' ? OutputFormat.ESM : OutputFormat.CJS,
        target: lambdaBundling.target,
        mainFields: [...lambdaBundling.mainFields],
        banner: lambdaBundling.banner,
        minify: lambdaBundling.minify,
        sourceMap: lambdaBundling.sourceMap,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: lambdaBundling.sourcesContent,
        bundleAwsSDK: lambdaBundling.bundleAwsSdk,
      },
    });

    acknowledge(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      'Active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level ' +
        'permissions, so their resource is "*".',
    );
    acknowledge(
      this.function,
      'AwsSolutions-L1',
      'Node.js 22 is the runtime the handlers are written and tested for (docs: keep the code Node-22-clean); ' +
        'moving to a newer runtime is a deliberate upgrade, not a synth-time default.',
    );
  }
}
