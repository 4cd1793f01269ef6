// The non-Avro formats from outside (issue 18): Confluent's JavaScript JSON Schema and Protobuf serializers and
// deserializers (@confluentinc/schemaregistry) and a plain JSON producer (kafkajs), against `./jitmask up`.
// Produces tickets (JSON Schema), orders (Protobuf) and clicks (plain JSON), reads masked.* back with Confluent's
// deserializers (the JSON one validating each masked ticket against its schema), and checks every field the shipped
// policy does not list as public is masked (changed, and its original value nowhere in the masked record) and every
// public field is unchanged. Then signs one grant per dataset (as grant.mjs does) and checks each grant topic has the
// granted field in clear and every other sensitive field still masked.
//   cd interop && npm install && npm run formats      (BOOTSTRAP, REGISTRY, KEYS as for grant.mjs)
import { Kafka, logLevel } from 'kafkajs';
import {
  SchemaRegistryClient, JsonSerializer, JsonDeserializer, ProtobufSerializer, ProtobufDeserializer, SerdeType,
} from '@confluentinc/schemaregistry';
import { create, createFileRegistry, fromJson, toJson } from '@bufbuild/protobuf';
import {
  FileDescriptorProtoSchema, file_google_protobuf_timestamp, file_google_protobuf_wrappers, timestampFromMs,
} from '@bufbuild/protobuf/wkt';
import { randomUUID } from 'node:crypto';
import { signer, digest } from './events.mjs';

const bootstrap = process.env.BOOTSTRAP || 'localhost:9092';
const registryUrl = process.env.REGISTRY || 'http://localhost:8081';
const keys = process.env.KEYS || '../.jitmask/demo-keys';
const kafka = new Kafka({ brokers: [bootstrap], clientId: 'jitmask-interop-formats', logLevel: logLevel.ERROR });
const client = new SchemaRegistryClient({ baseURLs: [registryUrl] });
const run = randomUUID().slice(0, 8);

// What deploy/policy.yaml lists as public per dataset (mode defaultDeny: every other field is masked). A prefix
// covers what is under it (items, labels).
const PUBLIC = {
  tickets: ['ticketId', 'openedAt', 'reporter.customerId', 'assignee', 'subject', 'priority', 'attachments.fileName',
    'attachments.sizeBytes', 'labels', 'satisfaction'],
  orders: ['order_id', 'placed_at', 'buyer.customer_id', 'items', 'payment.amount_cents', 'payment.currency', 'status',
    'coupon', 'ship_to.city', 'ship_to.country', 'pickup_store'],
  clicks: ['sessionId', 'at', 'page', 'referrer'],
};

let checks = 0;
const failures = [];
const check = (ok, what) => { checks++; if (!ok) failures.push(what); };

// --- Protobuf: the orders descriptor for @bufbuild/protobuf, as schemas/orders.proto declares it (the serializer
// needs a message type; the deserializer reads the registered schema itself). Checked against the registry below.
const T = { STRING: 9, INT32: 5, INT64: 3, MESSAGE: 11, ENUM: 14 };
const field = (name, number, type, extra = {}) => ({ name, number, type, label: extra.repeated ? 'LABEL_REPEATED' : 'LABEL_OPTIONAL',
  ...(extra.typeName ? { typeName: extra.typeName } : {}), ...(extra.oneof != null ? { oneofIndex: extra.oneof } : {}),
  ...(extra.optional ? { proto3Optional: true } : {}), jsonName: name.replace(/_([a-z])/g, (_, c) => c.toUpperCase()) });
const typeOf = (n) => Object.entries(T).find(([, v]) => v === n)[0];
const asJson = (f) => ({ ...f, type: `TYPE_${typeOf(f.type)}` });
const ordersFile = fromJson(FileDescriptorProtoSchema, {
  name: 'orders.proto', package: 'io.jitmask.sample', syntax: 'proto3',
  dependency: ['google/protobuf/timestamp.proto', 'google/protobuf/wrappers.proto'],
  messageType: [
    { name: 'Order', field: [
      field('order_id', 1, T.STRING), field('placed_at', 2, T.MESSAGE, { typeName: '.google.protobuf.Timestamp' }),
      field('buyer', 3, T.MESSAGE, { typeName: '.io.jitmask.sample.Buyer' }),
      field('items', 4, T.MESSAGE, { typeName: '.io.jitmask.sample.LineItem', repeated: true }),
      field('payment', 5, T.MESSAGE, { typeName: '.io.jitmask.sample.Payment' }),
      field('status', 6, T.ENUM, { typeName: '.io.jitmask.sample.Order.Status' }),
      field('notes', 7, T.MESSAGE, { typeName: '.io.jitmask.sample.Order.NotesEntry', repeated: true }),
      field('coupon', 8, T.MESSAGE, { typeName: '.google.protobuf.StringValue' }),
      field('ship_to', 9, T.MESSAGE, { typeName: '.io.jitmask.sample.Address', oneof: 0 }),
      field('pickup_store', 10, T.STRING, { oneof: 0 }),
    ].map(asJson),
    nestedType: [{ name: 'NotesEntry', field: [field('key', 1, T.STRING), field('value', 2, T.STRING)].map(asJson),
      options: { mapEntry: true } }],
    enumType: [{ name: 'Status', value: ['STATUS_UNSPECIFIED', 'PLACED', 'PAID', 'SHIPPED'].map((name, number) => ({ name, number })) }],
    oneofDecl: [{ name: 'delivery' }] },
    { name: 'Buyer', field: [field('customer_id', 1, T.STRING), field('name', 2, T.STRING), field('email', 3, T.STRING),
      field('phone', 4, T.STRING, { optional: true, oneof: 0 }),
      field('date_of_birth', 5, T.MESSAGE, { typeName: '.google.protobuf.Timestamp' })].map(asJson),
    oneofDecl: [{ name: '_phone' }] },
    { name: 'Address', field: ['street', 'city', 'postal_code', 'country'].map((n, i) => asJson(field(n, i + 1, T.STRING))) },
    { name: 'LineItem', field: [field('sku', 1, T.STRING), field('quantity', 2, T.INT32), field('unit_price_cents', 3, T.INT64)].map(asJson) },
    { name: 'Payment', field: [field('card_number', 1, T.STRING), field('cardholder', 2, T.STRING),
      field('amount_cents', 3, T.INT64), field('currency', 4, T.STRING)].map(asJson) },
  ],
});
const wkt = { 'google/protobuf/timestamp.proto': file_google_protobuf_timestamp.proto,
  'google/protobuf/wrappers.proto': file_google_protobuf_wrappers.proto };
const protoRegistry = createFileRegistry(ordersFile, (name) => wkt[name]);
const Order = protoRegistry.getMessage('io.jitmask.sample.Order');
const msg = (name, init) => create(protoRegistry.getMessage(`io.jitmask.sample.${name}`), init);

const registeredOrders = (await client.getLatestSchemaMetadata('raw.orders-value')).schema;
for (const m of ordersFile.messageType) {
  for (const f of m.field) {
    check(new RegExp(`\\b${f.name}\\s*=\\s*${f.number}\\b`).test(registeredOrders), `orders.proto field ${m.name}.${f.name} = ${f.number} not in the registered schema`);
  }
}

// --- records, each field with a value that is unique to this run
const ticket = (i) => ({
  ticketId: `TJS${run}${i}`, openedAt: '2026-11-25T10:00:00Z',
  reporter: { customerId: `CJS${run}${i}`, name: `Ticket Person ${run} ${i}`, email: `ticket.${run}.${i}@example.org`, dateOfBirth: '1984-06-1' + i },
  assignee: `agent-${i}`, subject: `Parcel ${run} late`, description: `Call me on +1 555-010-${1000 + i} about ${run}`,
  priority: 'HIGH', customerPhone: `+1 555-020-${2000 + i}`,
  attachments: [{ fileName: `shot-${i}.png`, sizeBytes: 1000 + i, uploadedBy: `upload.${run}.${i}@example.org` }],
  labels: { channel: 'email' }, satisfaction: null,
});
const order = (i) => msg('Order', {
  orderId: `OJS${run}${i}`, placedAt: timestampFromMs(1764064800000 + i * 1000),
  buyer: msg('Buyer', { customerId: `CJS${run}${i}`, name: `Order Person ${run} ${i}`, email: `order.${run}.${i}@example.org`,
    phone: `+1 555-030-${3000 + i}`, dateOfBirth: timestampFromMs(455328000000 + i * 86400000) }),
  items: [msg('LineItem', { sku: `SKU${i}`, quantity: 2, unitPriceCents: 1250n })],
  payment: msg('Payment', { cardNumber: `4111 1111 1111 ${1110 + i}`, cardholder: `ORDER PERSON ${run} ${i}`, amountCents: 2500n, currency: 'EUR' }),
  status: 2, notes: { [`gift${run}`]: `Happy birthday ${run} ${i}` }, coupon: `SAVE${i}`,
  delivery: i % 2 ? { case: 'shipTo', value: msg('Address', { street: `${i} Proto Lane ${run}`, city: 'Leeds', postalCode: `LS${i} ${run}`, country: 'GB' }) }
    : { case: 'pickupStore', value: `store-${i}` },
});
const click = (i) => ({ sessionId: `SJS${run}${i}`, at: '2026-11-25T10:00:00Z', page: `/p/${i}`, referrer: 'https://example.com/',
  user: { email: `click.${run}.${i}@example.org`, ip: `10.0.${i}.${run.charCodeAt(0) % 200}`, name: `Click Person ${run} ${i}` } });

const orderJson = (m) => toJson(Order, m, { useProtoFieldName: true });
const tickets = [1, 2, 3].map(ticket);
const orders = [1, 2, 3].map(order);
const clicks = [1, 2, 3].map(click);

// Ajv (inside Confluent's JSON serdes) knows no formats by itself: the two the tickets schema uses, strictly.
const formats = { 'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/, date: /^\d{4}-\d{2}-\d{2}$/ };
const ticketSerializer = new JsonSerializer(client, SerdeType.VALUE, { useLatestVersion: true, validate: true, formats });
const orderSerializer = new ProtobufSerializer(client, SerdeType.VALUE, { useLatestVersion: true, registry: protoRegistry });
const ticketDeserializer = new JsonDeserializer(client, SerdeType.VALUE, { validate: true, formats });
const orderDeserializer = new ProtobufDeserializer(client, SerdeType.VALUE, {});

const producer = kafka.producer();
await producer.connect();
const produce = async (topic, key, value) => producer.send({ topic, messages: [{ key, value }] });
for (const t of tickets) await produce('raw.tickets', t.ticketId, await ticketSerializer.serialize('raw.tickets', t));
for (const o of orders) await produce('raw.orders', o.orderId, await orderSerializer.serialize('raw.orders', o));
for (const c of clicks) await produce('raw.clicks', c.sessionId, Buffer.from(JSON.stringify(c)));

// Reads `count` records keyed by `keys` from a topic, each decoded by `decode`.
const read = async (topic, wanted, decode, seconds = 60) => {
  const seen = new Map();
  const consumer = kafka.consumer({ groupId: `interop-formats-${topic}-${run}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${topic}: only ${seen.size} of ${wanted.length} records within ${seconds} s`)), seconds * 1000);
    consumer.run({ eachMessage: async ({ message }) => {
      const key = message.key && message.key.toString();
      if (!wanted.includes(key) || seen.has(key)) return;
      seen.set(key, await decode(message.value));
      if (seen.size === wanted.length) { clearTimeout(timer); resolve(); }
    } });
  });
  await consumer.disconnect();
  return seen;
};

// Leaf paths of a JSON value as the policy names them (array elements keep their array's path).
const leaves = (value, prefix = '', out = []) => {
  if (Array.isArray(value)) value.forEach((v) => leaves(v, prefix, out));
  else if (value !== null && typeof value === 'object') Object.entries(value).forEach(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k, out));
  else out.push([prefix, value]);
  return out;
};
const isPublic = (dataset, path) => PUBLIC[dataset].some((p) => path === p || path.startsWith(`${p}.`));
const strings = (value) => leaves(value).map(([, v]) => v).filter((v) => typeof v === 'string' && v.length >= 6);

// Every public leaf unchanged; every other leaf changed and its value nowhere in the masked record. `granted` paths
// (a grant copy) must be in clear.
const compare = (dataset, key, original, masked, granted = []) => {
  const before = leaves(original);
  const after = new Map();
  for (const [p, v] of leaves(masked)) after.set(p, [...(after.get(p) || []), v]);
  const text = JSON.stringify(masked);
  const list = (p) => JSON.stringify(before.filter(([q]) => q === p).map(([, v]) => v));
  for (const [path, value] of before) {
    if (isPublic(dataset, path) || granted.includes(path)) {
      check(list(path) === JSON.stringify(after.get(path) || []), `${dataset} ${key} ${path}: ${granted.includes(path) ? 'granted' : 'public'} but changed`);
    } else {
      check(!(after.get(path) || []).includes(value), `${dataset} ${key} ${path}: sensitive but unchanged`);
      if (typeof value === 'string' && value.length >= 6) check(!text.includes(value), `${dataset} ${key} ${path}: original value found in the masked record`);
    }
  }
  return before.length;
};

const maskedTickets = await read('masked.tickets', tickets.map((t) => t.ticketId), (v) => ticketDeserializer.deserialize('masked.tickets', v));
const maskedOrders = await read('masked.orders', orders.map((o) => o.orderId), async (v) => orderJson(await orderDeserializer.deserialize('masked.orders', v)));
const maskedClicks = await read('masked.clicks', clicks.map((c) => c.sessionId), (v) => JSON.parse(v.toString()));
let fields = 0;
for (const t of tickets) fields += compare('tickets', t.ticketId, t, maskedTickets.get(t.ticketId));
for (const o of orders) fields += compare('orders', o.orderId, orderJson(o), maskedOrders.get(o.orderId));
for (const c of clicks) fields += compare('clicks', c.sessionId, c, maskedClicks.get(c.sessionId));
// The techniques keep types and shapes: a few exact forms from the shipped policy.
const t1 = maskedTickets.get(tickets[0].ticketId);
check(/^tok_/.test(t1.reporter.email), `tickets reporter.email is not an hmac token: ${t1.reporter.email}`);
check(t1.reporter.dateOfBirth === '1984-01-01', `tickets reporter.dateOfBirth not generalized to the year: ${t1.reporter.dateOfBirth}`);
check(/^\*+01$/.test(t1.customerPhone.replace(/[^*0-9]/g, '')), `tickets customerPhone not partial (last 2 kept): ${t1.customerPhone}`);
const o1 = maskedOrders.get(orders[0].orderId);
check(/\*+1111$/.test(o1.payment.card_number.replace(/ /g, '')), `orders payment.card_number not partial (last 4 kept): ${o1.payment.card_number}`);
check(Object.keys(o1.notes || {}).every((k) => !k.includes(run)), 'orders notes: a map key is in clear');
check(/^tok_/.test(maskedClicks.get(clicks[0].sessionId).user.email), 'clicks user.email is not an hmac token');
check(/^ip_/.test(maskedClicks.get(clicks[0].sessionId).user.ip), 'clicks user.ip is not an hmac token with prefix ip_');
console.log(`masked.*: ${tickets.length + orders.length + clicks.length} records, ${fields} fields compared`);

// --- grants: one per dataset, the email field granted for one record key, signed as grant.mjs does
const signed = signer(keys);
const grants = {
  tickets: { field: 'reporter.email', record: ticket(7), key: (t) => t.ticketId },
  orders: { field: 'buyer.email', record: order(7), key: (o) => o.orderId },
  clicks: { field: 'user.email', record: click(7), key: (c) => c.sessionId },
};
const trail = [];
const audit = kafka.consumer({ groupId: `interop-formats-audit-${run}` });
await audit.connect();
await audit.subscribe({ topic: 'jit.audit', fromBeginning: true });
await audit.run({ eachMessage: async ({ message }) => { if (message.key) trail.push([message.key.toString(), JSON.parse(message.value.toString())]); } });
for (const [dataset, g] of Object.entries(grants)) {
  g.requestId = `jsf${dataset.slice(0, 2)}${run}`;
  const request = signed({ type: 'REQUESTED', requestId: g.requestId, actor: 'alice', at: new Date().toISOString(), grantee: 'User:alice',
    dataset, fields: [g.field], filter: { keys: [g.key(g.record)] }, justification: 'INC-18 formats interop check',
    durationSeconds: 60 }, 'alice');
  const approval = signed({ type: 'APPROVED', requestId: g.requestId, actor: 'bob', at: new Date().toISOString(),
    requestDigest: digest(request) }, 'bob');
  await produce('jit.approvals', g.requestId, JSON.stringify(request));
  await produce('jit.approvals', g.requestId, JSON.stringify(approval));
}
for (const [dataset, g] of Object.entries(grants)) {
  for (let i = 0; i < 600 && !trail.some(([k, e]) => k === g.requestId && e.type === 'ACTIVATED'); i++) await new Promise((r) => setTimeout(r, 100));
  const events = trail.filter(([k]) => k === g.requestId).map(([, e]) => e.type + (e.reason ? `(${e.reason})` : ''));
  if (!events.includes('ACTIVATED')) throw new Error(`${dataset}: grant not activated in 60 s; trail: ${events}`);
}
await new Promise((r) => setTimeout(r, 2000)); // the grants reach the masking path through the global store
await produce('raw.tickets', grants.tickets.key(grants.tickets.record), await ticketSerializer.serialize('raw.tickets', grants.tickets.record));
await produce('raw.orders', grants.orders.key(grants.orders.record), await orderSerializer.serialize('raw.orders', grants.orders.record));
await produce('raw.clicks', grants.clicks.key(grants.clicks.record), Buffer.from(JSON.stringify(grants.clicks.record)));
const copies = {
  tickets: (topic) => (v) => ticketDeserializer.deserialize(topic, v),
  orders: (topic) => async (v) => orderJson(await orderDeserializer.deserialize(topic, v)),
  clicks: () => (v) => JSON.parse(v.toString()),
};
for (const [dataset, g] of Object.entries(grants)) {
  const topic = `grant.${dataset}.${g.requestId}`;
  const key = g.key(g.record);
  const copy = (await read(topic, [key], copies[dataset](topic), 30)).get(key);
  compare(dataset, key, dataset === 'orders' ? orderJson(g.record) : g.record, copy, [g.field]);
}
await audit.disconnect();
await producer.disconnect();

console.log(`formats interop: ${checks} checks, ${failures.length} failures`);
if (failures.length) { console.error(failures.join('\n')); process.exit(1); }
console.log('FORMATS INTEROP OK');
process.exit(0);
