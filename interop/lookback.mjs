// Hundreds of lookback grants at once, from outside, as issue 16 checks it: N customers are written to
// raw.customers, then N lookback requests (each for one of those records' keys, lookbackSeconds covering them) and
// their approvals are signed here and posted at once with kafkajs. While jitmask activates them and copies each
// grant's past record, the jitmask process's threads (/proc/<pid>/task) and its TCP connections to the broker
// (`ss`, established, this pid only) are sampled before, during and after. Each grant must reach ACTIVATED and
// BACKFILL_COMPLETED with exactly its one past record copied. Prints a FIGURES line.
// Run against `./jitmask up`:  LOOKBACK=300 KEYS=<data dir>/demo-keys npm run lookback
//   (BOOTSTRAP, REGISTRY as for the others; PID of the jitmask process if `ss` cannot tell it from the broker port)
import { Kafka, logLevel } from 'kafkajs';
import { SchemaRegistryClient, AvroSerializer, SerdeType } from '@confluentinc/schemaregistry';
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { customer } from './customers.mjs';
import { signer, digest } from './events.mjs';

const bootstrap = process.env.BOOTSTRAP || 'localhost:9092';
const registryUrl = process.env.REGISTRY || 'http://localhost:8081';
const keysDir = process.env.KEYS || '../.jitmask/demo-keys';
const grants = Number(process.env.LOOKBACK || 300);
const timeoutSeconds = Number(process.env.TIMEOUT_S || 1800);
const brokerPort = bootstrap.split(':').pop();
const kafka = new Kafka({ brokers: [bootstrap], clientId: 'jitmask-interop-lookback', logLevel: logLevel.ERROR });
const client = new SchemaRegistryClient({ baseURLs: [registryUrl] });
const run = randomUUID().slice(0, 8);
const prefix = `lb${run}`;
const signed = signer(keysDir);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let failures = 0;
const fail = (message) => { failures++; console.error(`FAIL ${message}`); };

// The jitmask process: the one listening on the broker port (`up` embeds the broker), unless PID says otherwise.
const listener = () => {
  const out = execFileSync('ss', ['-Hltnp', `sport = :${brokerPort}`], { encoding: 'utf8' });
  const m = out.match(/pid=(\d+)/);
  if (!m) throw new Error(`no process listens on port ${brokerPort} (set PID)`);
  return m[1];
};
const pid = process.env.PID || listener();
const threads = () => readdirSync(`/proc/${pid}/task`).length;
// Established connections of that process to the broker port (its clients' side; with the embedded broker the
// process also holds the broker's side of each, which has the broker port as its local port and is not counted).
const connections = () => execFileSync('ss', ['-Htnp', 'state', 'established', `dport = :${brokerPort}`], { encoding: 'utf8' })
  .split('\n').filter((line) => line.includes(`pid=${pid},`)).length;
const sample = () => ({ threads: threads(), connections: connections() });
const summary = (xs) => ({ min: Math.min(...xs.map((x) => x.threads)), max: Math.max(...xs.map((x) => x.threads)),
  connectionsMin: Math.min(...xs.map((x) => x.connections)), connectionsMax: Math.max(...xs.map((x) => x.connections)) });

const producer = kafka.producer();
await producer.connect();

// The past: one customer per grant, written before any request.
const shipped = await client.getSchemaMetadata('raw.customers-value', 1);
const serializer = new AvroSerializer(client, SerdeType.VALUE, { useSchemaId: shipped.id });
const keyOf = (i) => `LB-${run}-${i}`;
const originals = [];
for (let i = 0; i < grants; i += 100) {
  const messages = [];
  for (let j = i; j < Math.min(grants, i + 100); j++) {
    const value = customer(keyOf(j), j, `lookback${run}`);
    originals.push(value);
    messages.push({ key: keyOf(j), value: await serializer.serialize('raw.customers', value) });
  }
  await producer.send({ topic: 'raw.customers', messages });
}
console.log(`wrote ${grants} customers to raw.customers`);

// The audit trail of this run's requests.
const trail = new Map();
const audit = kafka.consumer({ groupId: `interop-lookback-audit-${run}`, maxWaitTimeInMs: 100 });
await audit.connect();
await audit.subscribe({ topic: 'jit.audit', fromBeginning: true });
await audit.run({ partitionsConsumedConcurrently: 3, eachMessage: async ({ message }) => {
  const key = message.key && message.key.toString();
  if (!key || !key.startsWith(prefix)) return;
  if (!trail.has(key)) trail.set(key, []);
  trail.get(key).push(JSON.parse(message.value.toString()));
} });
const count = (type) => [...trail.values()].filter((events) => events.some((e) => e.type === type)).length;

// Before: the idle process, a few samples.
const before = [];
for (let i = 0; i < 10; i++) { before.push(sample()); await sleep(300); }

// N lookback requests and their approvals, all at once.
const started = Date.now();
const during = [];
let sampling = true;
const sampler = (async () => { while (sampling) { during.push(sample()); await sleep(250); } })();
const messages = [];
for (let i = 0; i < grants; i++) {
  const requestId = `${prefix}${String(i).padStart(5, '0')}`;
  const request = signed({ type: 'REQUESTED', requestId, actor: 'alice', at: new Date().toISOString(), grantee: 'User:alice',
    dataset: 'customers', fields: ['email'], filter: { keys: [keyOf(i)] }, justification: `INC-16 lookback check ${run}`,
    durationSeconds: 3600, lookbackSeconds: 3600 });
  messages.push({ key: requestId, value: JSON.stringify(request) });
  messages.push({ key: requestId, value: JSON.stringify(signed({ type: 'APPROVED', requestId, actor: 'bob',
    at: new Date().toISOString(), requestDigest: digest(request) })) });
}
for (let i = 0; i < messages.length; i += 500) {
  await producer.send({ topic: 'jit.approvals', messages: messages.slice(i, i + 500) });
}
console.log(`posted ${grants} lookback requests and approvals in ${Date.now() - started} ms`);

const deadline = Date.now() + timeoutSeconds * 1000;
let activatedMs = null;
while (Date.now() < deadline && count('BACKFILL_COMPLETED') + count('BACKFILL_STOPPED') + count('REJECTED') < grants) {
  if (activatedMs === null && count('ACTIVATED') === grants) activatedMs = Date.now() - started;
  await sleep(250);
}
if (activatedMs === null && count('ACTIVATED') === grants) activatedMs = Date.now() - started;
const completedMs = Date.now() - started;
sampling = false;
await sampler;
const after = [];
for (let i = 0; i < 20; i++) { after.push(sample()); await sleep(250); }

// Every grant: activated, its catch-up completed with exactly its one past record copied.
for (const [requestId, events] of trail) {
  const types = events.map((e) => e.type);
  if (!types.includes('ACTIVATED')) fail(`${requestId}: no ACTIVATED (${types.join(',')})`);
  const done = events.filter((e) => e.type === 'BACKFILL_COMPLETED');
  if (done.length !== 1) fail(`${requestId}: ${done.length} BACKFILL_COMPLETED (${types.join(',')})`);
  else if (done[0].records !== 1) fail(`${requestId}: BACKFILL_COMPLETED with ${done[0].records} records, expected 1`);
}
if (trail.size !== grants) fail(`audit trail for ${trail.size} of ${grants} requests`);

const figures = {
  grants, pid, posted_to_all_activated_ms: activatedMs, posted_to_all_backfill_completed_ms: completedMs,
  activated: count('ACTIVATED'), backfill_completed: count('BACKFILL_COMPLETED'),
  before: summary(before), during: summary(during), after: summary(after), samples_during: during.length,
};
console.log(`FIGURES ${JSON.stringify(figures)}`);
await producer.disconnect();
await audit.disconnect();
console.log(`lookback ${grants}: ${failures} failures`);
process.exit(failures ? 1 : 0);
