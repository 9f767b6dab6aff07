// Gatehouse web UI. Reads the record through the REST API (/api/v1), authenticated by the HttpOnly sign-in
// cookie, which this script can neither read nor write. Every request carries X-Gatehouse-Request, which the
// gateway requires of cookie-authenticated requests that change something (CSRF).
// Record data (SQL, parameters, names) is only ever inserted as text (textContent), never as HTML.
'use strict';

const main = document.getElementById('main');
let me = null; // whoami: {name, role, kind, ...}
let cleanup = []; // timers and event sources of the current page

// ---------------------------------------------------------------- helpers

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(path, options = {}) {
  const headers = { 'Accept': 'application/json', 'X-Gatehouse-Request': '1' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, {
    method: options.method || 'GET',
    headers,
    credentials: 'same-origin',
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
  if (res.status === 401 && !options.signingIn) {
    showSignIn('Your sign-in has ended. Sign in again.');
    throw new ApiError(401, 'signed out');
  }
  if (!res.ok) throw new ApiError(res.status, (body && body.detail) || ('HTTP ' + res.status));
  return body;
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}

const pad = (n) => String(n).padStart(2, '0');
const ZONE = (() => {
  const part = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' }).formatToParts(new Date())
    .find((p) => p.type === 'timeZoneName');
  return part ? part.value : '';
})();

/** Local time with the zone, to the second; the full instant in the tooltip. */
function time(iso) {
  if (!iso) return h('span', { class: 'note' }, '—');
  const d = new Date(iso);
  const text = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${ZONE}`;
  return h('time', { datetime: iso, title: iso }, text);
}

function ago(spec) {
  const m = /^(\d+)([mhd])$/.exec(spec || '');
  if (!m) return null;
  const unit = { m: 60e3, h: 3600e3, d: 86400e3 }[m[2]];
  return new Date(Date.now() - Number(m[1]) * unit).toISOString();
}

function badge(kind, text) { return h('span', { class: 'badge ' + kind }, text || kind); }

function integrityBadge(integrity) {
  const status = (integrity && integrity.status) || 'pending';
  const title = status === 'verified'
    ? `Covered by the signed checkpoint of size ${integrity.checkpointSize} (${integrity.checkpointAt}), whose signature the gateway verified`
    : status === 'partial'
      ? `Events before index ${integrity.checkpointSize} are covered by a verified signed checkpoint; later ones not yet`
      : 'Not yet covered by a signed checkpoint (checkpoints follow within about a second)';
  const b = badge(status, status === 'verified' ? '✔ verified' : status);
  b.title = title;
  b.setAttribute('data-integrity', status);
  return b;
}

function statusBadge(session) {
  return session.status === 'open' ? badge('live', 'live') : badge('closed', 'closed');
}

function paramsList(params) {
  if (!Array.isArray(params) || params.length === 0) return null;
  return h('ol', { class: 'params', 'aria-label': 'parameters' },
    params.map((p, i) => h('li', {}, h('code', {}, '$' + (i + 1) + ' = ' + (p === null ? 'NULL' : typeof p === 'object' ? JSON.stringify(p) : String(p))))));
}

/** A command's outcome: status, tag, rows, duration, error. */
function outcome(result) {
  if (!result) return h('span', {}, badge('running', 'running'));
  const parts = [badge(result.status === 'ok' ? 'ok' : 'error', result.status || '?')];
  if (result.tag) parts.push(' ', h('code', {}, result.tag));
  if (result.sqlstate) parts.push(' ', h('code', { class: 'error-text' }, result.sqlstate));
  if (result.error) parts.push(h('div', { class: 'error-text' }, result.error));
  if (result.note) parts.push(h('div', { class: 'note' }, result.note));
  return h('span', {}, parts);
}

const rows = (result) => (result && result.rows !== undefined && result.rows !== null ? String(result.rows) : '');
const millis = (result) => (result && result.duration_micros !== undefined ? (result.duration_micros / 1000).toFixed(1) : '');

function failure(e) {
  if (e instanceof ApiError && e.status === 401) return; // the sign-in form is already showing
  main.append(h('div', { class: 'alert', role: 'alert' }, e.message));
}

function page(title, ...content) {
  main.replaceChildren(h('h1', {}, title), ...content.filter(Boolean));
  document.title = (typeof title === 'string' ? title : 'Gatehouse') + ' · Gatehouse';
}

// ---------------------------------------------------------------- sign-in

function showSignIn(message) {
  me = null;
  stopPage();
  document.getElementById('nav').hidden = true;
  document.getElementById('signout').hidden = true;
  document.getElementById('who').textContent = '';
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false' });
  const error = h('div', { class: 'error-text', role: 'alert', id: 'signin-error' }, message || '');
  const form = h('form', {
    onsubmit: async (ev) => {
      ev.preventDefault();
      const token = input.value;
      input.value = ''; // the token leaves the page's memory as soon as the cookie holds it
      try {
        me = await api('/ui/signin', { method: 'POST', body: { token }, signingIn: true });
        signedIn();
      } catch (e) {
        error.textContent = e.message;
        input.focus();
      }
    },
  },
  h('label', { for: 'token' }, 'Access token', input),
  h('button', { class: 'primary', type: 'submit', id: 'signin' }, 'Sign in'),
  h('p', { class: 'note' }, 'The token is kept in a secure, HttpOnly cookie for this browser session only. Sign out when done.'),
  error);
  main.replaceChildren(h('section', { class: 'signin' }, h('h1', {}, 'Sign in to Gatehouse'), form));
  input.focus();
}

function signedIn() {
  document.getElementById('nav').hidden = false;
  document.getElementById('signout').hidden = false;
  document.getElementById('who').textContent = `${me.name} (${me.role})`;
  if (!location.hash || location.hash === '#' || location.hash === '#/') location.hash = '#/sessions';
  else route();
}

document.getElementById('signout').addEventListener('click', async () => {
  try { await api('/ui/signout', { method: 'POST' }); } catch (e) { /* signed out either way */ }
  history.replaceState(null, '', '/ui/');
  showSignIn('Signed out.');
});

// ---------------------------------------------------------------- routing

function stopPage() {
  for (const stop of cleanup) stop();
  cleanup = [];
}

function route() {
  if (!me) return;
  stopPage();
  const hash = location.hash.slice(1) || '/sessions';
  const [path, search] = hash.split('?');
  const params = Object.fromEntries(new URLSearchParams(search || ''));
  const parts = path.split('/').filter(Boolean);
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.page === (parts[0] === 'session' ? 'sessions' : parts[0])) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const pages = { sessions: sessionsPage, session: () => sessionPage(decodeURIComponent(parts[1] || '')), timeline: timelinePage, connections: connectionsPage, identities: identitiesPage };
  (pages[parts[0]] || sessionsPage)(params).catch((e) => {
    if (e instanceof ApiError && e.status === 401) return; // the sign-in form is showing
    page('Not available', h('div', { class: 'alert', role: 'alert' }, e.message));
  });
  main.focus({ preventScroll: true });
}

window.addEventListener('hashchange', route);

function every(ms, fn) {
  const id = setInterval(fn, ms);
  cleanup.push(() => clearInterval(id));
}

// ---------------------------------------------------------------- sessions

const SINCE = [['', 'any time'], ['15m', 'last 15 minutes'], ['1h', 'last hour'], ['24h', 'last 24 hours'], ['7d', 'last 7 days']];

function select(name, label, options, value) {
  return h('label', {}, label, h('select', { name }, options.map(([v, text]) => h('option', { value: v, selected: v === (value || '') }, text))));
}

function input(name, label, value, attrs) {
  return h('label', {}, label, h('input', Object.assign({ name, value: value || '' }, attrs || {})));
}

function filterForm(target, fields) {
  return h('form', {
    class: 'filters', role: 'search',
    onsubmit: (ev) => {
      ev.preventDefault();
      const data = Object.fromEntries(new FormData(ev.target));
      location.hash = target + query(data);
    },
  }, fields, h('button', { type: 'submit', class: 'primary' }, 'Apply'));
}

async function sessionsPage(params) {
  const form = filterForm('#/sessions', [
    input('identity', 'Identity', params.identity, { size: 12 }),
    input('connection', 'Connection', params.connection, { size: 12 }),
    select('status', 'Status', [['', 'any'], ['open', 'live (open)'], ['closed', 'closed']], params.status),
    select('since', 'Active in', SINCE, params.since),
    input('q', 'Command contains', params.q, { size: 18 }),
  ]);
  const body = h('tbody');
  const pager = h('div', { class: 'pager' });
  page('Sessions', form, h('table', { id: 'sessions' },
    h('thead', {}, h('tr', {}, ['Started', 'Session', 'Identity', 'Connection', 'Client', 'Status', 'Commands', 'Errors', 'Integrity'].map((t) => h('th', { scope: 'col' }, t)))),
    body), pager);

  const load = async () => {
    const q = { identity: params.identity, connection: params.connection, status: params.status, q: params.q, since: ago(params.since), limit: 50, cursor: params.cursor };
    const result = await api('/api/v1/sessions' + query(q));
    body.replaceChildren(...result.sessions.map((s) => h('tr', { 'data-session': s.id },
      h('td', {}, time(s.started)),
      h('td', {}, h('a', { href: '#/session/' + encodeURIComponent(s.id) }, s.id)),
      h('td', {}, s.identity || '—'),
      h('td', {}, s.connection || '—'),
      h('td', {}, s.client || '—'),
      h('td', {}, statusBadge(s)),
      h('td', { class: 'num' }, String(s.commandCount)),
      h('td', { class: 'num' }, String(s.errorCount)),
      h('td', {}, integrityBadge(s.integrity)))));
    if (result.sessions.length === 0) body.append(h('tr', {}, h('td', { colspan: 9, class: 'note' }, 'No session matches.')));
    const base = Object.assign({}, params);
    delete base.cursor;
    pager.replaceChildren(...[
      params.cursor ? h('a', { href: '#/sessions' + query(base) }, '← Newest') : null,
      result.nextCursor ? h('a', { href: '#/sessions' + query(Object.assign({}, base, { cursor: result.nextCursor })) }, 'Older →') : null,
      h('span', { class: 'note' }, params.cursor ? '' : 'Refreshes every 5 s; live sessions are marked.'),
    ].filter(Boolean));
  };
  await load();
  if (!params.cursor) every(5000, () => load().catch(() => {}));
}

// ---------------------------------------------------------------- one session

async function sessionPage(id) {
  const session = await api('/api/v1/sessions/' + encodeURIComponent(id));
  const integritySlot = h('span', { id: 'session-integrity' }, integrityBadge(session.integrity));
  const statusSlot = h('span', { id: 'session-status' }, statusBadge(session));
  const facts = h('dl', { class: 'facts' });
  const fact = (label, value) => facts.append(h('dt', {}, label), h('dd', {}, value === null || value === undefined || value === '' ? '—' : value));
  const renderFacts = (s) => {
    facts.replaceChildren();
    fact('Identity', s.identity);
    fact('Token', s.token);
    fact('Connection', s.connection ? h('a', { href: '#/timeline' + query({ connection: s.connection }) }, s.connection) : null);
    fact('Type', s.type);
    fact('Client', s.client);
    fact('Application', s.application);
    fact('Started', time(s.started));
    fact('Ended', s.ended ? time(s.ended) : 'still open');
    fact('End reason', s.endReason);
    fact('Commands / errors', `${s.commandCount} / ${s.errorCount}`);
    fact('Log', s.log);
    fact('Export', h('a', { href: '/api/v1/sessions/' + encodeURIComponent(s.id) + '/export' }, 'verifiable bundle'));
  };
  renderFacts(session);

  const body = h('tbody');
  const commands = new Map(); // command number -> its row's cells
  let last = -1;
  const add = (e, fresh) => {
    last = Math.max(last, e.index);
    const f = e.fields || {};
    let row;
    if (e.kind === 'command') {
      const cells = { outcome: h('td', {}), rows: h('td', { class: 'num' }), ms: h('td', { class: 'num' }) };
      row = h('tr', { 'data-index': e.index, class: 'command' + (fresh ? ' fresh' : '') },
        h('td', { class: 'num' }, f.command !== undefined ? String(f.command) : ''),
        h('td', {}, time(e.time)),
        h('td', {}, h('pre', { class: 'sql' }, f.sql || (f.protocol ? '<' + f.protocol + '>' : '')), paramsList(f.parameters)),
        cells.outcome, cells.rows, cells.ms,
        h('td', { class: 'integrity' }, integrityBadge(e.integrity)));
      if (f.status !== undefined) setOutcome(cells, f); // a command event that carries its own outcome
      else cells.outcome.append(outcome(null));
      if (f.command !== undefined) commands.set(f.command, cells);
    } else if (e.kind === 'command.result') {
      const cells = commands.get(f.command);
      if (cells) { setOutcome(cells, f); return; }
      row = eventRow(e, 'result of command ' + f.command + ': ' + (f.status || ''));
    } else {
      row = eventRow(e, describe(e), fresh);
    }
    body.append(row);
  };
  const setOutcome = (cells, f) => {
    cells.outcome.replaceChildren(outcome(f));
    cells.rows.textContent = rows(f);
    cells.ms.textContent = millis(f);
  };
  for (const e of session.events || []) add(e, false);

  page(h('span', {}, 'Session ', h('code', {}, session.id)), h('div', {}, statusSlot, ' ', integritySlot), facts,
    h('h2', {}, 'Commands in execution order'),
    h('table', { id: 'commands' },
      h('thead', {}, h('tr', {}, ['#', 'Time', 'Statement and parameters', 'Result', 'Rows', 'ms', 'Integrity'].map((t) => h('th', { scope: 'col' }, t)))),
      body));

  const markIntegrity = (integrity) => {
    integritySlot.replaceChildren(integrityBadge(integrity));
    if (!integrity || !integrity.checkpointSize) return;
    for (const tr of body.querySelectorAll('tr[data-index]')) {
      const cell = tr.querySelector('td.integrity');
      if (cell && Number(tr.dataset.index) < integrity.checkpointSize && cell.textContent !== '✔ verified') {
        cell.replaceChildren(integrityBadge({ status: 'verified', checkpointSize: integrity.checkpointSize, checkpointAt: integrity.checkpointAt }));
      }
    }
  };
  markIntegrity(session.integrity);

  let open = session.status === 'open';
  if (open) {
    const source = new EventSource('/api/v1/sessions/' + encodeURIComponent(id) + '/follow?after=' + last);
    cleanup.push(() => source.close());
    source.addEventListener('event', (msg) => {
      const e = JSON.parse(msg.data);
      if (e.index <= last) return;
      add(e, true);
      if (e.kind === 'session.end') { open = false; source.close(); }
    });
  }
  // The badge turns verified when a signed checkpoint covers the events: poll until it does and the session is over.
  every(2000, async () => {
    try {
      const s = await api('/api/v1/sessions/' + encodeURIComponent(id) + '?events=false');
      renderFacts(s);
      statusSlot.replaceChildren(statusBadge(s));
      markIntegrity(s.integrity);
    } catch (e) { /* next time */ }
  });
}

function describe(e) {
  const f = e.fields || {};
  switch (e.kind) {
    case 'session.start': return `session started from ${f.source || '?'}${f.application_name ? ' (' + f.application_name + ')' : ''}, database ${f.database || '?'}`;
    case 'session.end': return `session ended: ${f.reason || ''}`;
    case 'blocked': return `blocked: ${f.reason || ''}${f.sql ? ' — ' + f.sql : ''}`;
    default: return e.kind;
  }
}

function eventRow(e, text, fresh) {
  return h('tr', { 'data-index': e.index, class: 'event' + (fresh ? ' fresh' : '') },
    h('td', {}), h('td', {}, time(e.time)), h('td', { colspan: 4 }, text),
    h('td', { class: 'integrity' }, integrityBadge(e.integrity)));
}

// ---------------------------------------------------------------- timeline

async function timelinePage(params) {
  let names = [];
  try { names = (await api('/api/v1/connections')).map((c) => c.name); } catch (e) { /* type the name */ }
  const connection = names.length
    ? select('connection', 'Connection', names.map((n) => [n, n]), params.connection || names[0])
    : input('connection', 'Connection', params.connection, { required: true });
  const form = filterForm('#/timeline', [connection, select('since', 'Since', SINCE, params.since)]);
  const body = h('tbody');
  const more = h('div', { class: 'pager' });
  page('Timeline' + (params.connection ? ' of ' + params.connection : ''), form,
    h('p', { class: 'note' }, 'Every command on one connection, across identities, in execution order, with its outcome.'),
    h('table', { id: 'timeline' },
      h('thead', {}, h('tr', {}, ['Time', 'Identity', 'Session', 'Statement and parameters', 'Result', 'Rows', 'ms', 'Integrity'].map((t) => h('th', { scope: 'col' }, t)))),
      body), more);
  if (!params.connection) {
    body.append(h('tr', {}, h('td', { colspan: 8, class: 'note' }, 'Choose a connection.')));
    return;
  }
  const load = async (cursor) => {
    const result = await api('/api/v1/timeline' + query({ connection: params.connection, since: ago(params.since), limit: 100, cursor }));
    for (const c of result.commands) {
      const f = c.fields || {};
      body.append(h('tr', { 'data-index': c.index },
        h('td', {}, time(c.time)),
        h('td', {}, c.identity || '—'),
        h('td', {}, h('a', { href: '#/session/' + encodeURIComponent(c.session) }, c.session)),
        h('td', {}, h('pre', { class: 'sql' }, f.sql || (f.protocol ? '<' + f.protocol + '>' : '')), paramsList(f.parameters)),
        h('td', {}, outcome(c.result)),
        h('td', { class: 'num' }, rows(c.result)),
        h('td', { class: 'num' }, millis(c.result)),
        h('td', {}, integrityBadge(c.integrity))));
    }
    if (body.children.length === 0) body.append(h('tr', {}, h('td', { colspan: 8, class: 'note' }, 'No command in this range.')));
    more.replaceChildren(result.nextCursor
      ? h('button', { type: 'button', onclick: () => load(result.nextCursor).catch(failure) }, 'Load more')
      : h('span', { class: 'note' }, 'End of the timeline.'));
  };
  await load(null);
}

// ---------------------------------------------------------------- connections

const CONTENT = {
  full: 'full: commands, parameters, results and row previews',
  commands: 'commands: commands, parameters and result metadata (no row data)',
};
const DURABILITY = {
  'fail-closed': 'fail-closed: a command reaches the database only after its record is durable',
  'best-effort': 'best-effort: commands run at once; records are written right after',
};

/** A remote connector's name with its live state (admins and auditors may read connector states). */
function connectorCell(name, state) {
  if (!state) return name;
  const since = state.lastSeen ? ` (last seen ${state.lastSeen})` : ' (never seen)';
  return h('span', {}, name, ' ', state.state === 'online'
    ? badge('ok', 'online')
    : h('span', { title: 'New sessions on this connection fail until the connector reconnects' + since }, badge('error', 'offline')));
}

async function connectionsPage() {
  const list = await api('/api/v1/connections');
  const connectors = {};
  if (me.role === 'admin' || me.role === 'auditor') {
    for (const k of await api('/api/v1/connectors')) connectors[k.name] = k;
  }
  page('Connections', h('table', { id: 'connections' },
    h('thead', {}, h('tr', {}, ['Name', 'Type', 'Target', 'Connector', 'Recording', 'Durability', 'TLS to target', 'Review'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, list.map((c) => h('tr', {},
      h('td', {}, h('strong', {}, c.name)),
      h('td', {}, c.type),
      h('td', {}, h('code', {}, c.target)),
      h('td', {}, c.connector === 'built-in' ? 'built-in (the gateway connects itself)' : connectorCell(c.connector, connectors[c.connector])),
      h('td', {}, CONTENT[c.recording.content] || c.recording.content),
      h('td', {}, DURABILITY[c.recording.durability] || c.recording.durability),
      h('td', {}, c.upstreamTls),
      h('td', {}, h('a', { href: '#/timeline' + query({ connection: c.name }) }, 'timeline')))))));
}

// ---------------------------------------------------------------- identities and tokens

async function identitiesPage() {
  const admin = me.role === 'admin';
  const [identities, tokens] = await Promise.all([api('/api/v1/identities'), api('/api/v1/tokens')]);
  const secretSlot = h('div', { 'aria-live': 'polite' });
  const reload = () => identitiesPage().catch(failure);
  const act = (fn) => async () => { try { await fn(); reload(); } catch (e) { failure(e); } };

  const identityRows = identities.map((i) => h('tr', { 'data-identity': i.name },
    h('td', {}, h('strong', {}, i.name)), h('td', {}, i.kind), h('td', {}, i.role),
    h('td', {}, i.disabled ? badge('disabled') : badge('ok', 'active')),
    h('td', {}, h('a', { href: '#/sessions' + query({ identity: i.name }) }, 'sessions')),
    admin ? h('td', {}, i.disabled
      ? h('button', { type: 'button', onclick: act(() => api(`/api/v1/identities/${encodeURIComponent(i.name)}/enable`, { method: 'POST' })) }, 'Enable')
      : h('button', { type: 'button', class: 'danger', onclick: act(() => api(`/api/v1/identities/${encodeURIComponent(i.name)}/disable`, { method: 'POST' })) }, 'Disable')) : null));

  const tokenRows = tokens.map((t) => h('tr', { 'data-token': t.id },
    h('td', {}, h('code', {}, t.prefix)), h('td', {}, t.identity),
    h('td', {}, badge(t.status === 'active' ? 'ok' : t.status, t.status)),
    h('td', {}, time(t.createdAt)), h('td', {}, time(t.lastUsedAt)), h('td', {}, t.expiresAt ? time(t.expiresAt) : 'never'),
    admin && t.status === 'active'
      ? h('td', {}, h('button', { type: 'button', class: 'danger', onclick: act(() => api('/api/v1/tokens/' + encodeURIComponent(t.id), { method: 'DELETE' })) }, 'Revoke'))
      : h('td', {})));

  const createForm = admin ? h('form', {
    class: 'inline', 'aria-label': 'Create identity',
    onsubmit: async (ev) => {
      ev.preventDefault();
      const d = Object.fromEntries(new FormData(ev.target));
      try { await api('/api/v1/identities', { method: 'POST', body: d }); reload(); } catch (e) { failure(e); }
    },
  }, input('name', 'New identity', '', { required: true, size: 16 }),
  select('kind', 'Kind', [['agent', 'agent (one AI agent)'], ['human', 'human']], 'agent'),
  select('role', 'Role', [['user', 'user'], ['auditor', 'auditor'], ['admin', 'admin']], 'user'),
  h('button', { type: 'submit', class: 'primary' }, 'Create identity')) : null;

  const mintForm = admin ? h('form', {
    class: 'inline', 'aria-label': 'Mint token',
    onsubmit: async (ev) => {
      ev.preventDefault();
      const d = Object.fromEntries(new FormData(ev.target));
      if (!d.expires) delete d.expires;
      try {
        const minted = await api('/api/v1/tokens', { method: 'POST', body: d });
        // Shown once, here only: never stored by the page, gone on the next render.
        const done = h('button', { type: 'button', onclick: () => reload() }, 'Done, I copied it');
        secretSlot.replaceChildren(h('div', { class: 'secret', role: 'status' },
          h('p', {}, `New token for ${minted.identity} — copy it now, it is shown once:`),
          h('p', {}, h('code', { id: 'new-token' }, minted.token)), done));
        done.focus();
      } catch (e) { failure(e); }
    },
  }, select('identity', 'Identity', identities.filter((i) => !i.disabled).map((i) => [i.name, i.name]), ''),
  input('expires', 'Expires after (e.g. 30d, empty = never)', '', { size: 10 }),
  h('button', { type: 'submit', class: 'primary' }, 'Mint token')) : null;

  page('Identities & tokens',
    admin ? null : h('p', { class: 'note' }, 'Only admins change identities and tokens.'),
    createForm,
    h('table', { id: 'identities' }, h('thead', {}, h('tr', {}, ['Identity', 'Kind', 'Role', 'Status', 'Review', admin ? 'Action' : null].filter(Boolean).map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, identityRows)),
    h('h2', {}, 'Tokens'),
    mintForm, secretSlot,
    h('table', { id: 'tokens' }, h('thead', {}, h('tr', {}, ['Token', 'Identity', 'Status', 'Created', 'Last used', 'Expires', ''].map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, tokenRows)));
}

// ---------------------------------------------------------------- start

(async () => {
  try {
    me = await api('/api/v1/whoami', { signingIn: true });
    signedIn();
  } catch (e) {
    showSignIn('');
  }
})();
