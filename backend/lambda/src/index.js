// Lambda entry points: the four handlers wired to AWS clients from environment settings.
/**
 * \file
 * Environment: RUN_FUNCTION (qualified name or ARN of the Run function), WORKFLOW_FUNCTION
 * (of the Workflow function), CODEBUILD_PROJECT, CALLBACK_URL, CALLBACK_TOKEN_SECRET,
 * CONTROL_TABLE (DynamoDB table of the control store), OP_BUDGET (default 3000).
 */
import { makeRunHandler } from "./run.js";
import { makeWorkflowHandler } from "./workflow.js";
import { makeSqsHandler, lambdaRunStarter } from "./sqs.js";
import { makeCallbackApiHandler } from "./callback_api.js";
import { lambdaCallbackSender } from "./callbacks.js";
import { codeBuildProvider } from "./providers.js";
import { DynamoControlStore } from "./dynamo_store.js";

let deps;
/** Builds the production dependencies once per Lambda instance. */
async function productionDeps() {
  if (deps) return deps;
  const env = process.env;
  deps = {
    runFunction: env.RUN_FUNCTION,
    workflowFunction: env.WORKFLOW_FUNCTION,
    opBudget: env.OP_BUDGET ? Number(env.OP_BUDGET) : undefined,
    tokenSecret: env.CALLBACK_TOKEN_SECRET,
    sender: lambdaCallbackSender(),
    starter: lambdaRunStarter(),
    store: new DynamoControlStore({ table: env.CONTROL_TABLE }),
    provider: env.CODEBUILD_PROJECT ? codeBuildProvider({ projectName: env.CODEBUILD_PROJECT, callbackUrl: env.CALLBACK_URL }) : null,
  };
  return deps;
}

export const sqsHandler = makeSqsHandler(productionDeps);
export const runHandler = makeRunHandler(productionDeps);
export const workflowHandler = makeWorkflowHandler(productionDeps);
export const callbackApiHandler = makeCallbackApiHandler(productionDeps);
