// The SQS worker: starts one Run execution per message, named after the run id so redelivery starts nothing new.
/**
 * \file
 * `InvokeCommand` with a `DurableExecutionName` is idempotent: the same name and payload return
 * the existing execution. The name is derived from the run id only (1-64 characters of
 * [a-zA-Z0-9-_]); ids that do not fit are shortened with a hash suffix. A failing invoke is
 * reported as a batch item failure, so SQS retries it and finally moves it to the dead-letter
 * queue.
 */
import { createHash } from "node:crypto";
import { LambdaClient, InvokeCommand } from "@aws-sdk/client-lambda";

/** The durable execution name of a run (stable, 1-64 chars of [a-zA-Z0-9-_]). */
export function executionName(runId) {
  const id = String(runId ?? "");
  if (id === "") throw new Error("run message has no run id");
  const plain = `run-${id}`;
  if (/^[A-Za-z0-9_-]{1,64}$/.test(plain)) return plain;
  const hash = createHash("sha256").update(id).digest("hex").slice(0, 16);
  const safe = id.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64 - 4 - 1 - 16);
  return `run-${safe}-${hash}`;
}

/**
 * @typedef {object} RunStarter
 * @property {(req: {functionName: string, name: string, payload: string}) => Promise<void>} start
 */

/** Starts Run executions through the Lambda API (asynchronous invoke). @returns {RunStarter} */
export function lambdaRunStarter(client = new LambdaClient({})) {
  return {
    async start({ functionName, name, payload }) {
      await client.send(new InvokeCommand({ FunctionName: functionName, InvocationType: "Event", DurableExecutionName: name, Payload: Buffer.from(payload) }));
    },
  };
}

/**
 * The SQS handler (partial batch responses). `getDeps()` gives {starter: RunStarter, runFunction:
 * string, log?: (line: string) => void}; `log` receives one JSON line per rejected message
 * (default: stderr, which Lambda sends to CloudWatch).
 */
export function makeSqsHandler(getDeps) {
  return async (event) => {
    const { starter, runFunction, log = (line) => console.error(line) } = await getDeps();
    const batchItemFailures = [];
    for (const record of event.Records ?? []) {
      try {
        const body = JSON.parse(record.body);
        const name = executionName(body.run?.id ?? body.run_id);
        await starter.start({ functionName: runFunction, name, payload: record.body });
      } catch (e) {
        log(JSON.stringify({ level: "error", message: "cannot start run", messageId: record.messageId, error: String(e?.message ?? e) }));
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}
