/**
 * cdk-nag acknowledgements, always on the one construct they concern and always with the reason.
 * cdk-nag 3 reads `Validations.of(construct).acknowledge(...)`; a wildcard finding is acknowledged
 * by its exact id, `AwsSolutions-IAM5[Resource::<flattened ARN>]` or `[Action::<action>]`.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

const recorded = new WeakMap<IConstruct, Set<string>>();

/**
 * Records one acknowledgement. The same finding may be acknowledged again with another reason (a
 * role's `Resource::*` serves X-Ray and, for one function, the stream listing): each reason is kept.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  const seen = recorded.get(scope) ?? new Set<string>();
  const key = `${id}\n${reason}`;
  if (seen.has(key)) return;
  seen.add(key);
  recorded.set(scope, seen);
  Validations.of(scope).acknowledge({ id, reason });
}

/** A wildcard resource in `scope`'s policies, named exactly as cdk-nag reports it. */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  const flat = flattenCfnReference(Stack.of(scope).resolve(resource));
  acknowledge(scope, `AwsSolutions-IAM5[Resource::${flat}]`, reason);
}

export function acknowledgeWildcardAction(scope: IConstruct, action: string, reason: string): void {
  acknowledge(scope, `AwsSolutions-IAM5[Action::${action}]`, reason);
}
