/**
 * What a person's saved profile says about them that public text must not repeat: their name, address
 * and e-mail, and — when the caller holds the profile key — their phone and citizen ID. Whatever the
 * portal publishes from a person's own words (a petition's public answer, a support answer kept as a
 * FAQ entry) is masked with these (maskPersonalData's `known`) besides the shapes it finds alone.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/clients.js';
import { keys } from '../core/keys.js';
import { open, type ProfileKeys, profileFieldContext } from './protect.js';

export async function knownPersonalData(
  TableName: string,
  ownerSub: string,
  profileKeys?: () => Promise<ProfileKeys>,
): Promise<string[]> {
  const out = await dynamo().send(
    new GetCommand({
      TableName,
      Key: keys.profile(ownerSub),
      ProjectionExpression: `fullName, address, email${profileKeys ? ', phoneSealed, citizenIdSealed' : ''}`,
    }),
  );
  const item = out.Item ?? {};
  const plain = [item.fullName, item.address, item.email];
  const sealed: string[] = [];
  if (profileKeys) {
    const { encryption } = await profileKeys();
    for (const field of ['phone', 'citizenId'] as const) {
      const value = item[`${field}Sealed`];
      if (typeof value === 'string')
        sealed.push(open(encryption, value, profileFieldContext(ownerSub, field)));
    }
  }
  return [...plain, ...sealed].filter((v): v is string => typeof v === 'string' && v !== '');
}
