/**
 * The portal's stateful resources: the one table, the scans bucket, the per-channel agency queues and
 * signing secrets and the citizens' user pool. Nothing here is code; the API stack can be
 * replaced freely while this one keeps the data.
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  agencyQueues,
  DISPATCH,
  NOTIFICATIONS,
  PAYMENTS,
  TABLE,
  UPLOADS,
} from '../functions/core/resources.js';
import { channels } from '../functions/registry/agencies.js';
import { CitizenIdentity } from './identity.js';
import { acknowledge } from './nag.js';
import { physicalNames, type StageSettings } from './settings.js';

export interface DataStackProps extends StackProps {
  settings: StageSettings;
}

export interface AgencyChannel {
  channel: string;
  queue: Queue;
  dlq: Queue;
}

export class DataStack extends Stack {
  readonly settings: StageSettings;
  /** Encrypts the table, the scans and the queues; rotated yearly by KMS. */
  readonly dataKey: Key;
  /**
   * Signs the records of electronic results (ECDSA P-256); the private key never leaves KMS. KMS does not
   * rotate asymmetric keys: a new key is rolled by publishing both in GET /v1/verify/keys (cdk-nag's
   * rotation rule applies to symmetric keys only).
   */
  readonly resultSigningKey: Key;
  readonly table: Table;
  readonly scans: Bucket;
  readonly channels: AgencyChannel[];
  /** Outbox stream batches that still fail after every retry. */
  readonly outboxDlq: Queue;
  /** The notification relay's stream batches that still fail after every retry. */
  readonly notificationStreamDlq: Queue;
  /** Citizen and agency notifications waiting for the notifier, and those that kept failing. */
  readonly notificationsQueue: Queue;
  readonly notificationsDlq: Queue;
  /**
   * channel → the secret holding its active Standard Webhooks secrets. One per channel, not per agency:
   * the endpoint behind a channel signs for all its agencies, and hundreds of agencies would otherwise
   * push this stack past CloudFormation's resource limit.
   */
  readonly agencySecrets: Map<string, Secret>;
  /** Payment providers' and billers' signing secrets (plain strings), one per partner. */
  readonly paymentSecrets: Secret[];
  /** The key material that seals citizen ID and phone numbers in profiles. */
  readonly profileKeySecret: Secret;
  readonly identity: CitizenIdentity;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const s = props.settings;
    const names = physicalNames(s);
    const prod = s.stage === 'prod';
    this.settings = s;

    this.dataKey = new Key(this, 'DataKey', {
      alias: `alias/${s.prefix}-data`,
      description: `Cổng ${s.stage}: dossiers, scans and agency queues`,
      enableKeyRotation: true,
      removalPolicy: s.removalPolicy,
      pendingWindow: Duration.days(prod ? 30 : 7),
    });

    this.resultSigningKey = new Key(this, 'ResultSigningKey', {
      alias: `alias/${s.prefix}-result-signing`,
      description: `Cổng ${s.stage}: signs the records of electronic results (verification)`,
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      removalPolicy: s.removalPolicy,
      pendingWindow: Duration.days(prod ? 30 : 7),
    });

    this.table = new Table(this, 'Table', {
      tableName: names.table,
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TABLE.ttlAttribute,
      stream: StreamViewType[TABLE.streamView],
      pointInTimeRecoverySpecification: {
        pointInTimeRecoveryEnabled: true,
        recoveryPeriodInDays: s.pitrDays,
      },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.dataKey,
      deletionProtection: prod,
      removalPolicy: s.removalPolicy,
    });
    for (const index of TABLE.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      });
    }

    this.scans = this.scansBucket(s, names.scansBucket);
    this.channels = this.agencyChannels(names.queuePrefix);

    this.outboxDlq = new Queue(this, 'OutboxDlq', {
      queueName: names.outboxDlq,
      retentionPeriod: Duration.days(DISPATCH.dlqRetentionDays),
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.dataKey,
      enforceSSL: true,
    });
    acknowledge(
      this.outboxDlq,
      'AwsSolutions-SQS3',
      'This queue is itself a dead-letter destination: the outbox stream mapping sends failed batch ' +
        'metadata here after its retries, for operators to inspect and replay.',
    );

    this.notificationStreamDlq = new Queue(this, 'NotificationStreamDlq', {
      queueName: names.notificationStreamDlq,
      retentionPeriod: Duration.days(NOTIFICATIONS.dlqRetentionDays),
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.dataKey,
      enforceSSL: true,
    });
    acknowledge(
      this.notificationStreamDlq,
      'AwsSolutions-SQS3',
      "This queue is itself a dead-letter destination: the notification relay's stream mapping sends " +
        'failed batch metadata here after its retries, for operators to replay (npm run outbox:replay).',
    );

    const notificationsName = `${names.queuePrefix}-${NOTIFICATIONS.queueSuffix}`;
    this.notificationsDlq = new Queue(this, 'NotificationsDlq', {
      queueName: `${notificationsName}-dlq`,
      retentionPeriod: Duration.days(NOTIFICATIONS.dlqRetentionDays),
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.dataKey,
      enforceSSL: true,
    });
    acknowledge(
      this.notificationsDlq,
      'AwsSolutions-SQS3',
      'This queue is itself the dead-letter queue of the notifications queue: messages the notifier ' +
        'could not send after their retries wait here for operators to inspect and redrive.',
    );
    // Messages carry citizens' phone numbers and e-mail addresses: encrypted with the data key.
    this.notificationsQueue = new Queue(this, 'NotificationsQueue', {
      queueName: notificationsName,
      visibilityTimeout: Duration.seconds(NOTIFICATIONS.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.notificationsDlq, maxReceiveCount: NOTIFICATIONS.maxReceiveCount },
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.dataKey,
      enforceSSL: true,
    });

    this.agencySecrets = new Map(
      channels.map((channel) => {
        const secret = new Secret(this, `ChannelSecret-${channel}`, {
          secretName: `${names.agencySecretPrefix}${channel}`,
          description:
            `Channel ${channel}: JSON array of its active Standard Webhooks secrets ["whsec_..."], newest first. ` +
            'The generated value is a placeholder the portal refuses; operators put the value agreed with the agency.',
          // The account's aws/secretsmanager key: a customer key here would have to name every reader in
          // its key policy (Secrets Manager decrypts on the reader's behalf), tying this stack to the API's roles.
          generateSecretString: { passwordLength: 32, excludePunctuation: true },
          removalPolicy: s.removalPolicy,
        });
        acknowledge(
          secret,
          'AwsSolutions-SMG4',
          'Rotation is coordinated with the agency: operators add the new secret beside the old one (both verify), ' +
            'the agency switches, then the old one is removed; a Lambda rotation could not reach the partner system.',
        );
        return [channel, secret] as const;
      }),
    );

    this.paymentSecrets = PAYMENTS.cloudPartners.map((partner) => {
      const secret = new Secret(this, `PaymentSecret-${partner}`, {
        secretName: `${names.paymentSecretPrefix}${partner}`,
        description: `Signing secret (HMAC-SHA512) shared with payment partner ${partner}; operators put the agreed value.`,
        generateSecretString: { passwordLength: 64, excludePunctuation: true },
        removalPolicy: s.removalPolicy,
      });
      acknowledge(
        secret,
        'AwsSolutions-SMG4',
        'The secret is agreed with the payment partner and changed together with it (their merchant portal); ' +
          'a Lambda rotation could not update the partner side.',
      );
      return secret;
    });

    this.profileKeySecret = new Secret(this, 'ProfileKeySecret', {
      secretName: names.profileKeySecret,
      description:
        'Key material for profiles: citizen ID and phone numbers are sealed with AES-256-GCM and citizen IDs ' +
        'hashed (HMAC-SHA256) under keys derived from it. Replacing it makes stored profiles unreadable.',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: s.removalPolicy,
    });
    acknowledge(
      this.profileKeySecret,
      'AwsSolutions-SMG4',
      'Profiles sealed under this key stay readable only with it: rotating means re-sealing every profile, ' +
        'a planned migration rather than an automatic rotation.',
    );

    this.identity = new CitizenIdentity(this, 'Citizens', {
      poolName: `${s.prefix}-citizens`,
      webOrigins: s.webOrigins,
      removalPolicy: s.removalPolicy,
      deletionProtection: prod,
      settings: s,
    });

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'UploadsBucketName', { value: this.scans.bucketName });
    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.identity.webClient.userPoolClientId });
    // The citizen page's config.json: `issuer` (discovery) and `clientId`; the hosted sign-in domain.
    new CfnOutput(this, 'UserPoolIssuer', { value: this.identity.issuer });
    new CfnOutput(this, 'SignInDomain', { value: this.identity.domain.baseUrl() });
  }

  /** Citizens' scanned documents: uploaded by presigned POST to uploads/, kept under dossiers/. */
  private scansBucket(s: StageSettings, bucketName: string): Bucket {
    // cdk-nag accepts a bucket that is itself an access-log destination without logging of its own.
    const accessLogs = new Bucket(this, 'AccessLogs', {
      // S3 server access logging can only deliver to a bucket with S3-managed encryption.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [{ expiration: Duration.days(s.stage === 'prod' ? 400 : 30) }],
      removalPolicy: s.removalPolicy,
    });

    return new Bucket(this, 'Scans', {
      bucketName,
      encryption: BucketEncryption.KMS,
      encryptionKey: this.dataKey,
      // One data key per bucket instead of a KMS call per object.
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'scans/',
      lifecycleRules: [
        {
          id: 'abandoned-uploads',
          prefix: UPLOADS.pendingPrefix,
          expiration: Duration.days(UPLOADS.abandonedAfterDays),
        },
        {
          id: 'old-versions',
          noncurrentVersionExpiration: s.noncurrentVersionsKeptFor,
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        { id: 'orphan-delete-markers', expiredObjectDeleteMarker: true },
      ],
      // The citizen's browser posts the file straight to S3 with the presigned form.
      cors: [
        {
          allowedMethods: [HttpMethods.POST],
          allowedOrigins: s.webOrigins,
          allowedHeaders: ['content-type'],
          exposedHeaders: ['ETag', 'Location'],
          maxAge: 3000,
        },
      ],
      removalPolicy: s.removalPolicy,
    });
  }

  /** One queue + DLQ per integration channel, so one agency's outage stalls no one else. */
  private agencyChannels(prefix: string): AgencyChannel[] {
    return agencyQueues(prefix).map((def) => {
      const dlq = new Queue(this, `AgencyDlq-${def.channel}`, {
        queueName: def.dlqName,
        retentionPeriod: Duration.days(DISPATCH.dlqRetentionDays),
        encryption: QueueEncryption.KMS,
        encryptionMasterKey: this.dataKey,
        enforceSSL: true,
      });
      const queue = new Queue(this, `AgencyQueue-${def.channel}`, {
        queueName: def.name,
        visibilityTimeout: Duration.seconds(DISPATCH.visibilityTimeoutSeconds),
        deadLetterQueue: { queue: dlq, maxReceiveCount: DISPATCH.maxReceiveCount },
        encryption: QueueEncryption.KMS,
        encryptionMasterKey: this.dataKey,
        enforceSSL: true,
      });
      return { channel: def.channel, queue, dlq };
    });
  }
}
