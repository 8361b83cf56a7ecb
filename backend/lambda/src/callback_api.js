// The Callback API (HTTP): job completion and heartbeat by token, run cancel and retry by run id.
/**
 * \file
 * Routes (API Gateway HTTP API or a function URL, payload format 2.0):
 *   POST /callback           {"token", "status": "success|failure|cancelled|heartbeat", "outputs": {...}}
 *   POST /runs/{id}/cancel   {"reason"?}
 *   POST /runs/{id}/retry    {"job": "<job id, instance id or display name>"} or {"failed": true}
 * A job token is verified with the deployment secret (callbacks.js) and its callback completed
 * with `SendDurableExecutionCallbackSuccess` carrying `{conclusion, outputs}`, or
 * `...Heartbeat`. Cancel and retry go to the control callbacks every execution of the run
 * registered in the control store.
 */
import { readToken } from "./callbacks.js";

const reply = (statusCode, body) => ({ statusCode, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** @param {() => Promise<{sender: object, store: object, tokenSecret: string}>} getDeps */
export function makeCallbackApiHandler(getDeps) {
  return async (event) => {
    const { sender, store, tokenSecret } = await getDeps();
    const method = event.requestContext?.http?.method ?? event.httpMethod ?? "POST";
    const path = event.rawPath ?? event.path ?? "/";
    if (method !== "POST") return reply(405, { error: "only POST is supported" });
    let body;
    try {
      body = event.body ? JSON.parse(event.isBase64Encoded ? Buffer.from(event.body, "base64").toString() : event.body) : {};
    } catch {
      return reply(400, { error: "body is not JSON" });
    }
    try {
      if (path === "/callback") {
        const callbackId = readToken(tokenSecret, body.token);
        if (!callbackId) return reply(403, { error: "invalid token" });
        const status = body.status ?? "success";
        if (status === "heartbeat") { await sender.heartbeat(callbackId); return reply(200, { ok: true }); }
        if (!["success", "failure", "cancelled"].includes(status)) return reply(400, { error: `status must be success, failure, cancelled or heartbeat, got ${JSON.stringify(status)}` });
        await sender.success(callbackId, JSON.stringify({ conclusion: status, outputs: body.outputs ?? {} }));
        return reply(200, { ok: true });
      }
      const m = /^\/runs\/([^/]+)\/(cancel|retry)$/.exec(path);
      if (m) {
        const runId = decodeURIComponent(m[1]);
        const controls = await store.controlsFor(runId);
        if (!controls.length) return reply(404, { error: `run ${runId} has no running execution` });
        let sent = 0;
        for (const c of controls) {
          if (m[2] === "cancel") { await sender.success(c.cancel, JSON.stringify({ reason: body.reason ?? "cancel-request" })); sent++; continue; }
          await sender.success(c.retry, JSON.stringify({ job: body.job ?? null, failed: body.failed === true }));
          sent++;
        }
        return reply(200, { ok: true, executions: sent });
      }
      return reply(404, { error: `no route for ${path}` });
    } catch (e) {
      return reply(502, { error: String(e?.message ?? e) });
    }
  };
}
