// The secrets handlers read from Secrets Manager (never from plain environment variables in AWS): the real
// providers' API keys and the Stripe and carrier webhook secrets, created by operators under the names in the stage config
// (see docs/deploy.md), and secrets the stack generates itself: the HMAC key of customer tracking links, the HMAC
// key of the risk rules' IP and payment-method hashes and, with the sandbox carrier, the sandbox webhook signing
// secret. Handlers get a secret's name and read access to it.
import { RemovalPolicy } from 'aws-cdk-lib';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { acknowledge } from '../nag';

export interface SecretsProps {
  stage: string;
  providers: StageConfig['providers'];
  retain: boolean;
}

/** A secret and the `SecretId` handlers pass to GetSecretValue (its name if imported, its full ARN if generated). */
export interface HandlerSecret {
  secret: ISecret;
  secretId: string;
}

export class Secrets extends Construct {
  /** Stripe API key (operator-created), when the stage uses Stripe. */
  readonly stripeApiKey: HandlerSecret | undefined;
  /** EasyPost API key (operator-created), when the stage uses EasyPost. */
  readonly easyPostApiKey: HandlerSecret | undefined;
  /** Signing secret of Stripe webhooks (operator-created), when the stage uses Stripe; no payment webhooks else. */
  readonly stripeWebhookSigning: HandlerSecret | undefined;
  /** HMAC secret carrier webhooks are signed with: EasyPost's (operator-created) or a generated sandbox one. */
  readonly webhookSigning: HandlerSecret;
  /** HMAC key of the `t` token in customer tracking links (generated). */
  readonly trackingLinks: HandlerSecret;
  /** HMAC key of the source-IP and payment-method hashes the risk velocity rules count by (generated). */
  readonly riskFingerprints: HandlerSecret;

  constructor(scope: Construct, id: string, props: SecretsProps) {
    super(scope, id);
    const { payment, carrier } = props.providers;
    const removalPolicy = props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const imported = (constructId: string, name: string): HandlerSecret => ({
      secret: Secret.fromSecretNameV2(this, constructId, name),
      secretId: name,
    });
    // A generated secret's name gets a random suffix; its ARN is the id that always resolves.
    const generated = (constructId: string, description: string): HandlerSecret => {
      const secret = new Secret(this, constructId, {
        description: `Orderflow ${props.stage}: ${description}`,
        generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
        removalPolicy,
      });
      acknowledge(
        secret,
        'AwsSolutions-SMG4',
        'An HMAC key shared with its verifiers; rotating it needs a coordinated change (old tracking links and ' +
          'in-flight webhooks would fail), so it is rotated by hand as docs/deploy.md describes.',
      );
      return { secret, secretId: secret.secretArn };
    };

    this.stripeApiKey =
      payment.kind === 'stripe' ? imported('StripeApiKey', payment.apiKeySecretName) : undefined;
    this.stripeWebhookSigning =
      payment.kind === 'stripe' ? imported('StripeWebhookSecret', payment.webhookSecretName) : undefined;
    this.easyPostApiKey =
      carrier.kind === 'easypost' ? imported('EasyPostApiKey', carrier.apiKeySecretName) : undefined;
    this.webhookSigning =
      carrier.kind === 'easypost'
        ? imported('EasyPostWebhookSecret', carrier.webhookSecretName)
        : generated('SandboxWebhookSecret', 'HMAC secret of sandbox carrier webhooks');
    this.trackingLinks = generated('TrackingLinkSecret', 'HMAC key of customer tracking links');
    this.riskFingerprints = generated(
      'RiskFingerprintKey',
      'HMAC key of the source-IP and payment-method hashes of the risk rules',
    );
  }
}
