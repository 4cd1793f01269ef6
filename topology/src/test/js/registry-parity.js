// Data contracts, JSON Schema and Protobuf with references, through Confluent's own JavaScript registry client and
// serdes (@confluentinc/schemaregistry) against jitmask's embedded registry. Driven by
// io.jitmask.registry.JsInteropIT (opt-in, needs node and `npm install` here):
//   PHASE=write   registers, reads back, evolves, checks compatibility and round-trips records through the serdes;
//   PHASE=reread  after the registry restarted from _schemas: the same reads give the same answers.
'use strict';
const {
  SchemaRegistryClient, SerdeType, AvroSerializer, AvroDeserializer, JsonSerializer, JsonDeserializer,
  ProtobufSerializer, ProtobufDeserializer, HeaderSchemaIdSerializer, VALUE_SCHEMA_ID_HEADER,
} = require('@confluentinc/schemaregistry');
const { create, createFileRegistry, fromBinary } = require('@bufbuild/protobuf');
const { FileDescriptorProtoSchema, file_google_protobuf_timestamp, timestampFromMs } = require('@bufbuild/protobuf/wkt');

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const registryUrl = env('REGISTRY_URL');
const run = env('RUN_ID');
const phase = env('PHASE');

let checks = 0;
function check(condition, what) {
  if (!condition) throw new Error(`check failed: ${what}`);
  checks++;
}
function same(actual, expected, what) {
  check(JSON.stringify(actual) === JSON.stringify(expected), `${what}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
}
async function expectRestError(promise, status, errorCode, what) {
  try {
    await promise;
  } catch (e) {
    check(e.status === status && e.errorCode === errorCode, `${what}: got status ${e.status} error_code ${e.errorCode} (${e.message})`);
    return;
  }
  throw new Error(`check failed: ${what}: no error`);
}

// As Confluent answers it: tags, properties, sensitive, each sorted (its Metadata keeps sorted maps and sets).
const METADATA = { tags: { 'shop.Customer.email': ['PII'] }, properties: { owner: 'crm-team' }, sensitive: ['owner'] };
const RULE_SET = {
  domainRules: [{ name: 'checkEmail', kind: 'CONDITION', mode: 'WRITE', type: 'CEL', expr: "message.email != ''", disabled: true }],
};
const ADDRESS_AVRO = { type: 'record', name: 'Address', namespace: 'shop', fields: [{ name: 'city', type: 'string' }] };
const CUSTOMER_AVRO = {
  type: 'record', name: 'Customer', namespace: 'shop',
  fields: [{ name: 'email', type: 'string', 'confluent:tags': ['PII'] }, { name: 'address', type: 'shop.Address' }],
};
const ADDRESS_JSON = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
const CUSTOMER_JSON = {
  type: 'object', additionalProperties: false,
  properties: { email: { type: 'string', 'confluent:tags': ['PII'] }, address: { $ref: 'address.json' } },
};
const ADDRESS_PROTO = 'syntax = "proto3";\npackage shop.common;\n\nmessage Address {\n  string city = 1;\n}\n';
const CUSTOMER_PROTO = 'syntax = "proto3";\npackage shop;\n\nimport "common/address.proto";\nimport "confluent/meta.proto";\n\n'
  + 'message Customer {\n  string email = 1 [(confluent.field_meta) = { tags: ["PII"] }];\n  shop.common.Address address = 2;\n}\n';

const S = {
  avroAddress: `avro-address-${run}`, avroCustomer: `avro-customer-${run}-value`,
  jsonAddress: `json-address-${run}`, jsonCustomer: `json-customer-${run}-value`,
  protoAddress: `proto-address-${run}`, protoCustomer: `proto-customer-${run}-value`,
  protoOrder: `proto-order-${run}-value`,
  jsonOpen: `json-open-${run}-value`, jsonDeps: `json-deps-${run}-value`, jsonSealed: `json-sealed-${run}-value`,
  protoTicket: `proto-ticket-${run}-value`,
  avroSorted: `avro-sorted-${run}-value`, avroPinned: `avro-pinned-${run}-value`, avroRules: `avro-rules-${run}-value`,
};
const CONTEXT = `.ctx-${run}`;
const GONE = `.gone-${run}`;
const ORDER_PROTO = 'syntax = "proto3";\npackage shop;\n\nimport "common/address.proto";\nimport "google/protobuf/timestamp.proto";\n\n'
  + 'message Order {\n  string order_id = 1;\n  google.protobuf.Timestamp placed_at = 2;\n  shop.common.Address ship_to = 3;\n'
  + '  Status status = 4;\n  map<string, string> notes = 5;\n\n  enum Status {\n    NEW = 0;\n    SHIPPED = 1;\n  }\n}\n';
// The same schema in another layout: fields out of order, types qualified otherwise, imports the other way round.
const ORDER_PROTO_RELAID = 'syntax = "proto3";\n\npackage shop;\nimport "google/protobuf/timestamp.proto";\nimport "common/address.proto";\n'
  + 'message Order {\n  map<string, string> notes = 5;\n  .shop.Order.Status status = 4;\n  string order_id = 1;\n'
  + '  .google.protobuf.Timestamp placed_at = 2;\n  .shop.common.Address ship_to = 3;\n'
  + '  enum Status { SHIPPED = 1; NEW = 0; }\n}\n';

// A @bufbuild/protobuf registry of the registered Order schema, reflected from the registry's serialized form (the
// FileDescriptorProto Confluent's serdes ask for with ?format=serialized), its reference renamed to its import name.
async function orderRegistry(client) {
  const order = await client.getLatestSchemaMetadata(S.protoOrder, 'serialized');
  const address = await client.getSchemaMetadata(S.protoAddress, 1, false, 'serialized');
  const file = fromBinary(FileDescriptorProtoSchema, Buffer.from(order.schema, 'base64'));
  return createFileRegistry(file, (name) => {
    if (name === 'google/protobuf/timestamp.proto') return file_google_protobuf_timestamp.proto;
    if (name === 'common/address.proto') {
      const dep = fromBinary(FileDescriptorProtoSchema, Buffer.from(address.schema, 'base64'));
      dep.name = name;
      return dep;
    }
    throw new Error(`unexpected import ${name}`);
  });
}

// The serdes get their own client: Confluent's JS client caches schemas by subject and id, not by format, so one
// that already read the text form would hand it to the Protobuf deserializer, which needs the serialized one.
async function protobufRoundTrip(client, orderId) {
  const serdeClient = new SchemaRegistryClient({ baseURLs: [registryUrl] });
  const registry = await orderRegistry(serdeClient);
  const Order = registry.getMessage('shop.Order');
  const Address = registry.getMessage('shop.common.Address');
  check(Order != null && Address != null, 'Order and Address reflected from the serialized schemas');
  const sent = create(Order, {
    orderId, placedAt: timestampFromMs(Date.UTC(2026, 10, 25, 10, 0, 0)),
    shipTo: create(Address, { city: 'Porto' }), status: 1, notes: { gift: 'yes' },
  });
  const serializer = new ProtobufSerializer(serdeClient, SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true, registry });
  const bytes = await serializer.serialize(`proto-order-${run}`, sent);
  const latest = await new SchemaRegistryClient({ baseURLs: [registryUrl] }).getLatestSchemaMetadata(S.protoOrder);
  check(bytes.readInt32BE(1) === latest.id, 'Protobuf serializer framed the latest id');
  const back = await new ProtobufDeserializer(serdeClient, SerdeType.VALUE, {}).deserialize(`proto-order-${run}`, bytes);
  same(back.$typeName, 'shop.Order', 'Protobuf message type read back');
  same([back.orderId, back.shipTo.city, back.status, back.notes.gift, Number(back.placedAt.seconds)],
    [orderId, 'Porto', 1, 'yes', Date.UTC(2026, 10, 25, 10, 0, 0) / 1000], 'Protobuf round trip through a reference and a map');
}
const ref = (name, subject) => [{ name, subject, version: 1 }];

async function write(client) {
  // Avro with a reference and a data contract.
  const address = await client.registerFullResponse(S.avroAddress, { schemaType: 'AVRO', schema: JSON.stringify(ADDRESS_AVRO) });
  check(address.id > 0 && address.version === 1, 'register answers id and version');
  const customerInfo = {
    schemaType: 'AVRO', schema: JSON.stringify(CUSTOMER_AVRO), references: ref('shop.Address', S.avroAddress),
    metadata: METADATA, ruleSet: RULE_SET,
  };
  const customer = await client.registerFullResponse(S.avroCustomer, customerInfo);
  check(customer.version === 1, 'first version');
  same(customer.metadata, METADATA, 'register answers the metadata');
  same(customer.ruleSet, RULE_SET, 'register answers the rule set');
  const byId = await client.getBySubjectAndId(S.avroCustomer, customer.id);
  same(byId.metadata, METADATA, 'metadata by id');
  same(byId.references, ref('shop.Address', S.avroAddress), 'references by id');
  same((await client.getLatestSchemaMetadata(S.avroCustomer)).metadata, METADATA, 'metadata of the latest version');
  same((await client.getSchemaMetadata(S.avroCustomer, 1)).ruleSet, RULE_SET, 'rule set by version');
  same((await client.getLatestWithMetadata(S.avroCustomer, { owner: 'crm-team' })).version, 1, 'latest with metadata');
  check(await client.testCompatibility(S.avroCustomer, customer.version, customerInfo), 'compatible with itself by version');

  // The same text with other metadata is a new version.
  const billing = await client.registerFullResponse(S.avroCustomer, { ...customerInfo, metadata: { properties: { owner: 'billing' } } });
  check(billing.version === 2 && billing.id !== customer.id, 'other metadata: new version and id');
  same((await client.getLatestWithMetadata(S.avroCustomer, { owner: 'crm-team' })).version, 1, 'latest with the first owner');

  // The same contract written in another order is the same schema; Confluent serves it sorted.
  const scrambled = await client.registerFullResponse(S.avroSorted, { ...customerInfo,
    metadata: { sensitive: ['tier', 'owner'], properties: { tier: '1', owner: 'crm-team' }, tags: { 'shop.Customer.email': ['PII', 'EMAIL', 'PII'] } } });
  const sorted = { tags: { 'shop.Customer.email': ['EMAIL', 'PII'] }, properties: { owner: 'crm-team', tier: '1' }, sensitive: ['owner', 'tier'] };
  same(scrambled.metadata, sorted, 'metadata answered in Confluent\'s sorted form');
  const reordered = await new SchemaRegistryClient({ baseURLs: [registryUrl] }).registerFullResponse(S.avroSorted, { ...customerInfo, metadata: sorted });
  same([reordered.id, reordered.version], [scrambled.id, 1], 'the same contract in another order: same id and version');
  // An empty schema gives the latest schema new metadata (Confluent's data-contract update).
  const relabelled = await client.registerFullResponse(S.avroSorted, { schema: '', metadata: { properties: { owner: 'billing' } } });
  same([relabelled.version, relabelled.schema, relabelled.metadata], [2, scrambled.schema, { properties: { owner: 'billing' } }],
    'an empty schema registers the latest schema with the new metadata');
  await expectRestError(client.register(`empty-${run}`, { schema: '' }), 422, 42201, 'an empty schema with nothing before it');
  // confluent:version tells the version a schema was registered as, and follows new versions.
  const pinned = await client.registerFullResponse(S.avroPinned, { ...customerInfo, metadata: { properties: { 'confluent:version': '5' } } });
  same(pinned.metadata, { properties: { 'confluent:version': '1' } }, 'confluent:version set to the version registered');
  const next = await client.registerFullResponse(S.avroPinned, { schemaType: 'AVRO', schema: customerInfo.schema, references: customerInfo.references });
  same([next.version, next.metadata], [2, { properties: { 'confluent:version': '2' } }], 'confluent:version follows the next version');
  await expectRestError(client.register(S.avroPinned, { ...customerInfo, schema: JSON.stringify({ ...CUSTOMER_AVRO,
    fields: [...CUSTOMER_AVRO.fields, { name: 'phone', type: 'string' }] }) }), 409, 40901, 'incompatible registration (Confluent 8 code)');

  // A rule as Confluent's CSFLE docs write it (no kind, no mode): Confluent's defaults, served in its form.
  const encrypted = await client.registerFullResponse(S.avroRules, { schemaType: 'AVRO', schema: JSON.stringify(ADDRESS_AVRO),
    ruleSet: { domainRules: [{ name: 'encryptPII', type: 'ENCRYPT', tags: ['PII'], params: { 'encrypt.kek.name': 'k1' } }] } });
  same(encrypted.ruleSet, { domainRules: [{ name: 'encryptPII', kind: 'TRANSFORM', mode: 'WRITEREAD', type: 'ENCRYPT', tags: ['PII'],
    params: { 'encrypt.kek.name': 'k1' }, disabled: false }] }, 'a rule without kind and mode gets Confluent\'s defaults');
  await expectRestError(client.register(S.avroRules, { schemaType: 'AVRO', schema: JSON.stringify(ADDRESS_AVRO),
    ruleSet: { domainRules: [{ name: 'noType' }] } }), 422, 42210, 'a rule without a type');

  // Avro serde through references and latest-with-metadata.
  const avroSer = new AvroSerializer(client, SerdeType.VALUE,
    { autoRegisterSchemas: false, useLatestWithMetadata: { owner: 'crm-team' } });
  const avroBytes = await avroSer.serialize(`avro-customer-${run}`, { email: 'a@example.com', address: { city: 'Lyon' } });
  check(avroBytes.readInt32BE(1) === customer.id, 'Avro serializer used the version with that metadata');
  const avroBack = await new AvroDeserializer(client, SerdeType.VALUE, {}).deserialize(`avro-customer-${run}`, avroBytes);
  same(avroBack, { email: 'a@example.com', address: { city: 'Lyon' } }, 'Avro round trip with a reference');

  // Config: every field kept.
  const config = {
    compatibility: 'BACKWARD', normalize: true, compatibilityGroup: 'major',
    defaultMetadata: { properties: { major: '1' } }, overrideMetadata: { properties: { classification: 'confidential' } },
    defaultRuleSet: RULE_SET, overrideRuleSet: { domainRules: [] },
  };
  await client.updateConfig(S.jsonCustomer, config);
  const readConfig = await client.getConfig(S.jsonCustomer);
  check(readConfig.compatibilityLevel === 'BACKWARD' && readConfig.normalize === true && readConfig.compatibilityGroup === 'major',
    `subject config read back: ${JSON.stringify(readConfig)}`);
  same(readConfig.defaultMetadata, config.defaultMetadata, 'defaultMetadata');
  same(readConfig.overrideMetadata, config.overrideMetadata, 'overrideMetadata');
  same(readConfig.defaultRuleSet, RULE_SET, 'defaultRuleSet');
  check((await client.getDefaultConfig()).compatibilityLevel === 'BACKWARD', 'global config');

  // JSON Schema with a reference; config defaults and overrides merged into its metadata.
  await client.register(S.jsonAddress, { schemaType: 'JSON', schema: JSON.stringify(ADDRESS_JSON) });
  const jsonInfo = { schemaType: 'JSON', schema: JSON.stringify(CUSTOMER_JSON), references: ref('address.json', S.jsonAddress) };
  const json = await client.registerFullResponse(S.jsonCustomer, jsonInfo);
  same(json.metadata, { properties: { classification: 'confidential', major: '1' } }, 'default and override metadata merged');
  same((await client.getBySubjectAndId(S.jsonCustomer, json.id)).schemaType, 'JSON', 'JSON type by id');
  const jsonSer = new JsonSerializer(client, SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true });
  const jsonBytes = await jsonSer.serialize(`json-customer-${run}`, { email: 'b@example.com', address: { city: 'Gent' } });
  check(jsonBytes.readInt32BE(1) === json.id, 'JSON serializer framed the registered id');
  const jsonBack = await new JsonDeserializer(client, SerdeType.VALUE, {}).deserialize(`json-customer-${run}`, jsonBytes);
  same(jsonBack, { email: 'b@example.com', address: { city: 'Gent' } }, 'JSON round trip with a reference');
  // Confluent 8's header framing: the schema's GUID in a record header, read back through /schemas/guids/{guid}.
  const headers = {};
  const guidBytes = await new JsonSerializer(client, SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true,
    schemaIdSerializer: HeaderSchemaIdSerializer }).serialize(`json-customer-${run}`, { email: 'g@example.com', address: { city: 'Oslo' } }, headers);
  same(Buffer.from(headers[VALUE_SCHEMA_ID_HEADER]).subarray(1).toString('hex'), json.guid.replace(/-/g, ''), 'the header carries the GUID');
  same(await new JsonDeserializer(new SchemaRegistryClient({ baseURLs: [registryUrl] }), SerdeType.VALUE, {})
    .deserialize(`json-customer-${run}`, guidBytes, headers), { email: 'g@example.com', address: { city: 'Oslo' } },
  'JSON round trip framed by the GUID');
  same((await client.getByGuid(json.guid)).schema, json.schema, 'the schema by GUID');
  const withPhone = { ...CUSTOMER_JSON, properties: { ...CUSTOMER_JSON.properties, phone: { type: 'string' } } };
  check(await client.testSubjectCompatibility(S.jsonCustomer, { ...jsonInfo, schema: JSON.stringify(withPhone) }),
    'optional property added to a closed model is compatible');
  const { email, ...withoutEmail } = CUSTOMER_JSON.properties;
  check(!(await client.testSubjectCompatibility(S.jsonCustomer, { ...jsonInfo, schema: JSON.stringify({ ...CUSTOMER_JSON, properties: withoutEmail }) })),
    'property removed from a closed model is incompatible');

  // Protobuf with a reference and the confluent/meta.proto built-in.
  await client.register(S.protoAddress, { schemaType: 'PROTOBUF', schema: ADDRESS_PROTO });
  const protoInfo = { schemaType: 'PROTOBUF', schema: CUSTOMER_PROTO, references: ref('common/address.proto', S.protoAddress) };
  const proto = await client.registerFullResponse(S.protoCustomer, protoInfo);
  check(proto.version === 1 && proto.schemaType === 'PROTOBUF', 'Protobuf registered');
  check((await client.getId(S.protoCustomer, protoInfo)) === proto.id, 'Protobuf lookup');
  same((await client.getBySubjectAndId(S.protoCustomer, proto.id)).references, ref('common/address.proto', S.protoAddress),
    'Protobuf references by id');
  check(!(await client.testCompatibility(S.protoCustomer, 1, { ...protoInfo, schema: CUSTOMER_PROTO.replace('string email', 'int64 email') })),
    'changing a field from string to int64 is incompatible');
  const evolved = await client.registerFullResponse(S.protoCustomer,
    { ...protoInfo, schema: CUSTOMER_PROTO.replace('  shop.common.Address address = 2;\n', '  shop.common.Address address = 2;\n  string phone = 3;\n') });
  check(evolved.version === 2, 'Protobuf evolved');

  // Protobuf through Confluent's serdes: Order imports the address subject and a well-known type.
  const orderInfo = { schemaType: 'PROTOBUF', schema: ORDER_PROTO, references: ref('common/address.proto', S.protoAddress),
    metadata: { properties: { owner: 'orders-team' } } };
  const order = await client.registerFullResponse(S.protoOrder, orderInfo);
  check(order.version === 1, 'Order registered');
  same(order.schema, ORDER_PROTO, 'Order served in Confluent\'s canonical text');
  same((await client.getBySubjectAndId(S.protoOrder, order.id)).metadata, orderInfo.metadata, 'Protobuf metadata by id');
  await protobufRoundTrip(client, `O-${run}`);
  // normalize: the other layout is a new version without it, the same schema with it.
  const relaid = { ...orderInfo, schema: ORDER_PROTO_RELAID };
  await expectRestError(client.getId(S.protoOrder, relaid, false), 404, 40403, 'the other layout without normalize');
  const normalized = await client.registerFullResponse(S.protoOrder, relaid, true);
  check(normalized.version === 2, 'normalized layout registered once');
  check(normalized.schema.includes('.shop.Order.Status status = 4;'), 'normalized text qualifies types');
  // A fresh client: Confluent's caches lookups by subject and schema, not by normalize.
  const fresh = new SchemaRegistryClient({ baseURLs: [registryUrl] });
  check((await fresh.getId(S.protoOrder, orderInfo, true)) === normalized.id, 'the first layout, normalized, is that version');
  check((await fresh.getId(S.protoOrder, relaid, true)) === normalized.id, 'the second layout, normalized, too');
  check(await client.testCompatibility(S.protoOrder, 1, relaid), 'relaid layout compatible with version 1');
  const evolvedOrder = await client.registerFullResponse(S.protoOrder,
    { ...orderInfo, schema: ORDER_PROTO.replace('  map<string, string> notes = 5;\n', '  map<string, string> notes = 5;\n  string coupon = 6;\n') });
  check(evolvedOrder.version === 3, 'Order evolved with a new field');
  check(!(await client.testCompatibility(S.protoOrder, 3, { ...orderInfo, schema: ORDER_PROTO.replace('string order_id = 1', 'int64 order_id = 1') })),
    'Order: string to int64 is incompatible');
  await protobufRoundTrip(client, `O2-${run}`);

  await jsonSchemaRules(client);
  await protobufRules(client);
  await contexts(client);

  await expectRestError(client.deleteSubjectVersion(S.protoAddress, 1), 422, 42206, 'a referenced version cannot be deleted');
  await expectRestError(client.getSchemaMetadata(S.protoCustomer, 9), 404, 40402, 'unknown version');
  await expectRestError(client.register(S.protoCustomer, { schemaType: 'PROTOBUF', schema: 'message {' }), 422, 42201, 'invalid proto');
  return { avroId: customer.id, jsonId: json.id, protoId: proto.id, orderId: order.id };
}

const asJson = (schema) => ({ schemaType: 'JSON', schema: JSON.stringify(schema) });

// JSON Schema compatibility by Confluent's rules: open content models and the LENIENT policy, dependencies,
// and draft 2020-12's unevaluatedProperties.
async function jsonSchemaRules(client) {
  const open = { type: 'object', properties: { a: { type: 'string' } } };
  await client.register(S.jsonOpen, asJson(open));
  const withB = asJson({ ...open, properties: { ...open.properties, b: { type: 'number' } } });
  check(!(await client.testSubjectCompatibility(S.jsonOpen, withB)), 'a property added to an open model is incompatible (STRICT)');
  await client.updateConfig(S.jsonOpen, { compatibilityPolicy: 'LENIENT' });
  same((await client.getConfig(S.jsonOpen)).compatibilityPolicy, 'LENIENT', 'compatibilityPolicy read back');
  check(await client.testSubjectCompatibility(S.jsonOpen, withB), 'a property added to an open model is compatible (LENIENT)');
  check(!(await client.testSubjectCompatibility(S.jsonOpen, asJson({ ...open, properties: { a: { type: 'integer' } } }))),
    'a type change is incompatible even under LENIENT');

  const deps = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, dependencies: { a: ['b'] } };
  await client.register(S.jsonDeps, asJson(deps));
  check(!(await client.testSubjectCompatibility(S.jsonDeps, asJson({ ...deps, dependencies: { a: ['b'], b: ['a'] } }))),
    'a dependency added is incompatible');
  check(await client.testSubjectCompatibility(S.jsonDeps, asJson({ ...deps, dependencies: {} })), 'a dependency removed is compatible');

  const sealed = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object',
    properties: { a: { type: 'string' } }, unevaluatedProperties: false };
  await client.register(S.jsonSealed, asJson(sealed));
  check(await client.testSubjectCompatibility(S.jsonSealed,
    asJson({ ...sealed, properties: { ...sealed.properties, b: { type: 'string' } } })),
  'an optional property added to an unevaluatedProperties:false model is compatible');
  check(!(await client.testSubjectCompatibility(S.jsonSealed, asJson({ ...sealed, properties: {} }))),
    'a property removed from an unevaluatedProperties:false model is incompatible');
}

// Protobuf compatibility by Confluent's rules: oneofs, wire-compatible scalars, labels and enums.
async function protobufRules(client) {
  const ticket = 'syntax = "proto3";\npackage shop;\n\nmessage Ticket {\n  string id = 1;\n  string email = 2;\n'
    + '  string phone = 3;\n  optional int32 count = 6;\n  int32 size = 8;\n  Kind kind = 7;\n\n  oneof channel {\n    string sms = 4;\n    string push = 5;\n  }\n\n'
    + '  enum Kind {\n    A = 0;\n    B = 1;\n  }\n}\n';
  await client.register(S.protoTicket, { schemaType: 'PROTOBUF', schema: ticket });
  const compatible = (text) => client.testSubjectCompatibility(S.protoTicket, { schemaType: 'PROTOBUF', schema: text });
  check(!(await compatible(ticket.replace('  string email = 2;\n  string phone = 3;\n',
    '  oneof contact {\n    string email = 2;\n    string phone = 3;\n  }\n'))), 'two fields moved into a new oneof are incompatible');
  check(await compatible(ticket.replace('\n  oneof channel {\n    string sms = 4;\n    string push = 5;\n  }\n', '')),
    'a oneof deleted whole is compatible');
  check(!(await compatible(ticket.replace('    string push = 5;\n', ''))), 'a oneof member removed is incompatible');
  check(await compatible(ticket.replace('string email = 2', 'bytes email = 2')), 'string to bytes is compatible');
  check(!(await compatible(ticket.replace('optional int32 count = 6', 'repeated int32 count = 6'))),
    'an optional number field made repeated is incompatible');
  check(await compatible(ticket.replace('int32 size = 8', 'repeated int32 size = 8')),
    'a number field without a written label may become repeated (Confluent compares written labels only)');
  check(await compatible(ticket.replace('    B = 1;\n', '')), 'an enum constant removed is compatible');
  check(!(await compatible(ticket.replace('int32 size = 8', 'sint32 size = 8'))), 'int32 to sint32 is incompatible');
}

async function registryJson(method, path) {
  const response = await fetch(`${registryUrl}${path}`, { method });
  return { status: response.status, body: response.status === 204 ? null : await response.json() };
}

// Contexts: a client on /contexts/{ctx} registers into the context, which numbers its own ids; an empty context is
// deleted, a non-empty one is not.
async function contexts(client) {
  const inContext = new SchemaRegistryClient({ baseURLs: [`${registryUrl}/contexts/${CONTEXT}`] });
  const first = await inContext.registerFullResponse('orders', { schemaType: 'AVRO', schema: JSON.stringify(ADDRESS_AVRO) });
  check(first.id === 1 && first.version === 1, `a new context numbers its ids from 1: ${JSON.stringify(first)}`);
  same(await client.getAllVersions(`:${CONTEXT}:orders`), [1], 'the context subject, qualified');
  check((await client.getBySubjectAndId(`:${CONTEXT}:orders`, 1)).schema.includes('"city"'), 'the schema by id in its context');
  same(await inContext.getAllSubjects(), [`:${CONTEXT}:orders`], 'the subjects of the context');
  check((await registryJson('GET', '/contexts')).body.includes(CONTEXT), 'the context is listed');
  const refused = await registryJson('DELETE', `/contexts/${CONTEXT}`);
  same([refused.status, refused.body.error_code], [422, 42211], 'a context with subjects is not deleted');

  const gone = new SchemaRegistryClient({ baseURLs: [`${registryUrl}/contexts/${GONE}`] });
  await gone.register('tmp', { schemaType: 'AVRO', schema: JSON.stringify(ADDRESS_AVRO) });
  await gone.deleteSubject('tmp');
  await gone.deleteSubject('tmp', true);
  same((await registryJson('DELETE', `/contexts/${GONE}`)).status, 204, 'an empty context is deleted');
  check(!(await registryJson('GET', '/contexts')).body.includes(GONE), 'the deleted context is no longer listed');
}

async function reread(client) {
  const ids = JSON.parse(env('IDS'));
  same((await client.getBySubjectAndId(S.avroCustomer, ids.avroId)).metadata, METADATA, 'metadata by id after a restart');
  same((await client.getSchemaMetadata(S.avroCustomer, 1)).ruleSet, RULE_SET, 'rule set after a restart');
  same((await client.getLatestWithMetadata(S.avroCustomer, { owner: 'crm-team' })).id, ids.avroId, 'latest with metadata after a restart');
  same((await client.getAllVersions(S.protoCustomer)), [1, 2], 'Protobuf versions after a restart');
  same((await client.getBySubjectAndId(S.jsonCustomer, ids.jsonId)).references, ref('address.json', S.jsonAddress), 'JSON references');
  const config = await client.getConfig(S.jsonCustomer);
  check(config.normalize === true && config.compatibilityGroup === 'major', 'config after a restart');
  const back = await new JsonDeserializer(client, SerdeType.VALUE, {}).deserialize(`json-customer-${run}`,
    await new JsonSerializer(client, SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true })
      .serialize(`json-customer-${run}`, { email: 'c@example.com', address: { city: 'Bern' } }));
  same(back, { email: 'c@example.com', address: { city: 'Bern' } }, 'JSON round trip after a restart');
  same((await client.getBySubjectAndId(S.protoOrder, ids.orderId)).schema, ORDER_PROTO, 'Order text after a restart');
  same(await client.getAllVersions(S.protoOrder), [1, 2, 3], 'Order versions after a restart');
  await protobufRoundTrip(client, `O3-${run}`);
  same((await client.getConfig(S.jsonOpen)).compatibilityPolicy, 'LENIENT', 'compatibilityPolicy after a restart');
  same((await client.getSchemaMetadata(S.avroPinned, 2)).metadata, { properties: { 'confluent:version': '2' } }, 'confluent:version after a restart');
  same((await client.getLatestSchemaMetadata(S.avroSorted)).metadata, { properties: { owner: 'billing' } }, 'new metadata after a restart');
  const inContext = new SchemaRegistryClient({ baseURLs: [`${registryUrl}/contexts/${CONTEXT}`] });
  same(await inContext.getAllVersions('orders'), [1], 'context versions after a restart');
  check((await inContext.getBySubjectAndId('orders', 1)).schema.includes('"city"'), 'context schema by id after a restart');
  const listed = (await registryJson('GET', '/contexts')).body;
  check(listed.includes(CONTEXT) && !listed.includes(GONE), `contexts after a restart: ${JSON.stringify(listed)}`);
}

async function main() {
  const client = new SchemaRegistryClient({ baseURLs: [registryUrl] });
  if (phase === 'write') {
    const ids = await write(client);
    console.log(`IDS ${JSON.stringify(ids)}`);
  } else {
    await reread(client);
  }
  console.log(`PARITY OK (${phase}): ${checks} checks passed`);
}

main().then(() => process.exit(0), (e) => {
  console.error(`PARITY FAILED (${phase}) after ${checks} checks: ${e.message} ${e.status ?? ""} ${e.errorCode ?? ""}\n${e.stack}`);
  process.exit(1);
});
