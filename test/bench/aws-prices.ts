/**
 * AWS list prices for Asia Pacific (Singapore), ap-southeast-1, in US dollars, used by the cost model of
 * `npm run bench` (test/bench/dossier-life.ts). No free tier, no volume discounts beyond the first tier.
 *
 * Source: the public AWS pricing pages for each service (aws.amazon.com/<service>/pricing), Singapore
 * region, as they stood on PRICES_AS_OF (DynamoDB after the on-demand price cut of 1 November 2024).
 * They were not re-read from this machine (no internet here): check them in the AWS Pricing Calculator
 * before budgeting, and update this one module when they change.
 */
export const PRICES_AS_OF = '2025-06-01';
export const PRICE_REGION = 'ap-southeast-1';

export const PRICES = {
  /** DynamoDB on-demand, Standard table class: per write request unit (1 KB; transactional ×2). */
  dynamoWriteUnit: 0.7116 / 1e6,
  /** Per read request unit (4 KB strongly consistent; eventually consistent ½; transactional ×2). */
  dynamoReadUnit: 0.1423 / 1e6,
  /** Storage per GB-month (beyond the first 25 GB). */
  dynamoStorageGbMonth: 0.285,
  /** S3 Standard: PUT, COPY, POST, LIST per request ($0.005 per 1,000). */
  s3Put: 0.005 / 1e3,
  /** GET, SELECT and other requests ($0.0004 per 1,000); DELETE is free. */
  s3Get: 0.0004 / 1e3,
  /** Storage per GB-month, first 50 TB. */
  s3StorageGbMonth: 0.025,
  /** SQS standard queue, per request (64 KB chunk), beyond the first million a month. */
  sqsRequest: 0.4 / 1e6,
  /** Lambda, Arm (the portal's functions are ARM_64): per request, and per GB-second. */
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecond: 0.0000133334,
  /** API Gateway HTTP API, per request (512 KB chunk), first 300 million a month. */
  httpApiRequest: 1.2 / 1e6,
  /** KMS, per request to a customer managed key ($0.03 per 10,000). */
  kmsRequest: 0.03 / 1e4,
  /** SES, per e-mail sent ($0.10 per 1,000). */
  sesEmail: 0.1 / 1e3,
} as const;

/**
 * Not priced here: SNS text messages to Vietnam are charged per message part by destination carrier
 * (AWS End User Messaging SMS price list), far above every figure above; the model counts them.
 */
export const SMS_PRICED_SEPARATELY = true;
