// Cross-language check of jitmask's embedded schema registry and its Confluent wire format, with clients that are
// not part of jitmask: Confluent's JavaScript registry client and Avro serde (@confluentinc/schemaregistry) and
// kafkajs. Driven by io.jitmask.registry.JsInteropIT, which starts the registry, produces a record from Java to
// JAVA_TOPIC, runs this script, then decodes what it wrote to JS_TOPIC. It is not part of ./mvnw verify:
//   cd topology/src/test/js && npm install && cd ../../../.. &&
//   ./mvnw -B -o -pl topology verify -Dit.test=JsInteropIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Djitmask.js.interop=true
'use strict';
const { Kafka, logLevel } = require('kafkajs');
const { SchemaRegistryClient, AvroSerializer, AvroDeserializer, SerdeType } = require('@confluentinc/schemaregistry');

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const registryUrl = env('REGISTRY_URL');
const bootstrap = env('BOOTSTRAP');
const javaTopic = env('JAVA_TOPIC');
const jsTopic = env('JS_TOPIC');
const expectedCustomerId = env('EXPECT_CUSTOMER_ID');
const run = env('RUN_ID');

const ORDER = {
  type: 'record', name: 'Order', namespace: 'interop.js',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'amount', type: 'double' },
    { name: 'card', type: 'string', 'confluent:tags': ['PCI'] },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
};
const ORDER_INCOMPATIBLE = { ...ORDER, fields: [...ORDER.fields, { name: 'required', type: 'int' }] };
const ORDER_COMPATIBLE = { ...ORDER, fields: [...ORDER.fields, { name: 'channel', type: 'string', default: 'web' }] };

let checks = 0;
function check(condition, what) {
  if (!condition) throw new Error(`check failed: ${what}`);
  checks++;
}

async function expectRestError(promise, status, errorCode, what) {
  try {
    await promise;
  } catch (e) {
    check(e.status === status && e.errorCode === errorCode, `${what}: got status ${e.status} error_code ${e.errorCode}`);
    return;
  }
  throw new Error(`check failed: ${what}: no error`);
}

async function consumeOne(kafka, topic) {
  const consumer = kafka.consumer({ groupId: `interop-js-${run}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no record on ${topic} within 60 s`)), 60000);
      consumer.run({
        eachMessage: async ({ message }) => {
          clearTimeout(timer);
          resolve(message);
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
}

async function main() {
  const client = new SchemaRegistryClient({ baseURLs: [registryUrl] });
  const kafka = new Kafka({ brokers: [bootstrap], clientId: `interop-js-${run}`, logLevel: logLevel.ERROR });

  // Java -> JS: the schema Java's serializer registered, and the record it wrote.
  const javaSubject = `${javaTopic}-value`;
  check((await client.getAllSubjects()).includes(javaSubject), `subjects list ${javaSubject}`);
  const latest = await client.getLatestSchemaMetadata(javaSubject);
  check(latest.version === 1 && latest.id > 0, 'latest version of the Java subject');
  const email = JSON.parse(latest.schema).fields.find((f) => f.name === 'email');
  check(email && JSON.stringify(email['confluent:tags']) === '["PII","EMAIL"]', 'field tags survive the registry');
  const message = await consumeOne(kafka, javaTopic);
  check(message.value[0] === 0 && message.value.readInt32BE(1) === latest.id, 'Confluent framing with the registered id');
  const deserializer = new AvroDeserializer(client, SerdeType.VALUE, {});
  const customer = await deserializer.deserialize(javaTopic, message.value);
  check(customer.customerId === expectedCustomerId, 'Java record decoded by the Confluent deserializer');

  // JS -> Java: register, check compatibility, serialize with Confluent's serializer.
  const jsSubject = `${jsTopic}-value`;
  const id = await client.register(jsSubject, { schemaType: 'AVRO', schema: JSON.stringify(ORDER) });
  check(id > 0, 'register returns an id');
  check((await client.register(jsSubject, { schemaType: 'AVRO', schema: JSON.stringify(ORDER) })) === id, 'register is idempotent');
  check((await client.getId(jsSubject, { schemaType: 'AVRO', schema: JSON.stringify(ORDER) })) === id, 'lookup');
  check((await client.getVersion(jsSubject, { schemaType: 'AVRO', schema: JSON.stringify(ORDER) })) === 1, 'version lookup');
  check(JSON.stringify(await client.getAllVersions(jsSubject)) === '[1]', 'versions');
  check((await client.getSchemaMetadata(jsSubject, 1)).id === id, 'version 1');
  check((await client.getDefaultCompatibility()) === 'BACKWARD', 'default compatibility');
  check((await client.testSubjectCompatibility(jsSubject, { schemaType: 'AVRO', schema: JSON.stringify(ORDER_INCOMPATIBLE) })) === false,
    'new field without default is not backward compatible');
  check((await client.testCompatibility(jsSubject, 1, { schemaType: 'AVRO', schema: JSON.stringify(ORDER_COMPATIBLE) })) === true,
    'new field with default is backward compatible');
  await expectRestError(client.register(jsSubject, { schemaType: 'AVRO', schema: JSON.stringify(ORDER_INCOMPATIBLE) }),
    409, 40901, 'incompatible registration (Confluent 8 code)');
  await expectRestError(client.register(jsSubject, { schemaType: 'AVRO', schema: '{"type":"recrd"}' }), 422, 42201, 'invalid schema');
  await expectRestError(client.getLatestSchemaMetadata(`no-such-${run}-value`), 404, 40401, 'unknown subject');
  await expectRestError(client.getSchemaMetadata(jsSubject, 9), 404, 40402, 'unknown version');
  await expectRestError(client.getBySubjectAndId(jsSubject, 2147483000), 404, 40403, 'unknown id');
  check((await client.updateCompatibility(jsSubject, 'FULL')) === 'FULL', 'set subject compatibility');
  check((await client.getCompatibility(jsSubject)) === 'FULL', 'get subject compatibility');

  const serializer = new AvroSerializer(client, SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true });
  const order = { orderId: `JS-${run}`, amount: 12.5, card: '4111111111111111', note: 'from kafkajs' };
  const bytes = await serializer.serialize(jsTopic, order);
  check(bytes[0] === 0 && bytes.readInt32BE(1) === id, 'Confluent framing from the JS serializer');
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: jsTopic, messages: [{ key: order.orderId, value: bytes }] });
  await producer.disconnect();

  // Throwaway subject: soft then permanent delete.
  const scratch = `scratch-${run}-value`;
  await client.register(scratch, { schemaType: 'AVRO', schema: JSON.stringify(ORDER) });
  check(JSON.stringify(await client.deleteSubject(scratch)) === '[1]', 'soft delete');
  check(JSON.stringify(await client.deleteSubject(scratch, true)) === '[1]', 'permanent delete');
  check(!(await client.getAllSubjects()).includes(scratch), 'deleted subject gone');

  console.log(`INTEROP OK: ${checks} checks passed`);
}

main().then(() => process.exit(0), (e) => {
  console.error(`INTEROP FAILED: ${e.message}`);
  process.exit(1);
});
