// Live CXone events from the WebSocket bridge (same origin: the page is served by the bridge).
// Every frame starts with {"checksum":"<64 hex>", ...}: the checksum is the SHA-256 of the UTF-8 frame text
// with those 64 digits replaced by '0' (see verifyChecksum). Positions (next offset per partition) are kept
// so a reconnect resumes exactly where the last delivered record left off: no gap, no duplicate.
'use strict';

const PREFIX = '{"checksum":"';
const HEX_START = PREFIX.length;          // 13
const HEX_END = HEX_START + 64;           // 77
const ZEROS = '0'.repeat(64);
const MAX_ROWS = 25;

const state = {
  socket: null, token: '', topics: [], start: 'latest',
  positions: {},           // topic -> partition -> next offset
  received: 0, verified: 0, failures: 0, reconnects: 0, dropped: 0,
  counts: new Map(), arrivals: [], retryMs: 1000, wanted: false
};

const $ = id => document.getElementById(id);

async function verifyChecksum(text) {
  if (!text.startsWith(PREFIX) || !(window.crypto && crypto.subtle)) return null;
  const claimed = text.substring(HEX_START, HEX_END);
  const zeroed = PREFIX + ZEROS + text.substring(HEX_END);
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(zeroed));
  const hex = Array.from(new Uint8Array(digest), b => b.toString(16).padStart(2, '0')).join('');
  return hex === claimed;
}

function pick(obj, names) {
  if (!obj || typeof obj !== 'object') return undefined;
  for (const n of names) if (obj[n] !== undefined && obj[n] !== null) return obj[n];
  return undefined;
}

function setStatus(text, s) { const el = $('status'); el.textContent = text; el.dataset.state = s; }

function subscribeMessage() {
  const msg = { type: 'subscribe', topics: state.topics, start: state.start };
  const offsets = {};
  for (const t of state.topics) if (state.positions[t]) offsets[t] = state.positions[t];
  if (Object.keys(offsets).length) msg.offsets = offsets;
  return JSON.stringify(msg);
}

let connectAttempt = 0;

function reconnectLater(why) {
  setStatus(`reconnecting in ${state.retryMs / 1000}s (${why})`, 'reconnecting');
  setTimeout(() => { if (state.wanted && !state.socket) { state.reconnects++; render(); connect(); } }, state.retryMs);
  state.retryMs = Math.min(state.retryMs * 2, 15000);
}

async function connect() {
  state.wanted = true;
  const attempt = ++connectAttempt;
  setStatus('connecting…', 'connecting');
  // The token goes in a header for a single-use ticket; only the ticket is in the socket's URL.
  let ticket;
  try {
    const res = await fetch('/api/ticket', { method: 'POST', headers: { Authorization: `Bearer ${state.token}` } });
    if (!res.ok) throw new Error(`ticket refused ${res.status}: ${(await res.text()).trim().substring(0, 200)}`);
    ticket = (await res.json()).ticket;
  } catch (e) {
    if (attempt !== connectAttempt || !state.wanted) return;
    $('last-error').textContent = String(e.message || e);
    reconnectLater('no ticket');
    return;
  }
  if (attempt !== connectAttempt || !state.wanted) return;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(`${scheme}://${location.host}/stream?ticket=${encodeURIComponent(ticket)}`);
  state.socket = ws;
  ws.onopen = () => { state.retryMs = 1000; setStatus('connected', 'open'); ws.send(subscribeMessage()); };
  ws.onmessage = ev => { if (typeof ev.data === 'string') onFrame(ev.data); };
  ws.onclose = ev => {
    if (state.socket !== ws) return;
    state.socket = null;
    if (ev.code === 1008) $('last-error').textContent = `closed: ${ev.reason}`;
    if (!state.wanted) { setStatus('disconnected', 'idle'); return; }
    reconnectLater(`closed ${ev.code}${ev.reason ? ': ' + ev.reason : ''}`);
  };
}

function onFrame(text) {
  // Frames are handled in arrival order; the (asynchronous) checksum verification only updates counters.
  // "checksums verified" counts the frames that carry records (record, batch); a failure on any frame counts.
  const frame = JSON.parse(text);
  const carriesRecords = frame.type === 'record' || frame.type === 'batch';
  verifyChecksum(text).then(ok => {
    if (ok === true && carriesRecords) state.verified++;
    else if (ok === false) { state.failures++; $('last-error').textContent = 'checksum mismatch: ' + text.substring(0, 120); }
  });
  switch (frame.type) {
    case 'subscribed':
      for (const [t, parts] of Object.entries(frame.positions)) {
        state.positions[t] = Object.assign({}, parts, state.positions[t] || {});
      }
      break;
    case 'record': onRecord(frame); break;
    case 'batch': frame.records.forEach(onRecord); break;
    case 'dropped': state.dropped += frame.frames; break;
    case 'error':
      $('last-error').textContent = `${frame.code}: ${frame.message}`;
      if (frame.code === 'record_too_large') advance(frame.topic, frame.partition, frame.offset);
      break;
  }
  render();
}

function advance(topic, partition, offset) {
  (state.positions[topic] = state.positions[topic] || {})[partition] = offset + 1;
}

function onRecord(r) {
  advance(r.topic, r.partition, r.offset);
  state.received++;
  state.arrivals.push(Date.now());
  const v = r.value;
  const action = String(pick(v, ['action_type', 'actionType', 'action', 'event_type', 'eventType', 'type']) ?? 'unknown');
  state.counts.set(action, (state.counts.get(action) || 0) + 1);
  const id = pick(v, ['event_id', 'eventId', 'id']) ?? r.key ?? '';
  const user = pick(v, ['user', 'user_id', 'userId', 'agent_id', 'agentId', 'agent']) ?? '';
  const time = pick(v, ['timestamp', 'time', 'occurred_at', 'event_time', 'eventTime', 'created_at']) ?? r.timestamp;
  const row = document.createElement('tr');
  for (const cell of [id, action, typeof user === 'object' ? JSON.stringify(user) : user, formatTime(time), `${r.partition}/${r.offset}`]) {
    const td = document.createElement('td');
    td.textContent = String(cell);
    row.appendChild(td);
  }
  row.dataset.eventId = String(id);
  const body = $('events').tBodies[0];
  body.insertBefore(row, body.firstChild);
  while (body.rows.length > MAX_ROWS) body.deleteRow(body.rows.length - 1);
}

function formatTime(t) {
  const n = typeof t === 'number' ? t : Date.parse(t);
  return Number.isFinite(n) ? new Date(n).toISOString() : String(t);
}

function render() {
  const now = Date.now();
  while (state.arrivals.length && state.arrivals[0] < now - 10000) state.arrivals.shift();
  $('rate').textContent = (state.arrivals.length / 10).toFixed(1);
  $('received').textContent = state.received;
  $('verified').textContent = state.verified;
  $('checksum-failures').textContent = state.failures;
  $('reconnects').textContent = state.reconnects;
  $('dropped').textContent = state.dropped;
  const body = $('counts').tBodies[0];
  body.textContent = '';
  for (const [action, count] of [...state.counts.entries()].sort((a, b) => b[1] - a[1])) {
    const row = body.insertRow();
    row.insertCell().textContent = action;
    row.insertCell().textContent = count;
  }
}

document.addEventListener('DOMContentLoaded', () => {
  const params = new URLSearchParams(location.search);
  $('token').value = params.get('token') || sessionStorage.getItem('bridge-token') || '';
  if (params.get('topics')) $('topics').value = params.get('topics');
  if (['latest', 'earliest'].includes(params.get('start'))) $('start').value = params.get('start');
  $('connect-form').addEventListener('submit', ev => {
    ev.preventDefault();
    state.token = $('token').value.trim();
    sessionStorage.setItem('bridge-token', state.token);
    state.topics = $('topics').value.split(',').map(s => s.trim()).filter(Boolean);
    state.start = $('start').value;
    if (state.socket) { state.wanted = false; state.socket.close(1000, 'reconnect requested'); state.socket = null; }
    connect();
  });
  setInterval(render, 1000);
  if (params.get('autoconnect') === '1' && $('token').value) $('connect-form').requestSubmit();
});
