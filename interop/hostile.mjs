// A careless or hostile producer, with Confluent's own JavaScript registry client and Avro serializer:
//  1. registers a new version of raw.customers-value with every confluent:tags removed and a new field `notes`;
//  2. produces customers with that version, a canary in every field that was ever sensitive and in `notes`;
//  3. produces a record to raw.customers written with the schema id of an unrelated subject;
// then checks that the canary is on no topic but raw.* (masked.customers, jit.dlq, jit.audit, changelogs...),
// that every once-sensitive field and the new field are masked on masked.customers, and that the foreign record
// is dead-lettered as SchemaNotForDataset. Run against a fresh `./jitmask up`:  npm run hostile
// Secure mode (register as the producer, read every topic as admin): REGISTRY_AUTH=producer:<password>
// REGISTRY_ADMIN_AUTH=admin:<password> SASL_USER=admin
// SASL_MECHANISM=plain SASL_PASS=<password> SSL=1 npm run hostile
import { Kafka, logLevel } from 'kafkajs';
import { SchemaRegistryClient, AvroSerializer, AvroDeserializer, SerdeType } from '@confluentinc/schemaregistry';
import { randomUUID } from 'node:crypto';
import { customer, publicFields, get } from './customers.mjs';

const bootstrap = process.env.BOOTSTRAP || 'localhost:9092';
const registryUrl = process.env.REGISTRY || 'http://localhost:8081';
const registryConfig = { baseURLs: [registryUrl] };
if (process.env.REGISTRY_AUTH) {
  registryConfig.basicAuthCredentials = { credentialsSource: 'USER_INFO', userInfo: process.env.REGISTRY_AUTH };
}
const kafkaConfig = { brokers: [bootstrap], clientId: 'jitmask-interop-hostile', logLevel: logLevel.ERROR };
if (process.env.SASL_USER) {
  kafkaConfig.sasl = { mechanism: process.env.SASL_MECHANISM || 'scram-sha-512', username: process.env.SASL_USER, password: process.env.SASL_PASS };
}
if (process.env.SSL) kafkaConfig.ssl = { rejectUnauthorized: false };
const client = new SchemaRegistryClient(registryConfig);
const kafka = new Kafka(kafkaConfig);
const run = randomUUID().slice(0, 8);
const canary = `CANARY${run}`;
let failures = 0;
const fail = (message) => { failures++; console.error(`FAIL ${message}`); };

// 1. The shipped schema without any tag, plus a field no policy has heard of.
const latest = await client.getLatestSchemaMetadata('raw.customers-value');
const stripTags = (node) => {
  if (Array.isArray(node)) return node.map(stripTags);
  if (node && typeof node === 'object') {
    const copy = {};
    for (const [k, v] of Object.entries(node)) if (k !== 'confluent:tags') copy[k] = stripTags(v);
    return copy;
  }
  return node;
};
const untagged = stripTags(JSON.parse(latest.schema));
if (!untagged.fields.some((f) => f.name === 'notes')) untagged.fields.push({ name: 'notes', type: 'string', default: '' });
const schemaText = JSON.stringify(untagged);
const newId = await client.register('raw.customers-value', { schemaType: 'AVRO', schema: schemaText });
console.log(`registered an untagged version of raw.customers-value: id ${newId}`);

const sensitive = ['name', 'email', 'phone', 'nationalId', 'address.street', 'address.postalCode', 'bio', 'notes'];
const customers = [1, 2, 3].map((i) => customer(`HOSTILE-${run}-${i}`, i, canary, { phone: `${canary}-${i}`, notes: `${canary} notes ${i}` }));

// useSchemaId: the client caches the latest version it looked up above.
const serializer = new AvroSerializer(client, SerdeType.VALUE, { useSchemaId: newId });
const producer = kafka.producer();
await producer.connect();
for (const c of customers) {
  await producer.send({ topic: 'raw.customers', messages: [{ key: c.customerId, value: await serializer.serialize('raw.customers', c) }] });
}

// 3. A schema registered under an unrelated subject, used to write to raw.customers.
const foreignSchema = { type: 'record', name: 'Foreign', namespace: 'io.hostile', fields: [{ name: 'secret', type: 'string' }] };
// In secure mode the producer may register under raw.* only: the unrelated subject is someone else's (admin's).
const foreignClient = process.env.REGISTRY_ADMIN_AUTH ? new SchemaRegistryClient({ baseURLs: [registryUrl],
  basicAuthCredentials: { credentialsSource: 'USER_INFO', userInfo: process.env.REGISTRY_ADMIN_AUTH } }) : client;
const foreignId = await foreignClient.register(`hostile.${run}-value`, { schemaType: 'AVRO', schema: JSON.stringify(foreignSchema) });
const foreignSerializer = new AvroSerializer(foreignClient, SerdeType.VALUE, { useSchemaId: foreignId });
const foreignKey = `HOSTILE-${run}-foreign`;
await producer.send({ topic: 'raw.customers', messages: [{ key: foreignKey,
  value: await foreignSerializer.serialize(`hostile.${run}`, { secret: `${canary} foreign` }) }] });
await producer.disconnect();

// Masked records: every once-sensitive field and the new field changed, every other field as written.
const deserializer = new AvroDeserializer(client, SerdeType.VALUE, {});
const masked = new Map();
const dlq = [];
const consumer = kafka.consumer({ groupId: `interop-hostile-${run}` });
await consumer.connect();
await consumer.subscribe({ topics: ['masked.customers', 'jit.dlq'], fromBeginning: true });
await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`within 60 s: ${masked.size} of 3 masked records, ${dlq.length} of 1 DLQ letters`)), 60000);
  consumer.run({
    eachMessage: async ({ topic, message }) => {
      const key = message.key && message.key.toString();
      if (topic === 'masked.customers' && key && key.startsWith(`HOSTILE-${run}-`)) {
        masked.set(key, await deserializer.deserialize('masked.customers', message.value));
      }
      if (topic === 'jit.dlq' && message.value.toString().includes(`"dataset":"customers"`)) {
        const letter = JSON.parse(message.value.toString());
        if (letter.topic === 'raw.customers') dlq.push({ key, letter });
      }
      const foreignLetter = dlq.some((d) => JSON.stringify(d.letter).includes('SchemaNotForDataset'));
      if (masked.size === 3 && foreignLetter) { clearTimeout(timer); resolve(); }
    },
  });
}).catch((e) => fail(e.message));
await consumer.disconnect();

for (const c of customers) {
  const m = masked.get(c.customerId);
  if (!m) { fail(`${c.customerId}: not on masked.customers`); continue; }
  for (const p of sensitive) {
    if (JSON.stringify(get(c, p)) === JSON.stringify(get(m, p))) fail(`${c.customerId} ${p}: in clear on masked.customers`);
  }
  for (const p of publicFields) {
    if (JSON.stringify(get(c, p)) !== JSON.stringify(get(m, p))) fail(`${c.customerId} ${p}: public but changed`);
  }
}
if (!dlq.some((d) => JSON.stringify(d.letter).includes('SchemaNotForDataset'))) {
  fail('the record written with a foreign schema id is not dead-lettered as SchemaNotForDataset');
}

// The canary anywhere but raw.* and grant.*: every record's key, value and headers, on every other topic.
const admin = kafka.admin();
await admin.connect();
const topics = (await admin.listTopics()).filter((t) => !t.startsWith('raw.') && !t.startsWith('grant.') && !t.startsWith('__'));
let scanned = 0;
for (const topic of topics) {
  const ends = await admin.fetchTopicOffsets(topic);
  const pending = new Map(ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]));
  if (pending.size === 0) continue;
  // read_uncommitted: a canary in an aborted transaction is a leak too.
  const scan = kafka.consumer({ groupId: `interop-hostile-scan-${run}-${topic}`, readUncommitted: true });
  await scan.connect();
  await scan.subscribe({ topic, fromBeginning: true });
  await new Promise((resolve) => {
    // Only a bound: every partition ends on its own batch below.
    const timer = setTimeout(() => {
      fail(`${topic}: partitions ${[...pending.keys()].join(', ')} not read to their end (${[...pending.values()].join(', ')}) in 30 s`);
      resolve();
    }, 30000);
    scan.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          scanned++;
          const parts = [message.key, message.value, ...Object.values(message.headers || {})].filter(Boolean);
          if (parts.some((b) => Buffer.from(b).includes(canary) || Buffer.from(b).includes(canary.toLowerCase()))) {
            fail(`canary on ${topic} partition ${batch.partition} offset ${message.offset}`);
          }
        }
        // A transactional topic's last offset is a commit marker, which never comes as a message (waiting for it
        // cost 30 s per such topic): the fetched batch's last offset counts the markers it held, so the partition
        // is read once the batch reaches the end measured before the scan, or its high watermark if that is lower
        // (the records since deleted: nothing more to read).
        const end = pending.get(batch.partition);
        if (end !== undefined && Number(batch.lastOffset()) + 1 >= Math.min(end, Number(batch.highWatermark))) {
          pending.delete(batch.partition);
        }
        if (pending.size === 0) { clearTimeout(timer); resolve(); }
      },
    });
  });
  await scan.disconnect();
}
await admin.disconnect();
console.log(`hostile producer: 3 untagged records, 1 foreign-schema record; ${topics.length} topics and ${scanned} records scanned for the canary: ${failures} failures`);
process.exit(failures === 0 ? 0 : 1);
