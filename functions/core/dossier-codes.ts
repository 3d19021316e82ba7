/**
 * Dossier codes in the Circular 01/2018 shape `<agency code>-YYMMDD-NNNN`, numbered per agency per
 * day. Each function instance reserves a block of numbers with one atomic counter update, so the
 * counter item is written once per block rather than once per dossier even at national peaks. Numbers
 * left in a block when an instance retires are skipped: codes are unique and increasing per instance,
 * not gap-free. Past 9999 a day the number simply widens.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys, ttlAfterDays } from './keys.js';
import { localDate } from './working-days.js';

export const CODE_BLOCK_SIZE = 20;

export interface CodeAllocator {
  next(agencyCode: string, at: Date): Promise<string>;
}

type Sender = { send(command: UpdateCommand): Promise<{ Attributes?: Record<string, unknown> }> };

export function formatCode(agencyCode: string, day: string, n: number): string {
  return `${agencyCode}-${day.slice(2, 4)}${day.slice(5, 7)}${day.slice(8, 10)}-${String(n).padStart(4, '0')}`;
}

export function blockAllocator(db: Sender, tableName: string, blockSize = CODE_BLOCK_SIZE): CodeAllocator {
  const blocks = new Map<string, { next: number; end: number }>();
  const reserving = new Map<string, Promise<{ next: number; end: number }>>();

  const reserve = async (agencyCode: string, day: string) => {
    const out = await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.codeSequence(agencyCode, day),
        UpdateExpression: 'ADD #last :block SET #ttl = if_not_exists(#ttl, :ttl)',
        ExpressionAttributeNames: { '#last': 'last', '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':block': blockSize, ':ttl': ttlAfterDays(3) },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const end = Number(out.Attributes?.last);
    return { next: end - blockSize + 1, end };
  };

  return {
    async next(agencyCode, at) {
      const day = localDate(at);
      const id = `${agencyCode}#${day}`;
      for (;;) {
        const block = blocks.get(id);
        if (block && block.next <= block.end) return formatCode(agencyCode, day, block.next++);
        // Concurrent requests in one instance share a single reservation instead of racing for two.
        let pending = reserving.get(id);
        if (!pending) {
          pending = reserve(agencyCode, day)
            .then((b) => {
              blocks.set(id, b);
              return b;
            })
            .finally(() => reserving.delete(id));
          reserving.set(id, pending);
        }
        await pending;
      }
    },
  };
}
