// Grant flow from outside: signs REQUESTED and APPROVED events per the documented contract (Ed25519 over
// canonical JSON, SHA-256 request digest), reads clear values from the grant topic, and follows the audit trail
// until the grant has expired and its topic is gone. Run against `./jitmask up`:  npm run grant
import { Kafka, logLevel } from 'kafkajs';
import { SchemaRegistryClient, AvroSerializer, AvroDeserializer, SerdeType } from '@confluentinc/schemaregistry';
import { randomUUID } from 'node:crypto';
import { signer, digest } from './events.mjs';

const bootstrap = process.env.BOOTSTRAP || 'localhost:9092';
const registryUrl = process.env.REGISTRY || 'http://localhost:8081';
const keys = process.env.KEYS || '../.jitmask/demo-keys';
const kafka = new Kafka({ brokers: [bootstrap], clientId: 'jitmask-interop-grant', logLevel: logLevel.ERROR });
const client = new SchemaRegistryClient({ baseURLs: [registryUrl] });

const signed = signer(keys);

const run = randomUUID().slice(0, 8);
const requestId = `js${run}`;
const customerKey = `JSG-${run}`;
const request = signed({ type: 'REQUESTED', requestId, actor: 'alice', at: new Date().toISOString(), grantee: 'User:alice',
  dataset: 'customers', fields: ['email'], filter: { keys: [customerKey] }, justification: 'INC-77 interop check',
  durationSeconds: 20 }, 'alice');
const approval = signed({ type: 'APPROVED', requestId, actor: 'bob', at: new Date().toISOString(),
  requestDigest: digest(request) }, 'bob');

const producer = kafka.producer();
await producer.connect();
await producer.send({ topic: 'jit.approvals', messages: [{ key: requestId, value: JSON.stringify(request) }] });
await producer.send({ topic: 'jit.approvals', messages: [{ key: requestId, value: JSON.stringify(approval) }] });

const trail = [];
const audit = kafka.consumer({ groupId: `interop-audit-${run}` });
await audit.connect();
await audit.subscribe({ topic: 'jit.audit', fromBeginning: true });
await audit.run({ eachMessage: async ({ message }) => {
  if (message.key && message.key.toString() === requestId) trail.push(JSON.parse(message.value.toString()));
} });
const waitFor = async (type, seconds) => {
  for (let i = 0; i < seconds * 10 && !trail.some((e) => e.type === type); i++) await new Promise((r) => setTimeout(r, 100));
  if (!trail.some((e) => e.type === type)) throw new Error(`no ${type} in ${seconds}s; trail: ${trail.map((e) => e.type + (e.reason ? `(${e.reason})` : ''))}`);
};
await waitFor('ACTIVATED', 30);
const expiresAt = Date.parse(trail.find((e) => e.type === 'ACTIVATED').expiresAt);

const original = {
  customerId: customerKey, name: 'Grant Interop', email: `grant.${run}@example.net`, phone: null, nationalId: 'ZZ999999Z',
  dateOfBirth: 8000, address: { street: '1 Grant Way', city: 'Leeds', postalCode: 'LS1 1AA', country: 'GB' },
  segment: 'PREMIUM', createdAt: 1700000000000, loyaltyPoints: 1, preferredLanguage: 'en', marketingOptIn: true,
  riskScore: 0.1, accountManager: 'Nobody', bio: 'no contact details',
};
const serializer = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true });
await new Promise((r) => setTimeout(r, 2000)); // the grant reaches the masking path through the global store
await producer.send({ topic: 'raw.customers', messages: [{ key: customerKey, value: await serializer.serialize('raw.customers', original) }] });

const topic = `grant.customers.${requestId}`;
const deserializer = new AvroDeserializer(client, SerdeType.VALUE, {});
const reader = kafka.consumer({ groupId: `interop-grant-${run}` });
await reader.connect();
await reader.subscribe({ topic, fromBeginning: true });
const copy = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('no copy on the grant topic within 30 s')), 30000);
  reader.run({ eachMessage: async ({ message }) => { clearTimeout(timer); resolve(await deserializer.deserialize(topic, message.value)); } });
});
await reader.disconnect();
const problems = [];
if (copy.email !== original.email) problems.push('granted field email is not in clear');
if (copy.name === original.name) problems.push('name was not granted but is in clear');
if (copy.nationalId === original.nationalId) problems.push('nationalId was not granted but is in clear');

await waitFor('TOPIC_DELETED', 60);
const types = trail.map((e) => e.type);
const expected = ['REQUESTED', 'APPROVED', 'ACTIVATED', 'EXPIRY_DETECTED', 'DISCLOSURE_SUMMARY', 'EXPIRED', 'TOPIC_DELETED'];
if (JSON.stringify(types) !== JSON.stringify(expected)) problems.push(`audit trail ${types}`);
const summary = trail.find((e) => e.type === 'DISCLOSURE_SUMMARY');
if (summary.records !== 1) problems.push(`disclosure summary says ${summary.records} records`);
const tombstoneLatencyMs = Date.parse(trail.find((e) => e.type === 'EXPIRY_DETECTED').at) - expiresAt;

await producer.disconnect();
await audit.disconnect();

console.log(`grant ${requestId}: copy ok=${problems.length === 0}, audit ${types.join(' > ')}, expiry detected ${tombstoneLatencyMs} ms after expiresAt`);
if (problems.length) { console.error(problems.join('\n')); process.exit(1); }
process.exit(0);
