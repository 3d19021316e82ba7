/** Reads a failed batch's records back from the table stream, as Lambda would have delivered them. */
import {
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import type { StreamReader } from './tools.js';

/** Empty pages a reader accepts before it stops (an open shard may answer empty before its records). */
const EMPTY_PAGES = 5;

export function streamReader(client: DynamoDBStreamsClient, region: string): StreamReader {
  return async (info) => {
    const start = await client.send(
      new GetShardIteratorCommand({
        StreamArn: info.streamArn,
        ShardId: info.shardId,
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        SequenceNumber: info.startSequenceNumber,
      }),
    );
    const end = BigInt(info.endSequenceNumber);
    const records: DynamoDBRecord[] = [];
    let iterator = start.ShardIterator;
    let empty = 0;
    while (iterator && empty < EMPTY_PAGES) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      const got = page.Records ?? [];
      if (got.length === 0) empty++;
      for (const r of got) {
        if (BigInt(r.dynamodb?.SequenceNumber ?? '0') > end) return records;
        records.push({
          eventID: r.eventID,
          eventName: r.eventName as DynamoDBRecord['eventName'],
          eventSource: 'aws:dynamodb',
          eventSourceARN: info.streamArn,
          awsRegion: region,
          // Lambda delivers the creation time in epoch seconds; the images are the same JSON.
          dynamodb: {
            ...(r.dynamodb as DynamoDBRecord['dynamodb']),
            ApproximateCreationDateTime: r.dynamodb?.ApproximateCreationDateTime
              ? Math.floor(r.dynamodb.ApproximateCreationDateTime.getTime() / 1000)
              : undefined,
          },
        });
        if (BigInt(r.dynamodb?.SequenceNumber ?? '0') === end) return records;
      }
      iterator = page.NextShardIterator;
    }
    return records;
  };
}

export const streamsClient = (region: string) => new DynamoDBStreamsClient({ region });
