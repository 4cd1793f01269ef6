// One customer record for every interop script: what is sensitive in it (`secret`) can be a canary, the rest is
// public. The shape follows the shipped raw.customers-value (version 1); `extra` adds fields of later versions.
export const customer = (customerId, i, secret, extra = {}) => ({
  customerId,
  name: `${secret} Name ${i}`,
  email: `${secret.toLowerCase()}.${i}@example.net`,
  phone: `+44 20 7946 000${i % 10}`,
  nationalId: `${secret}${i}`,
  dateOfBirth: 9000 + i,
  address: { street: `${i} ${secret} Road`, city: 'London', postalCode: `${secret}${i}`, country: 'GB' },
  segment: 'RETAIL',
  createdAt: 1700000000000 + i,
  loyaltyPoints: 10 * i,
  preferredLanguage: 'en',
  marketingOptIn: i % 2 === 0,
  riskScore: 0.5,
  accountManager: 'Interop Manager',
  bio: `Reach me on ${secret}`,
  ...extra,
});

// The fields the policy never masks in customers (its `public` list): they must arrive unchanged.
export const publicFields = ['customerId', 'address.city', 'address.country', 'segment', 'loyaltyPoints', 'preferredLanguage'];

export const get = (object, path) => path.split('.').reduce((o, k) => (o == null ? o : o[k]), object);
