// CDK entry point: `npx cdk synth -c stage=dev|staging|prod` (or deploy). One stack per invocation, for the stage
// named; a missing or unknown stage, or an ASL file the stack cannot wire, stops here with a message saying why.
import { App } from 'aws-cdk-lib';
import { buildOrderflowApp } from '../lib/app';
import { StageConfigError } from '../lib/config';
import { WorkflowDefinitionError } from '../catalog/workflows';

const app = new App();
try {
  buildOrderflowApp(app);
} catch (error) {
  if (error instanceof StageConfigError || error instanceof WorkflowDefinitionError) {
    console.error(`orderflow: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
app.synth();
