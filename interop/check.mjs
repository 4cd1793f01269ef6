// Interoperability check with clients that are not part of jitmask: Confluent's JavaScript schema registry
// client and Avro serde (@confluentinc/schemaregistry) with kafkajs. Produces customers to raw.customers through
// the registry, reads masked.customers back, and checks every tagged field is masked and every other field is
// unchanged. Run against `./jitmask up`:  cd interop && npm install && npm run check
import { Kafka, logLevel } from 'kafkajs';
import { SchemaRegistryClient, AvroSerializer, AvroDeserializer, SerdeType } from '@confluentinc/schemaregistry';
import { randomUUID } from 'node:crypto';
import { customer, get } from './customers.mjs';

const bootstrap = process.env.BOOTSTRAP || 'localhost:9092';
const registryUrl = process.env.REGISTRY || 'http://localhost:8081';
const client = new SchemaRegistryClient({ baseURLs: [registryUrl] });
const deserializer = new AvroDeserializer(client, SerdeType.VALUE, {});
const kafka = new Kafka({ brokers: [bootstrap], clientId: 'jitmask-interop', logLevel: logLevel.ERROR });

// The shipped version (1): what its tags name must be masked whatever later versions (e.g. hostile.mjs's) say.
const shipped = await client.getSchemaMetadata('raw.customers-value', 1);
const schema = JSON.parse(shipped.schema);
const serializer = new AvroSerializer(client, SerdeType.VALUE, { useSchemaId: shipped.id });
const tagged = [];
for (const f of schema.fields) {
  if (f['confluent:tags']) tagged.push(f.name);
  if (f.type && f.type.type === 'record') {
    for (const g of f.type.fields) if (g['confluent:tags']) tagged.push(`${f.name}.${g.name}`);
  }
}
const run = randomUUID().slice(0, 8);
const customers = [1, 2, 3].map((i) => customer(`JS-${run}-${i}`, i, `interop${run}`));

const producer = kafka.producer();
await producer.connect();
for (const c of customers) {
  const value = await serializer.serialize('raw.customers', c);
  await producer.send({ topic: 'raw.customers', messages: [{ key: c.customerId, value }] });
}
await producer.disconnect();

const consumer = kafka.consumer({ groupId: `interop-${run}` });
await consumer.connect();
await consumer.subscribe({ topic: 'masked.customers', fromBeginning: true });
const seen = new Map();
const done = new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`only ${seen.size} of 3 masked records within 60 s`)), 60000);
  consumer.run({
    eachMessage: async ({ message }) => {
      const key = message.key && message.key.toString();
      if (!key || !key.startsWith(`JS-${run}-`)) return;
      seen.set(key, await deserializer.deserialize('masked.customers', message.value));
      if (seen.size === 3) { clearTimeout(timer); resolve(); }
    },
  });
});
await done;
await consumer.disconnect();

let failures = 0;
for (const c of customers) {
  const m = seen.get(c.customerId);
  const paths = [];
  for (const f of schema.fields) {
    if (f.type && f.type.type === 'record') for (const g of f.type.fields) paths.push(`${f.name}.${g.name}`);
    else paths.push(f.name);
  }
  for (const p of paths) {
    const before = JSON.stringify(get(c, p));
    const after = JSON.stringify(get(m, p));
    const isTagged = tagged.includes(p);
    if (isTagged && before === after) { failures++; console.error(`FAIL ${c.customerId} ${p}: tagged but unchanged`); }
    if (!isTagged && before !== after) { failures++; console.error(`FAIL ${c.customerId} ${p}: untagged but changed`); }
  }
}
console.log(`checked ${customers.length} records, ${tagged.length} tagged fields each (${tagged.join(', ')}): ${failures} failures`);
process.exit(failures === 0 ? 0 : 1);
