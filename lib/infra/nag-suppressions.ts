/**
 * cdk-nag AwsSolutions findings we accept, each with its reason (cdk-nag v3: CDK's native
 * Validations acknowledgements). Anything not listed fails synth, and so test/infra.
 */
import { Validations, type Stack } from "aws-cdk-lib";

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
