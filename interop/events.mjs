// Signed approval events as any client builds them, per the documented contract: Ed25519 over the event's
// canonical JSON (RFC 8785 for what events carry: objects with keys sorted, no whitespace), approvals bound to the
// request by the SHA-256 of its canonical JSON. Shared by the interop scripts that post to jit.approvals.
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const canonical = (v) => Array.isArray(v) ? `[${v.map(canonical).join(',')}]`
  : v !== null && typeof v === 'object' ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`
  : JSON.stringify(v);

export const digest = (event) => createHash('sha256').update(canonical(event)).digest('hex');

// signed(event[, actor]): the event with its signature, by `actor` (default: the event's own actor), whose private
// key is read once from `<keysDir>/<actor>.key`.
export const signer = (keysDir) => {
  const keys = new Map();
  return (event, actor = event.actor) => {
    if (!keys.has(actor)) keys.set(actor, createPrivateKey(readFileSync(`${keysDir}/${actor}.key`)));
    return { ...event, signature: sign(null, Buffer.from(canonical(event)), keys.get(actor)).toString('base64') };
  };
};
