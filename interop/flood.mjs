// A flood of signed requests from outside, as issue 16 checks it: while probe customers are timed from
// raw.customers to masked.customers, FLOOD requests (each REQUESTED, then DENIED by an approver) are posted to
// jit.approvals with kafkajs, signed here per the documented contract (Ed25519 over canonical JSON). Then a fresh
// request is approved and timed to its ACTIVATED event and to its first copy on the grant topic. Reports the
// masking latency before and during the flood, the lifecycle's drain rate, and the fresh approval's latency.
// Run against `./jitmask up`:  FLOOD=50000 npm run flood   (KEYS=<data dir>/demo-keys when up has --data-dir)
import { Kafka, logLevel } from 'kafkajs';
import { SchemaRegistryClient, AvroSerializer, AvroDeserializer, SerdeType } from '@confluentinc/schemaregistry';
import { randomUUID } from 'node:crypto';
import { customer } from './customers.mjs';
import { signer, digest } from './events.mjs';

const bootstrap = process.env.BOOTSTRAP || 'localhost:9092';
const registryUrl = process.env.REGISTRY || 'http://localhost:8081';
const keysDir = process.env.KEYS || '../.jitmask/demo-keys';
const flood = Number(process.env.FLOOD || 50000);
const baselineSeconds = Number(process.env.BASELINE_S || 20);
const probeEveryMs = Number(process.env.PROBE_MS || 200);
const drainTimeoutSeconds = Number(process.env.DRAIN_TIMEOUT_S || 3600);
const kafka = new Kafka({ brokers: [bootstrap], clientId: 'jitmask-interop-flood', logLevel: logLevel.ERROR });
const client = new SchemaRegistryClient({ baseURLs: [registryUrl] });
const run = randomUUID().slice(0, 8);
const floodPrefix = `fl${run}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let failures = 0;
const fail = (message) => { failures++; console.error(`FAIL ${message}`); };

const signed = signer(keysDir);

// Probes: one customer every probeEveryMs, timed from send to its arrival on masked.customers.
const shipped = await client.getSchemaMetadata('raw.customers-value', 1);
const serializer = new AvroSerializer(client, SerdeType.VALUE, { useSchemaId: shipped.id });
const producer = kafka.producer();
await producer.connect();
const sentAt = new Map();
const latencies = { baseline: [], flood: [], after: [] };
let phase = 'warmup';
const masked = kafka.consumer({ groupId: `interop-flood-masked-${run}`, maxWaitTimeInMs: 100 });
await masked.connect();
await masked.subscribe({ topic: 'masked.customers', fromBeginning: false });
const arrived = new Set();
await masked.run({ eachMessage: async ({ message }) => {
  const key = message.key && message.key.toString();
  if (!key || !sentAt.has(key)) return;
  if (arrived.has(key)) { fail(`${key} on masked.customers twice`); return; }
  arrived.add(key);
  const { at, during } = sentAt.get(key);
  if (during !== 'warmup') latencies[during].push(Date.now() - at);
} });
let probeNo = 0;
const probe = async () => {
  const key = `FLOODPROBE-${run}-${probeNo}`;
  const value = await serializer.serialize('raw.customers', customer(key, probeNo++, `flood${run}`));
  sentAt.set(key, { at: Date.now(), during: phase });
  await producer.send({ topic: 'raw.customers', messages: [{ key, value }] });
};
// fromBeginning: false starts at the end once the group has joined; probe until one arrives, then measure.
while (arrived.size === 0) { await probe(); await sleep(500); }
let probing = true;
const prober = (async () => { while (probing) { await probe(); await sleep(probeEveryMs); } })();

// The audit trail of this run's requests.
const auditCounts = { flood: 0 };
const trail = new Map();
const audit = kafka.consumer({ groupId: `interop-flood-audit-${run}`, maxWaitTimeInMs: 100 });
await audit.connect();
await audit.subscribe({ topic: 'jit.audit', fromBeginning: false });
await audit.run({ partitionsConsumedConcurrently: 3, eachMessage: async ({ message }) => {
  const key = message.key && message.key.toString();
  if (!key) return;
  if (key.startsWith(floodPrefix)) { auditCounts.flood++; return; }
  if (trail.has(key)) trail.get(key).push({ ...JSON.parse(message.value.toString()), seenAt: Date.now() });
} });

phase = 'baseline';
console.log(`baseline: ${baselineSeconds} s of probes every ${probeEveryMs} ms`);
await sleep(baselineSeconds * 1000);

// The flood: FLOOD requests from two requesters, each followed by a denial.
phase = 'flood';
const floodStart = Date.now();
const batch = 500;
for (let i = 0; i < flood; i += batch) {
  const messages = [];
  for (let j = i; j < Math.min(flood, i + batch); j++) {
    const requestId = `${floodPrefix}${String(j).padStart(7, '0')}`;
    const at = new Date().toISOString();
    const request = signed({ type: 'REQUESTED', requestId, actor: j % 2 ? 'dave' : 'alice', at,
      grantee: j % 2 ? 'User:dave' : 'User:alice', dataset: 'customers', fields: ['email'], filter: { keys: [`NOPE-${j}`] },
      justification: `flood ${run}`, durationSeconds: 600 });
    messages.push({ key: requestId, value: JSON.stringify(request) });
    messages.push({ key: requestId, value: JSON.stringify(signed({ type: 'DENIED', requestId, actor: 'bob', at, reason: 'flood' })) });
  }
  await producer.send({ topic: 'jit.approvals', messages });
}
const posted = Date.now();
console.log(`posted ${flood} requests and ${flood} denials in ${posted - floodStart} ms`);

// A fresh approval right behind the flood: timed to ACTIVATED and to its first copy. Asked by carol, who is not in
// the flood: the per-requester limit counts requests in flight, so alice's places are taken by her flooded requests.
const freshId = `fresh${run}`;
const freshKey = `FRESH-${run}`;
trail.set(freshId, []);
const freshRequest = signed({ type: 'REQUESTED', requestId: freshId, actor: 'carol', at: new Date().toISOString(),
  grantee: 'User:carol', dataset: 'customers', fields: ['email'], filter: { keys: [freshKey] },
  justification: `INC-16 flood check ${run}`, durationSeconds: 600 });
await producer.send({ topic: 'jit.approvals', messages: [{ key: freshId, value: JSON.stringify(freshRequest) }] });
const approvedAt = Date.now();
await producer.send({ topic: 'jit.approvals', messages: [{ key: freshId, value: JSON.stringify(signed({ type: 'APPROVED',
  requestId: freshId, actor: 'bob', at: new Date().toISOString(), requestDigest: digest(freshRequest) })) }] });
const until = async (what, condition, seconds) => {
  for (const deadline = Date.now() + seconds * 1000; Date.now() < deadline;) { if (condition()) return true; await sleep(100); }
  fail(`${what} not within ${seconds} s`);
  return false;
};
let activatedMs = null;
let firstCopyMs = null;
if (await until('ACTIVATED of the fresh request', () => trail.get(freshId).some((e) => e.type === 'ACTIVATED'), drainTimeoutSeconds)) {
  activatedMs = trail.get(freshId).find((e) => e.type === 'ACTIVATED').seenAt - approvedAt;
  const deserializer = new AvroDeserializer(client, SerdeType.VALUE, {});
  const topic = `grant.customers.${freshId}`;
  const reader = kafka.consumer({ groupId: `interop-flood-grant-${run}`, maxWaitTimeInMs: 100 });
  await reader.connect();
  await reader.subscribe({ topic, fromBeginning: true });
  let copy = null;
  await reader.run({ eachMessage: async ({ message }) => {
    if (!copy) { copy = await deserializer.deserialize(topic, message.value); firstCopyMs = Date.now() - approvedAt; }
  } });
  const original = customer(freshKey, 1, `fresh${run}`);
  for (let n = 0; !copy && n < 600; n++) {
    await producer.send({ topic: 'raw.customers', messages: [{ key: freshKey,
      value: await serializer.serialize('raw.customers', original) }] });
    await sleep(500);
  }
  if (!copy) fail('no copy on the fresh grant topic within 300 s of activation');
  else if (copy.email !== original.email) fail('the fresh grant copy has email masked');
  await reader.disconnect();
}

await until(`the audit of all ${flood} flood requests (2 events each)`, () => auditCounts.flood >= 2 * flood, drainTimeoutSeconds);
const drained = Date.now();
phase = 'after';
await sleep(5000);
probing = false;
await prober;
await until('every probe on masked.customers', () => arrived.size === sentAt.size, 120);

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => (s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : null);
  return { n: s.length, p50: at(0.5), p95: at(0.95), max: s.length ? s[s.length - 1] : null };
};
const figures = {
  flood, posted_ms: posted - floodStart, drain_s: (drained - floodStart) / 1000,
  lifecycle_events_per_s: Math.round((2 * flood) / ((drained - floodStart) / 1000)),
  masking_latency_ms: { baseline: stats(latencies.baseline), flood: stats(latencies.flood), after: stats(latencies.after) },
  fresh_approval_to_activated_ms: activatedMs, fresh_approval_to_first_copy_ms: firstCopyMs,
  probes_sent: sentAt.size, probes_arrived: arrived.size,
};
const base = figures.masking_latency_ms.baseline.p95;
const during = figures.masking_latency_ms.flood.p95;
figures.latency_p95_ratio_flood_vs_baseline = base && during ? Math.round((during / base) * 100) / 100 : null;
console.log(`FIGURES ${JSON.stringify(figures)}`);
await producer.disconnect();
await masked.disconnect();
await audit.disconnect();
console.log(`flood ${flood}: ${failures} failures`);
process.exit(failures ? 1 : 0);
