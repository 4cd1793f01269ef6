// jitmask web console: plain JS, no build step. Every string from the API reaches the page through
// text nodes or element attributes, never as markup.
'use strict';

const state = { token: sessionStorage.getItem('jitmask.token'), me: null, datasets: [], deadlines: new Map(), passkeys: [],
  // How many pages of each list are shown: the API serves lists a page at a time ("Show more" adds one).
  pages: { pending: 1, grants: 1, audit: 1 } };
const PAGE_SIZE = { pending: 20, grants: 50, audit: 100 };

// Up to `pages` pages of a list, following the API's `next` cursor; `more` when the list goes on. The audit
// trail pages backwards (`next` leads to older events): its older pages go in front.
async function pagesOf(path, field, pages, backwards) {
  let items = [];
  let cursor = null;
  for (let i = 0; i < pages; i++) {
    const page = await api('GET', path + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    items = backwards ? page[field].concat(items) : items.concat(page[field]);
    cursor = page.next;
    if (!cursor) break;
  }
  return { items, more: !!cursor };
}

function showMore(list, more) {
  $(list + '-more').hidden = !more;
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function $(id) { return document.getElementById(id); }

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: Object.assign({ 'Authorization': 'Bearer ' + state.token }, body ? { 'Content-Type': 'application/json' } : {}),
    body: body ? JSON.stringify(body) : undefined,
  });
  let json = null;
  try { json = await response.json(); } catch (e) { json = null; }
  if (!response.ok) {
    const error = new Error((json && json.error) || ('HTTP ' + response.status));
    error.status = response.status;
    throw error;
  }
  return json;
}

function notice(text, failed) {
  const n = $('notice');
  n.textContent = text;
  n.classList.toggle('failed', !!failed);
}

// ---- sign in -------------------------------------------------------------------------------------------------

async function signIn(token) {
  state.token = token;
  try {
    state.me = await api('GET', '/api/me');
  } catch (e) {
    state.token = null;
    sessionStorage.removeItem('jitmask.token');
    $('login-error').textContent = e.status === 401 ? 'That token is not valid.' : 'Sign-in failed: ' + e.message;
    return;
  }
  sessionStorage.setItem('jitmask.token', token);
  $('login').hidden = true;
  $('app').hidden = false;
  $('logout').hidden = false;
  $('who').textContent = state.me.actor + ' (' + state.me.roles.join(', ') + ')';
  $('audit').hidden = !state.me.reviewer;
  // Notifications link here as #request=<id>: the audit view opens on that request. Set with the name above, in
  // the same task, so the page never shows a signed-in person without the request they were sent to.
  const linked = /^#(request|extend)=([A-Za-z0-9._-]{1,200})$/.exec(location.hash);
  if (linked) $('audit-request').value = linked[2];
  // The expiry reminder links to #extend=<id>: the grant's extension form gets the focus once the grants are shown.
  state.extendLinked = linked && linked[1] === 'extend' ? linked[2] : null;
  await loadDatasets();
  $('passkeys').hidden = !state.me.reviewer;
  if (state.me.reviewer) await loadPasskeys();
  refresh();
  if (state.me.reviewer) loadAudit();
}

// ---- sign in through the identity provider: authorization code + PKCE (S256) ---------------------------------
// The verifier and state live in sessionStorage (this tab) between leaving for the provider and coming back; the
// code is redeemed by jitmask's own server (/oidc/token), the only origin this page may talk to.

function b64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString() {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return b64url(bytes);
}

async function startOidc(config) {
  const verifier = randomString();
  const stateValue = randomString();
  const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem('jitmask.pkce', JSON.stringify({ verifier, state: stateValue, hash: location.hash }));
  const params = new URLSearchParams({ response_type: 'code', client_id: config.clientId, redirect_uri: location.origin + '/',
    scope: config.scope, state: stateValue, code_challenge: challenge, code_challenge_method: 'S256' });
  location.assign(config.authorizationEndpoint + '?' + params);
}

/** Back from the provider with ?code=...&state=...: redeem the code; true when this page load was that return. */
async function finishOidc() {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return false;
  const saved = JSON.parse(sessionStorage.getItem('jitmask.pkce') || 'null');
  sessionStorage.removeItem('jitmask.pkce');
  history.replaceState(null, '', '/' + (saved && saved.hash ? saved.hash : ''));
  if (params.has('error')) {
    $('login-error').textContent = 'The identity provider did not sign you in (' + params.get('error') + ').';
    return true;
  }
  if (!saved || params.get('state') !== saved.state) {
    $('login-error').textContent = 'Sign-in failed: the answer does not belong to a sign-in started here.';
    return true;
  }
  const response = await fetch('/oidc/token', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code: params.get('code'), codeVerifier: saved.verifier, redirectUri: location.origin + '/' }) });
  const body = await response.json();
  if (!response.ok) {
    $('login-error').textContent = 'Sign-in failed: ' + body.error;
    return true;
  }
  await signIn(body.accessToken);
  return true;
}

async function offerOidc() {
  try {
    const response = await fetch('/oidc/config');
    const config = response.ok ? await response.json() : { enabled: false };
    if (!config.enabled) return;
    $('oidc-login').hidden = false;
    $('oidc-sign-in').addEventListener('click', () => startOidc(config));
  } catch (e) {
    // no provider: tokens only
  }
}

function signOut() {
  sessionStorage.removeItem('jitmask.token');
  location.reload();
}

// ---- pending requests ----------------------------------------------------------------------------------------

function fieldValue(record, path) {
  let value = record;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = value[part];
  }
  return value;
}

function show(value) {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function previewTable(request) {
  if (request.previewError) return el('p', { class: 'error' }, 'Preview unavailable: ' + request.previewError);
  const records = request.preview || [];
  if (records.length === 0) return el('p', { class: 'hint' }, 'No records on masked.' + request.dataset + ' yet.');
  return el('table', { class: 'preview-table', 'data-testid': 'preview' },
    el('thead', {}, el('tr', {}, el('th', {}, 'key'), request.fields.map(f => el('th', { class: 'asked' }, f + ' (masked now)')))),
    el('tbody', {}, records.map(r => el('tr', {},
      el('td', {}, show(r.key)),
      request.fields.map(f => el('td', { class: 'asked' }, show(fieldValue(r.value, f))))))));
}

function pendingCard(request) {
  // A live grant whose requester asked for more time: the card is about that extension, decided the same way.
  const ext = request.status === 'ACTIVE' ? (request.extensions || []).find(e => e.status === 'PENDING') : null;
  const comment = el('input', { type: 'text', placeholder: 'Comment (required)', 'aria-label': 'Comment for ' + request.requestId, 'data-testid': 'comment' });
  const decide = async (verb) => {
    const text = comment.value.trim();
    if (!text) {
      notice('A comment is required to ' + verb + '.', true);
      comment.focus();
      return;
    }
    try {
      const body = verb === 'approve' ? { comment: text } : { reason: text };
      // With a passkey (required by the policy, or registered by this approver), the authenticator signs this one
      // approval: the server relays the assertion and could not have made it.
      const withPasskey = verb === 'approve' && (request.requiresPasskey || state.passkeys.length > 0);
      if (withPasskey) body.webauthn = await passkeyAssertion(request.requestId);
      await api('POST', '/api/requests/' + encodeURIComponent(request.requestId) + '/' + verb, body);
      notice((verb === 'approve' ? 'Approval' : 'Denial') + ' of ' + request.requestId
        + (withPasskey ? ' signed with your passkey and sent.' : ' signed and sent.'));
      setTimeout(refresh, 500);
    } catch (e) {
      notice('Could not ' + verb + ' ' + request.requestId + ': ' + e.message, true);
    }
  };
  const mayDecide = state.me.reviewer && request.requester !== state.me.actor;
  const filter = request.filter && request.filter.keys ? 'records with keys ' + request.filter.keys.join(', ') : 'every record';
  const given = ext ? ext.approvals : request.approvals;
  const approvals = given.map(a => a.actor + (a.comment ? ' ("' + a.comment + '")' : '')).join(', ');
  const seconds = ext ? ext.extendSeconds : request.durationSeconds;
  return el('article', { class: 'request', 'data-request-id': request.requestId, 'data-extension-id': ext ? ext.extensionId : '' },
    el('h3', {}, ext ? request.requester + ' asks for more time on ' + request.fields.join(', ') + ' of ' + request.dataset
      : request.requester + ' asks to see ' + request.fields.join(', ') + ' of ' + request.dataset),
    el('dl', {},
      el('dt', {}, 'Request'), el('dd', {}, request.requestId),
      el('dt', {}, 'Why'), el('dd', {}, ext ? ext.justification : request.justification),
      el('dt', {}, 'Records'), el('dd', {}, filter),
      el('dt', {}, ext ? 'Extend by' : 'For'), el('dd', {}, Math.round(seconds / 60) + ' min (' + seconds + ' s)'
        + (ext ? ', live until ' + new Date(request.expiresAt).toLocaleString() + ' now' : '')),
      el('dt', {}, 'Grantee'), el('dd', {}, request.grantee),
      el('dt', {}, 'Sensitivity'), el('dd', {}, request.sensitivity + (request.requiresPasskey ? ' (approval with a passkey)' : '')),
      el('dt', {}, 'Approvals'), el('dd', {}, given.length + ' of ' + request.approvalsNeeded + (approvals ? ': ' + approvals : '')),
      el('dt', {}, 'Requested'), el('dd', {}, new Date(request.requestedAt).toLocaleString())),
    previewTable(request),
    mayDecide ? el('div', { class: 'decision' }, comment,
      el('button', { type: 'button', class: 'approve', onclick: () => decide('approve') }, 'Approve'),
      el('button', { type: 'button', class: 'deny', onclick: () => decide('deny') }, 'Deny')) :
      el('p', { class: 'hint' }, request.requester === state.me.actor ? 'Your request: waiting for approvers.' : 'You cannot decide on this request.'));
}

async function loadPending() {
  const { items: pending, more } = await pagesOf('/api/requests?status=PENDING&limit=' + PAGE_SIZE.pending, 'requests', state.pages.pending);
  showMore('pending', more);
  // Extensions of live grants wait here too, decided like requests.
  const live = (await api('GET', '/api/requests?status=ACTIVE&limit=1000')).requests;
  const requests = pending.concat(live.filter(r => (r.extensions || []).some(e => e.status === 'PENDING')));
  const list = $('pending-list');
  // Keep what someone is typing: only rebuild when the set of requests changed.
  const ids = requests.map(r => r.requestId + ':' + r.approvals.length + ':' + (r.extensions || []).length).join(',');
  if (list.dataset.ids === ids) return;
  list.dataset.ids = ids;
  list.replaceChildren(...(requests.length ? requests.map(pendingCard) : [el('p', { class: 'hint' }, 'Nothing is waiting.')]));
  $('pending-count').textContent = '(' + requests.length + (more ? '+' : '') + ')';
}

// ---- active grants -------------------------------------------------------------------------------------------

function formatLeft(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return (h ? h + 'h ' : '') + String(m).padStart(h ? 2 : 1, '0') + 'm ' + String(sec).padStart(2, '0') + 's';
}

function tick() {
  const now = Date.now();
  for (const node of document.querySelectorAll('.countdown')) {
    const left = state.deadlines.get(node.dataset.requestId) - now;
    node.textContent = left > 0 ? formatLeft(left) : 'ending...';
    node.classList.toggle('soon', left < 60000);
  }
}

function grantRow(grant) {
  const reason = el('input', { type: 'text', placeholder: 'Reason (required)', 'aria-label': 'Reason to revoke ' + grant.requestId, 'data-testid': 'revoke-reason' });
  const revoke = async () => {
    const text = reason.value.trim();
    if (!text) {
      notice('A reason is required to revoke.', true);
      reason.focus();
      return;
    }
    try {
      await api('POST', '/api/requests/' + encodeURIComponent(grant.requestId) + '/revoke', { reason: text });
      notice('Revocation of ' + grant.requestId + ' signed and sent.');
      setTimeout(refresh, 500);
    } catch (e) {
      notice('Could not revoke ' + grant.requestId + ': ' + e.message, true);
    }
  };
  const own = grant.requester === state.me.actor;
  const minutes = el('input', { type: 'number', min: '1', value: '30', 'aria-label': 'Minutes to extend ' + grant.requestId, 'data-testid': 'extend-minutes', class: 'minutes' });
  const why = el('input', { type: 'text', placeholder: 'Why more time (required)', 'aria-label': 'Why extend ' + grant.requestId, 'data-testid': 'extend-justification' });
  const extend = async () => {
    const text = why.value.trim();
    const mins = parseInt(minutes.value, 10);
    if (!text || !(mins > 0)) {
      notice('Minutes and a justification are required to extend.', true);
      why.focus();
      return;
    }
    try {
      const posted = await api('POST', '/api/requests/' + encodeURIComponent(grant.requestId) + '/extend',
        { extendSeconds: mins * 60, justification: text });
      notice('Extension ' + posted.extensionId + ' of ' + grant.requestId + ' signed and sent: waiting for approvers.');
      setTimeout(refresh, 500);
    } catch (e) {
      notice('Could not extend ' + grant.requestId + ': ' + e.message, true);
    }
  };
  return el('tr', { 'data-request-id': grant.requestId },
    el('td', {}, grant.requestId), el('td', {}, grant.dataset), el('td', {}, grant.grantee),
    el('td', {}, grant.fields.join(', ') + (grant.filter && grant.filter.keys ? ' (keys ' + grant.filter.keys.join(', ') + ')' : '')),
    el('td', {}, (grant.approvers || []).join(', ')),
    el('td', {}, el('span', { class: 'countdown', 'data-request-id': grant.requestId, 'data-testid': 'countdown' }, '')),
    el('td', {}, el('div', { class: 'decision' }, reason, el('button', { type: 'button', class: 'revoke', onclick: revoke }, 'Revoke')),
      own ? el('div', { class: 'decision extend' }, minutes, why,
        el('button', { type: 'button', class: 'extend', 'data-testid': 'extend', onclick: extend }, 'Extend')) : null));
}

async function loadGrants() {
  const { items: grants, more } = await pagesOf('/api/grants?limit=' + PAGE_SIZE.grants, 'grants', state.pages.grants);
  showMore('grants', more);
  const body = $('grants-body');
  const now = Date.now();
  state.deadlines = new Map(grants.map(g => [g.requestId, now + g.secondsLeft * 1000]));
  const ids = grants.map(g => g.requestId).join(',');
  if (body.dataset.ids !== ids) {
    body.dataset.ids = ids;
    body.replaceChildren(...(grants.length ? grants.map(grantRow)
      : [el('tr', {}, el('td', { colspan: 7, class: 'hint' }, 'No active grants.'))]));
  }
  $('grants-count').textContent = '(' + grants.length + (more ? '+' : '') + ')';
  if (state.extendLinked) {
    const row = body.querySelector('tr[data-request-id="' + state.extendLinked + '"] [data-testid="extend-justification"]');
    if (row) {
      row.focus();
      state.extendLinked = null;
    }
  }
  tick();
}

// ---- new request ---------------------------------------------------------------------------------------------

async function loadDatasets() {
  const { datasets } = await api('GET', '/api/datasets');
  state.datasets = datasets.filter(d => d.fields && d.fields.some(f => f.requestable));
  $('rq-dataset').replaceChildren(...state.datasets.map(d => el('option', { value: d.name }, d.name)));
  showFields();
}

function showFields() {
  const dataset = state.datasets.find(d => d.name === $('rq-dataset').value);
  const fields = dataset ? dataset.fields.filter(f => f.requestable) : [];
  $('rq-fields').replaceChildren(...fields.map(f => el('label', {},
    el('input', { type: 'checkbox', value: f.path }), f.path + ' [' + f.tags.join(', ') + '; ' + f.approvers + ' approver(s)]')));
}

async function sendRequest(event) {
  event.preventDefault();
  const fields = [...document.querySelectorAll('#rq-fields input:checked')].map(i => i.value);
  if (fields.length === 0) {
    notice('Choose at least one field.', true);
    return;
  }
  const keys = $('rq-keys').value.split(',').map(k => k.trim()).filter(k => k);
  const body = { dataset: $('rq-dataset').value, fields, justification: $('rq-justification').value.trim(),
    durationSeconds: Math.round(Number($('rq-minutes').value) * 60) };
  if (keys.length) body.keys = keys;
  try {
    const answer = await api('POST', '/api/requests', body);
    notice('Request ' + answer.requestId + ' signed and sent; approvers see it now.');
    $('request-form').reset();
    showFields();
    setTimeout(refresh, 500);
  } catch (e) {
    notice('Could not send the request: ' + e.message, true);
  }
}

// ---- audit ---------------------------------------------------------------------------------------------------

const AUDIT_TYPES = ['REQUESTED', 'APPROVED', 'AUTO_APPROVED', 'DENIED', 'REJECTED', 'ACTIVATED', 'ACTIVATION_FAILED',
  'ACL_NOT_ENFORCED', 'REVOKE_ACCEPTED', 'EXPIRY_DETECTED', 'REVOKED', 'EXPIRED', 'REQUEST_EXPIRED',
  'DISCLOSURE_SUMMARY', 'TOPIC_DELETED', 'SCHEMA_CHANGED', 'DECLASSIFICATION_LOADED', 'CREDENTIAL_REGISTERED',
  'CREDENTIAL_REMOVED'];

/** SCHEMA_CHANGED: which version, and what it changed about the dataset's classification (paths and tags only). */
function schemaDetails(s) {
  const c = s.changes || {};
  const byPath = (m) => Object.entries(m || {}).map(([path, tags]) => path + ' [' + tags.join(', ') + ']').join(', ');
  const parts = [s.subject + ' version ' + s.version + ' (id ' + s.id + ')'];
  if (c.fieldsAdded && c.fieldsAdded.length) parts.push('fields added: ' + c.fieldsAdded.join(', '));
  if (c.fieldsRemoved && c.fieldsRemoved.length) parts.push('fields removed: ' + c.fieldsRemoved.join(', '));
  if (c.tagsAdded && Object.keys(c.tagsAdded).length) parts.push('tags added: ' + byPath(c.tagsAdded));
  if (c.tagsRemoved && Object.keys(c.tagsRemoved).length) parts.push('tags removed: ' + byPath(c.tagsRemoved));
  if (c.keptSensitive && c.keptSensitive.length) parts.push('kept masked: ' + c.keptSensitive.join(', '));
  return parts.join('; ');
}

function auditDetails(e) {
  const parts = [];
  if (e.schema) parts.push(e.dataset + ': ' + schemaDetails(e.schema));
  if (e.fields) parts.push('fields ' + e.fields.join(', '));
  if (e.justification) parts.push('why: ' + e.justification);
  if (e.comment) parts.push('comment: ' + e.comment);
  if (e.reason) parts.push('reason: ' + e.reason);
  if (e.detail) parts.push(e.detail);
  if (e.records !== undefined) parts.push(e.records + ' records delivered');
  if (e.expiresAt) parts.push('until ' + new Date(e.expiresAt).toLocaleString());
  return parts.join('; ');
}

async function loadAudit(event) {
  if (event) event.preventDefault();
  if (!state.me || !state.me.reviewer) return;
  if (event) state.pages.audit = 1;
  const params = new URLSearchParams({ limit: String(PAGE_SIZE.audit) });
  if ($('audit-request').value.trim()) params.set('requestId', $('audit-request').value.trim());
  if ($('audit-actor').value.trim()) params.set('actor', $('audit-actor').value.trim());
  if ($('audit-type').value) params.set('type', $('audit-type').value);
  try {
    // Newest page first, each page oldest first; `next` leads to older events.
    const { items: events, more } = await pagesOf('/api/audit?' + params, 'events', state.pages.audit, true);
    showMore('audit', more);
    // Newest first. The API gives each request's events in order (one partition); a stable sort by time keeps
    // that order and interleaves requests by when things happened.
    const newestFirst = events.slice().reverse().sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
    $('audit-body').replaceChildren(...newestFirst.map(e => el('tr', { 'data-type': e.type },
      el('td', {}, new Date(e.at).toLocaleString()), el('td', {}, e.type), el('td', {}, e.requestId),
      el('td', {}, e.actor || ''), el('td', {}, auditDetails(e)))));
  } catch (e) {
    notice('Could not read the audit trail: ' + e.message, true);
  }
}

// ---- wiring --------------------------------------------------------------------------------------------------

// ---- passkeys (WebAuthn): registered once, then every approval is signed by the authenticator -------------------

function fromB64url(text) {
  const plain = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4));
  return Uint8Array.from(plain, c => c.charCodeAt(0));
}

async function registerPasskey() {
  try {
    const o = await api('POST', '/api/passkeys/options');
    const credential = await navigator.credentials.create({ publicKey: {
      challenge: fromB64url(o.challenge), rp: o.rp, timeout: o.timeout, attestation: o.attestation,
      user: { id: fromB64url(o.user.id), name: o.user.name, displayName: o.user.displayName },
      pubKeyCredParams: o.pubKeyCredParams, authenticatorSelection: o.authenticatorSelection,
      excludeCredentials: o.excludeCredentials.map(c => ({ type: c.type, id: fromB64url(c.id) })) } });
    const saved = await api('POST', '/api/passkeys', { clientDataJSON: b64url(credential.response.clientDataJSON),
      attestationObject: b64url(credential.response.attestationObject) });
    notice('Passkey ' + saved.credentialId.slice(0, 12) + '... registered; your approvals are now signed with it.');
    setTimeout(loadPasskeys, 500);
  } catch (e) {
    notice('Could not register a passkey: ' + e.message, true);
  }
}

async function passkeyAssertion(requestId) {
  const c = await api('GET', '/api/requests/' + encodeURIComponent(requestId) + '/approval-challenge');
  if (c.allowCredentials.length === 0) throw new Error('register a passkey first (Passkeys, below)');
  const a = await navigator.credentials.get({ publicKey: { challenge: fromB64url(c.challenge), rpId: c.rpId,
    timeout: c.timeout, userVerification: c.userVerification,
    allowCredentials: c.allowCredentials.map(x => ({ type: x.type, id: fromB64url(x.id) })) } });
  const assertion = { credentialId: b64url(a.rawId), authenticatorData: b64url(a.response.authenticatorData),
    clientDataJSON: b64url(a.response.clientDataJSON), signature: b64url(a.response.signature) };
  if (a.response.userHandle) assertion.userHandle = b64url(a.response.userHandle);
  return assertion;
}

async function loadPasskeys() {
  const { passkeys } = await api('GET', '/api/passkeys');
  state.passkeys = passkeys;
  $('passkeys-body').replaceChildren(...passkeys.map(p => el('tr', { 'data-credential-id': p.credentialId },
    el('td', {}, p.credentialId.slice(0, 16) + '...'), el('td', {}, new Date(p.registeredAt).toLocaleString()),
    el('td', {}, el('button', { type: 'button', class: 'deny', onclick: async () => {
      try {
        await api('DELETE', '/api/passkeys/' + encodeURIComponent(p.credentialId));
        notice('Passkey removed.');
        setTimeout(loadPasskeys, 500);
      } catch (e) {
        notice('Could not remove the passkey: ' + e.message, true);
      }
    } }, 'Remove')))));
  $('passkeys-count').textContent = '(' + passkeys.length + ')';
}

async function refresh() {
  if (!state.me) return;
  try {
    await Promise.all([loadPending(), loadGrants()]);
  } catch (e) {
    if (e.status === 401) signOut();
    else notice('Refresh failed: ' + e.message, true);
  }
}

document.addEventListener('DOMContentLoaded', () => {
  $('audit-type').append(...AUDIT_TYPES.map(t => el('option', { value: t }, t)));
  $('login-form').addEventListener('submit', (e) => { e.preventDefault(); signIn($('token').value.trim()); });
  $('logout').addEventListener('click', signOut);
  $('request-form').addEventListener('submit', sendRequest);
  $('register-passkey').addEventListener('click', registerPasskey);
  $('rq-dataset').addEventListener('change', showFields);
  $('audit-form').addEventListener('submit', loadAudit);
  $('pending-more').addEventListener('click', () => { state.pages.pending++; refresh(); });
  $('grants-more').addEventListener('click', () => { state.pages.grants++; refresh(); });
  $('audit-more').addEventListener('click', () => { state.pages.audit++; loadAudit(); });
  setInterval(refresh, 3000);
  setInterval(tick, 1000);
  setInterval(() => loadAudit(), 5000);
  offerOidc();
  finishOidc().then(returned => { if (!returned && state.token) signIn(state.token); });
});
