// Picks and checks the config of one stage: the single entry point `bin/` and the infrastructure tests use.
import { stageConfigSchema, stageNames, type StageConfig, type StageName } from './stage-config';
import { stages } from './stages';

export { OPS_PRINCIPAL, stageNames, type StageConfig, type StageName } from './stage-config';

export class StageConfigError extends Error {
  override name = 'StageConfigError';
}

const isStageName = (value: string): value is StageName => (stageNames as readonly string[]).includes(value);

/**
 * The checked config of `stage`. A missing or unknown stage, or a config that fails its schema, is a
 * StageConfigError whose message says what to do.
 */
export const loadStageConfig = (stage: unknown): StageConfig => {
  const usage = `pass one of ${stageNames.join(', ')}: npx cdk synth -c stage=<${stageNames.join('|')}>`;
  if (stage === undefined || stage === null || stage === '') {
    throw new StageConfigError(`No stage given; ${usage}`);
  }
  if (typeof stage !== 'string' || !isStageName(stage)) {
    throw new StageConfigError(`Unknown stage ${JSON.stringify(stage)}; ${usage}`);
  }
  const parsed = stageConfigSchema.safeParse(stages[stage]);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new StageConfigError(`lib/config/stages.ts, stage "${stage}": ${problems.join('; ')}`);
  }
  if (parsed.data.stage !== stage) {
    throw new StageConfigError(
      `lib/config/stages.ts: the "${stage}" entry says stage "${parsed.data.stage}"`,
    );
  }
  return parsed.data;
};
