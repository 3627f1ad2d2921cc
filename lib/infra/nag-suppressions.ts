/**
 * cdk-nag AwsSolutions findings we accept, each with its reason (cdk-nag v3: CDK's native
 * Validations acknowledgements). Anything not listed fails synth, and so test/infra.
 */
import { Token, Validations, type Stack } from "aws-cdk-lib";
import type { IConstruct } from "constructs";

export function suppressJustified(stack: Stack, tableLogicalId: string): void {
  const v = Validations.of(stack);
  v.acknowledge({
    id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
    reason: "Lambda functions use AWSLambdaBasicExecutionRole only to write their own CloudWatch logs.",
  });
  v.acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${tableLogicalId}.Arn>/index/*]`,
    reason: "grantReadWriteData covers the table's GSIs (index/*): the service queries gsi1/gsi2 and nothing else exists there.",
  });
  v.acknowledge({
    id: "AwsSolutions-L1",
    reason: "Pinned to nodejs22.x (the project's LTS target, tested in CI); moving runtimes is a deliberate change.",
  });
}

/** How cdk-nag spells a stack's region and account inside finding ids (literal, or the pseudo parameter). */
export function nagEnv(stack: Stack): { region: string; account: string } {
  const shown = (v: string, pseudo: string) => (Token.isUnresolved(v) ? `<AWS::${pseudo}>` : v);
  return { region: shown(stack.region, "Region"), account: shown(stack.account, "AccountId") };
}

/** Acknowledge IAM5 wildcard findings on `scope`, one per resource as cdk-nag prints it, with one reason. */
export function acknowledgeWildcards(scope: IConstruct, resources: string[], reason: string): void {
  const v = Validations.of(scope);
  for (const r of resources) v.acknowledge({ id: `AwsSolutions-IAM5[Resource::${r}]`, reason });
}
