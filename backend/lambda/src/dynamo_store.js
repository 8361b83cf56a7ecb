// The control store on DynamoDB: run control records and concurrency groups shared by all executions.
/**
 * \file
 * One table, partition key `pk` (string). Items:
 *   `run#<run id>`   attribute `execs`: a map execution key -> {cancel, retry, jobs}
 *   `group#<key>`    attribute `state`: {holder, pending[]} (JSON), `version` for optimistic locking
 * Group transitions are the same functions as the in-memory store (control_store.js), applied
 * with a conditional write on `version` and retried on conflict.
 */
import { DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { acquireIn, releaseIn } from "./control_store.js";

export class DynamoControlStore {
  /** @param {{table: string, client?: DynamoDBClient}} opts */
  constructor({ table, client = new DynamoDBClient({}) }) {
    this.table = table;
    this.client = client;
  }

  async registerControl(runId, executionKey, record) {
    const value = JSON.stringify({ ...record, executionKey });
    await this.client.send(new UpdateItemCommand({
      TableName: this.table, Key: { pk: { S: `run#${runId}` } },
      UpdateExpression: "SET execs = if_not_exists(execs, :empty)",
      ExpressionAttributeValues: { ":empty": { M: {} } },
    }));
    await this.client.send(new UpdateItemCommand({
      TableName: this.table, Key: { pk: { S: `run#${runId}` } },
      UpdateExpression: "SET execs.#k = :v", ExpressionAttributeNames: { "#k": executionKey },
      ExpressionAttributeValues: { ":v": { S: value } },
    }));
  }

  async controlsFor(runId) {
    const out = await this.client.send(new GetItemCommand({ TableName: this.table, Key: { pk: { S: `run#${runId}` } }, ConsistentRead: true }));
    return Object.values(out.Item?.execs?.M ?? {}).map((v) => JSON.parse(v.S));
  }

  async unregisterControl(runId, executionKey) {
    await this.client.send(new UpdateItemCommand({
      TableName: this.table, Key: { pk: { S: `run#${runId}` } },
      UpdateExpression: "REMOVE execs.#k", ExpressionAttributeNames: { "#k": executionKey },
      ConditionExpression: "attribute_exists(execs)",
    })).catch((e) => { if (e?.name !== "ConditionalCheckFailedException") throw e; });
  }

  /** Reads a group, applies `fn` to its state, writes it back if nobody changed it meanwhile. */
  async transact(groupKey, fn) {
    for (let i = 0; i < 20; i++) {
      const key = { pk: { S: `group#${groupKey}` } };
      const got = await this.client.send(new GetItemCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
      const version = Number(got.Item?.version?.N ?? 0);
      const state = got.Item?.state?.S ? JSON.parse(got.Item.state.S) : { holder: null, pending: [] };
      const result = fn(state);
      try {
        await this.client.send(new PutItemCommand({
          TableName: this.table,
          Item: { ...key, state: { S: JSON.stringify(state) }, version: { N: String(version + 1) } },
          ConditionExpression: version ? "version = :v" : "attribute_not_exists(pk)",
          ...(version ? { ExpressionAttributeValues: { ":v": { N: String(version) } } } : {}),
        }));
        return result;
      } catch (e) {
        if (e?.name !== "ConditionalCheckFailedException") throw e;
      }
    }
    throw new Error(`concurrency group ${groupKey}: too many conflicting updates`);
  }

  acquire(groupKey, entry, opts) { return this.transact(groupKey, (g) => acquireIn(g, entry, opts)); }
  release(groupKey, holderKey) { return this.transact(groupKey, (g) => releaseIn(g, holderKey)); }
  updateHolder(groupKey, holderKey, callbackId) {
    return this.transact(groupKey, (g) => { if (g.holder?.holderKey === holderKey) g.holder.callbackId = callbackId; });
  }
}
