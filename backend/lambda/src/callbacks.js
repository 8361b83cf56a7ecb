// Sends durable-execution callbacks (success, failure, heartbeat) and signs the job tokens handed to compute.
/**
 * \file
 * Compute never sees a raw callback id: it gets a token, `base64url(callbackId).hmac`, signed
 * with the deployment's secret. The Callback API verifies the token (that is the lookup: no
 * table holds job tokens) and forwards the completion to Lambda. Senders are injectable: the
 * Lambda one calls `SendDurableExecutionCallback*`, tests use the local runner's API.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import {
  LambdaClient, SendDurableExecutionCallbackSuccessCommand, SendDurableExecutionCallbackFailureCommand,
  SendDurableExecutionCallbackHeartbeatCommand,
} from "@aws-sdk/client-lambda";

/**
 * @typedef {object} CallbackSender
 * @property {(callbackId: string, result: string) => Promise<void>} success
 * @property {(callbackId: string, error: {message: string, type?: string}) => Promise<void>} failure
 * @property {(callbackId: string) => Promise<void>} heartbeat
 */

/** A sender over the Lambda API. @param {LambdaClient} [client] @returns {CallbackSender} */
export function lambdaCallbackSender(client = new LambdaClient({})) {
  return {
    success: async (id, result) => { await client.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: id, Result: Buffer.from(result) })); },
    failure: async (id, err) => { await client.send(new SendDurableExecutionCallbackFailureCommand({ CallbackId: id, Error: { ErrorMessage: err.message, ErrorType: err.type ?? "JobFailure" } })); },
    heartbeat: async (id) => { await client.send(new SendDurableExecutionCallbackHeartbeatCommand({ CallbackId: id })); },
  };
}

/** A sender over an API object with `sendCallbackSuccess/Failure/Heartbeat` (the local runner's). */
export function apiCallbackSender(api) {
  return {
    success: async (id, result) => { await api.sendCallbackSuccess({ CallbackId: id, Result: result }); },
    failure: async (id, err) => { await api.sendCallbackFailure({ CallbackId: id, Error: { ErrorMessage: err.message, ErrorType: err.type ?? "JobFailure" } }); },
    heartbeat: async (id) => { await api.sendCallbackHeartbeat({ CallbackId: id }); },
  };
}

const b64 = (s) => Buffer.from(s).toString("base64url");
const mac = (secret, s) => createHmac("sha256", secret).update(s).digest("base64url");

/** Signs a callback id into a job token. */
export function makeToken(secret, callbackId) {
  if (!secret) throw new Error("CALLBACK_TOKEN_SECRET is not set");
  const body = b64(callbackId);
  return `${body}.${mac(secret, body)}`;
}

/** Returns the callback id of a valid token, or null for a forged or malformed one. */
export function readToken(secret, token) {
  if (!secret || typeof token !== "string") return null;
  const dot = token.indexOf(".");
  if (dot <= 0) return null;
  const body = token.slice(0, dot);
  const want = Buffer.from(mac(secret, body));
  const got = Buffer.from(token.slice(dot + 1));
  if (want.length !== got.length || !timingSafeEqual(want, got)) return null;
  return Buffer.from(body, "base64url").toString();
}
