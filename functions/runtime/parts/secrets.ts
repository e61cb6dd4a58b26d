// Secrets Manager secrets, read through Powertools Parameters and kept for SECRETS_MAX_AGE_SECONDS: a rotated key
// is picked up within that time by a warm container, without a cold start. A failed read is not kept; the next
// call reads again. Only the parts that read a secret import this module, so only their functions bundle the
// Secrets Manager client.
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { ConfigError } from '../config';
import type { PartContext } from './part';

/** A secret's string by its name, from the function's one provider (and its cache). */
export const secretOf =
  (context: PartContext, name: string): (() => Promise<string>) =>
  async () => {
    const provider = context.shared(
      'secrets',
      () => new SecretsProvider(context.clients.secrets ? { awsSdkV3Client: context.clients.secrets } : {}),
    );
    const value = await provider.get(name, { maxAge: context.config.secretsMaxAgeSeconds });
    if (typeof value !== 'string' || value === '') throw new Error(`secret ${name} has no string value`);
    return value;
  };

/**
 * A key given in the environment (local), else read from Secrets Manager by name (AWS), else a clear error when it
 * is asked for.
 */
export const keyFrom = (
  context: PartContext,
  key: { value: string; secretName: string; variable: string; purpose: string },
): (() => Promise<string>) => {
  if (key.value) return () => Promise.resolve(key.value);
  if (key.secretName) return secretOf(context, key.secretName);
  return () =>
    Promise.reject(new ConfigError(`set ${key.variable} or ${key.variable}_NAME: ${key.purpose} need a key`));
};
