/**
 * Least privilege, read from the route table: a function gets exactly what its FunctionSpec declares,
 * and each wildcard that a grant needs is acknowledged on that function's role with its reason.
 */
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { UPLOADS } from '../functions/core/resources.js';
import type { FunctionSpec } from '../functions/deployment.js';
import { acknowledgeWildcardAction, acknowledgeWildcardResource } from './nag.js';
import type { PortalFunction } from './portal-function.js';

export interface PortalResources {
  table: ITable;
  scans: IBucket;
  dataKey: IKey;
  /** The asymmetric key that signs electronic results' records. */
  resultSigningKey: IKey;
  agencyQueues: IQueue[];
  /** The agency channels' DLQs, by ARN. */
  agencyDlqArns: string[];
  agencySecrets: ISecret[];
  paymentSecrets: ISecret[];
  profileKeySecret: ISecret;
  notificationsQueue: IQueue;
  /** The SES identity (domain) citizens' e-mail is sent from. */
  sesIdentityArn: string;
}

/** Where intake keeps accepted scans (presigned uploads land under UPLOADS.pendingPrefix). */
const DOSSIER_PREFIX = 'dossiers/';
/** Where agencies' electronic results are kept. */
const RESULTS_PREFIX = 'results/';

const KMS_GRANT_REASON =
  'CDK grant for data encrypted with the portal data key: kms:GenerateDataKey* and kms:ReEncrypt* are ' +
  'the data-key variants of one operation each, on that single key ARN only.';

export function acknowledgeKmsGrant(fn: PortalFunction): void {
  acknowledgeWildcardAction(fn.role, 'kms:GenerateDataKey*', KMS_GRANT_REASON);
  acknowledgeWildcardAction(fn.role, 'kms:ReEncrypt*', KMS_GRANT_REASON);
}

export function grantAccess(fn: PortalFunction, spec: FunctionSpec, r: PortalResources): void {
  const role = fn.role;

  if (spec.table) {
    if (spec.table === 'read') {
      r.table.grantReadData(role);
    } else {
      r.table.grantReadWriteData(role);
      acknowledgeKmsGrant(fn);
    }
    acknowledgeWildcardResource(
      role,
      `${r.table.tableArn}/index/*`,
      'Queries go through the table GSIs (gsi1 owner lists, gsi2 agency work lists); index/* is this one table.',
    );
  }

  if (spec.uploads) grantScans(fn, spec.uploads, r);

  if (spec.results) grantResults(fn, spec.results, r);

  if (spec.sendsToAgencyQueues) {
    for (const queue of r.agencyQueues) queue.grantSendMessages(role);
    acknowledgeKmsGrant(fn);
  }

  if (spec.redrivesAgencyDeadLetters) {
    // Receive, delete and release (ChangeMessageVisibility) on the DLQs only; the sends go to the queues.
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [
          'sqs:ReceiveMessage',
          'sqs:DeleteMessage',
          'sqs:ChangeMessageVisibility',
          'sqs:GetQueueAttributes',
        ],
        resources: r.agencyDlqArns,
      }),
    );
    // The DLQs are encrypted with the data key.
    r.dataKey.grantDecrypt(role);
  }

  if (spec.readsAgencySecrets) {
    for (const secret of r.agencySecrets) secret.grantRead(role);
  }

  if (spec.readsPaymentSecrets) {
    for (const secret of r.paymentSecrets) secret.grantRead(role);
  }

  if (spec.readsProfileKey) r.profileKeySecret.grantRead(role);

  // kms:Sign only for the function that issues results; the verification side reads the public key.
  if (spec.resultSigning === 'sign') r.resultSigningKey.grant(role, 'kms:Sign', 'kms:GetPublicKey');
  if (spec.resultSigning === 'publicKey') r.resultSigningKey.grant(role, 'kms:GetPublicKey');

  if (spec.sendsNotifications) {
    r.notificationsQueue.grantSendMessages(role);
    acknowledgeKmsGrant(fn);
  }

  if (spec.deliversNotifications) {
    // Text messages go straight to phone numbers, which are not resources with ARNs.
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
    acknowledgeWildcardResource(
      role,
      '*',
      'sns:Publish to a phone number (SMS) has no resource to name: IAM evaluates such publishes against "*". ' +
        'The role holds no topic permissions beyond that one action.',
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['ses:SendEmail'], resources: [r.sesIdentityArn] }),
    );
  }
}

/**
 * Explicit S3 statements rather than grantRead/grantPut, whose action wildcards (s3:GetObject*,
 * s3:List*, s3:Abort*) are broader than any handler needs.
 */
function grantScans(
  fn: PortalFunction,
  mode: NonNullable<FunctionSpec['uploads']>,
  r: PortalResources,
): void {
  const role = fn.role;
  const pending = r.scans.arnForObjects(`${UPLOADS.pendingPrefix}*`);
  const dossiers = r.scans.arnForObjects(`${DOSSIER_PREFIX}*`);
  const every = r.scans.arnForObjects('*');
  // Without s3:ListBucket a missing key answers 403 instead of 404, and a handler could not tell
  // "not uploaded yet" from "not allowed".
  const listBucket = new PolicyStatement({ actions: ['s3:ListBucket'], resources: [r.scans.bucketArn] });

  switch (mode) {
    case 'presign':
      // The presigned POST is executed with this role's rights: it can create objects under uploads/ only.
      role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [pending] }));
      r.dataKey.grant(role, 'kms:GenerateDataKey');
      acknowledgeWildcardResource(
        role,
        pending,
        'Presigned upload forms name a fresh key under uploads/ per document; the grant is PutObject on that prefix only.',
      );
      break;
    case 'read':
      role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [every] }));
      role.addToPrincipalPolicy(listBucket);
      r.dataKey.grantDecrypt(role);
      acknowledgeWildcardResource(
        role,
        every,
        'Reads scans of any dossier it serves; keys are generated per document.',
      );
      break;
    case 'get':
      // Agencies' download links to accepted scans are executed with this role's rights: GetObject on
      // dossiers/ only (the same right hashes a scan stored before digests were kept).
      role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [dossiers] }));
      r.dataKey.grantDecrypt(role);
      acknowledgeWildcardResource(
        role,
        dossiers,
        'Presigned download links to accepted scans under dossiers/<code>/ for the agency a dossier is routed to; GetObject on that prefix only.',
      );
      break;
    case 'deletePending':
      // A deletion request removes the person's uploads never attached to anything; filed scans are kept.
      role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:DeleteObject'], resources: [pending] }));
      acknowledgeWildcardResource(
        role,
        pending,
        "Deletes a person's unused uploads on their request; DeleteObject under the upload prefix only.",
      );
      break;
    case 'readwrite':
      // Intake verifies an uploaded scan and copies it from uploads/ to dossiers/; when the dossier
      // then fails to commit it removes its own copies. Nothing else.
      role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [pending] }));
      role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['s3:PutObject', 's3:DeleteObject'], resources: [dossiers] }),
      );
      role.addToPrincipalPolicy(listBucket);
      r.dataKey.grant(role, 'kms:Decrypt', 'kms:GenerateDataKey');
      acknowledgeWildcardResource(
        role,
        pending,
        'Intake reads (HEAD, copy source) the citizen uploads it accepts; object keys are generated per document.',
      );
      acknowledgeWildcardResource(
        role,
        dossiers,
        'Intake writes accepted scans under dossiers/ (and deletes its copies if the dossier does not commit), ' +
          'one generated key per document; it cannot write elsewhere.',
      );
      break;
  }
}

/**
 * Dossier results live under results/<dossier code>/: the agency-events function writes the document
 * an agency issues, tracking presigns the owner's download (the link carries tracking's rights).
 */
function grantResults(
  fn: PortalFunction,
  mode: NonNullable<FunctionSpec['results']>,
  r: PortalResources,
): void {
  const results = r.scans.arnForObjects(`${RESULTS_PREFIX}*`);
  if (mode === 'put') {
    fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [results] }));
    r.dataKey.grant(fn.role, 'kms:GenerateDataKey');
    acknowledgeWildcardResource(
      fn.role,
      results,
      'Agencies issue one result document per dossier, stored under results/<dossier code>/; PutObject on that prefix only.',
    );
  } else {
    fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [results] }));
    r.dataKey.grantDecrypt(fn.role);
    acknowledgeWildcardResource(
      fn.role,
      results,
      "Presigned download links to the owner's result document under results/<dossier code>/; GetObject on that prefix only.",
    );
  }
}
