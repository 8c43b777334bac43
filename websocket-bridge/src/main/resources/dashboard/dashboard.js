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
const RATE_SECONDS = 60;                  // the rate chart's span
const FRESH_WINDOW_MS = 60000;            // freshness percentiles over the last minute...
const FRESH_MAX_SAMPLES = 5000;           // ...and at most this many arrivals per topic
const MAX_LABELS = 200;                   // distinct bars in the counts chart (the rest count as "other")
const TOKEN_KEY = 'bridge-token';
const EVENT_TIME_FIELDS = ['timestamp', 'time', 'occurred_at', 'event_time', 'eventTime', 'created_at'];

const state = {
  socket: null, token: '', topics: [], start: 'latest',
  positions: {},           // topic -> partition -> next offset
  lastEventId: null,       // {key: topics, id}: the last SSE event id, where an SSE stream of those topics resumes
  forceSse: false,         // ?transport=sse: never try the WebSocket
  sseOpened: false,        // SSE opened after the WebSocket could not: SSE from then on
  received: 0, verified: 0, failures: 0, reconnects: 0, dropped: 0,
  counts: new Map(),       // label -> records (action type; export rows by report/entity; others by topic)
  labelKinds: new Map(),   // label -> 'action' | 'export' | 'other'
  arrivals: [],            // arrival times of the last 10 s (events / s tile)
  perSecond: new Map(),    // topic -> Map(epoch second -> records)
  freshness: new Map(),    // topic + basis -> [{at, delay}]
  colors: new Map(),
  retryMs: 1000, wanted: false, renderQueued: false
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

let connectAttempt = 0;

function reconnectLater(why) {
  setStatus(`reconnecting in ${state.retryMs / 1000}s (${why})`, 'reconnecting');
  setTimeout(() => { if (state.wanted && !state.socket) { state.reconnects++; render(); connect(); } }, state.retryMs);
  state.retryMs = Math.min(state.retryMs * 2, 15000);
}

/** The topics of the stream as one key: an SSE event id resumes only a stream of the same topics. */
function topicsKey(topics) { return [...topics].sort().join(','); }

/**
 * Opens the stream (Streams.open). The WebSocket is tried first; one that cannot open (a proxy stripping the upgrade)
 * is followed at once by SSE, which stays the transport once it opened. ?transport=sse in the page address uses SSE
 * only. A stream that ends after opening is resumed over the same transport from the page's positions.
 */
async function connect(transport = state.forceSse || state.sseOpened ? 'sse' : 'websocket') {
  state.wanted = true;
  const attempt = ++connectAttempt;
  const key = topicsKey(state.topics);
  setStatus(`connecting (${Streams.label(transport)})…`, 'connecting');
  let stream;
  const handlers = {
    open: () => {
      if (state.socket !== stream) return;
      state.retryMs = 1000;
      if (transport === 'sse') state.sseOpened = true;
      setStatus(`live · ${Streams.label(transport)}`, 'open');
    },
    frame: (text, eventId) => {
      if (state.socket !== stream) return;
      onFrame(text);
      if (eventId) state.lastEventId = { key, id: eventId };
    },
    close: ({ code, reason, opened }) => {
      if (state.socket !== stream) return;
      state.socket = null;
      if (code === 1008) $('last-error').textContent = `closed: ${reason}`;
      if (!state.wanted) { setStatus('disconnected', 'idle'); return; }
      if (transport === 'websocket' && !opened && !state.forceSse) {
        setStatus('WebSocket unavailable: connecting with SSE…', 'connecting');
        connect('sse');
        return;
      }
      reconnectLater(code ? `closed ${code}${reason ? ': ' + reason : ''}` : reason);
    }
  };
  // An id is only of use to the next SSE stream of its topics: after any other stream the positions have moved on.
  if (transport !== 'sse' || (state.lastEventId && state.lastEventId.key !== key)) state.lastEventId = null;
  const last = state.lastEventId && state.lastEventId.id;
  const sub = { topics: state.topics, start: state.start, positions: state.positions, lastEventId: last };
  try {
    stream = await Streams.open(transport, state.token, sub, handlers);
  } catch (e) {
    if (attempt !== connectAttempt || !state.wanted) return;
    $('last-error').textContent = String(e.message || e);
    reconnectLater('no ticket');
    return;
  }
  if (attempt !== connectAttempt || !state.wanted) { stream.close(1000, 'superseded'); return; }
  state.socket = stream;
  $('status').dataset.transport = transport;
}

function onFrame(text) {
  // Frames are handled in arrival order; the (asynchronous) checksum verification only updates counters.
  // "record checksums verified" counts the records of frames whose checksum verified (a batch frame carries many);
  // a failure on any frame counts.
  const arrival = Date.now();
  const frame = JSON.parse(text);
  const records = frame.type === 'record' ? 1 : frame.type === 'batch' ? frame.records.length : 0;
  const carriesRecords = records > 0;
  verifyChecksum(text).then(ok => {
    if (ok === true) state.verified += records;
    else if (ok === false) { state.failures++; $('last-error').textContent = 'checksum mismatch: ' + text.substring(0, 120); }
  });
  // Export rows are checked against their chunk's SHA-256, which needs numbers exactly as written.
  const raw = carriesRecords && text.includes('"cxone.chunk.sha256"') ? ExportChunks.parseKeepingNumbers(text) : null;
  switch (frame.type) {
    case 'subscribed':
      for (const [t, parts] of Object.entries(frame.positions)) {
        state.positions[t] = Object.assign({}, parts, state.positions[t] || {});
      }
      break;
    case 'record': onRecord(frame, raw, arrival); break;
    case 'batch': frame.records.forEach((r, i) => onRecord(r, raw && raw.records[i], arrival)); break;
    case 'dropped': state.dropped += frame.frames; break;
    case 'error':
      $('last-error').textContent = `${frame.code}: ${frame.message}`;
      if (frame.code === 'record_too_large') advance(frame.topic, frame.partition, frame.offset);
      break;
  }
  scheduleRender();
}

function advance(topic, partition, offset) {
  (state.positions[topic] = state.positions[topic] || {})[partition] = offset + 1;
}

function count(label, kind) {
  if (!state.counts.has(label) && state.counts.size >= MAX_LABELS) { label = 'other'; kind = 'other'; }
  state.counts.set(label, (state.counts.get(label) || 0) + 1);
  state.labelKinds.set(label, kind);
}

/** Freshness: CXone's event time (or, lacking one, the Kafka record time) to the frame's arrival. */
function sampleFreshness(topic, basis, eventTime, arrival) {
  const key = topic + '\u0000' + basis;
  const samples = state.freshness.get(key) || state.freshness.set(key, []).get(key);
  samples.push({ at: arrival, delay: arrival - eventTime });
  if (samples.length > FRESH_MAX_SAMPLES) samples.splice(0, samples.length - FRESH_MAX_SAMPLES);
}

function eventTime(v) {
  const t = pick(v, EVENT_TIME_FIELDS);
  const ms = typeof t === 'number' ? t : typeof t === 'string' ? Date.parse(t) : NaN;
  return Number.isFinite(ms) && ms > 0 ? ms : null;
}

function onRecord(r, raw, arrival) {
  advance(r.topic, r.partition, r.offset);
  state.received++;
  state.arrivals.push(arrival);
  const second = Math.floor(arrival / 1000);
  const perTopic = state.perSecond.get(r.topic) || state.perSecond.set(r.topic, new Map()).get(r.topic);
  perTopic.set(second, (perTopic.get(second) || 0) + 1);

  const v = r.value;
  const exportSource = ExportChunks.add(r, raw);
  const action = exportSource === null ? pick(v, ['action_type', 'actionType', 'action', 'event_type', 'eventType', 'type']) : undefined;
  let type;
  if (exportSource !== null) { type = `export rows · ${exportSource}`; count(type, 'export'); }
  else if (action !== undefined && typeof action !== 'object') { type = String(action); count(type, 'action'); }
  else { type = `${r.topic} · no action type`; count(type, 'other'); }
  // Export rows describe the past (a report's rows): their freshness is from the record's write to Kafka.
  const at = exportSource === null ? eventTime(v) : null;
  sampleFreshness(r.topic, at === null ? 'record time' : 'event time', at ?? r.timestamp, arrival);

  const id = pick(v, ['event_id', 'eventId', 'id']) ?? r.key ?? '';
  const user = pick(v, ['user', 'user_id', 'userId', 'agent_id', 'agentId', 'agent']) ?? '';
  const row = document.createElement('tr');
  for (const cell of [id, type, typeof user === 'object' ? JSON.stringify(user) : user, formatTime(at ?? r.timestamp), `${r.partition}/${r.offset}`]) {
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

function formatMs(ms) {
  if (!Number.isFinite(ms)) return '–';
  return Math.abs(ms) < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function scheduleRender() {
  if (state.renderQueued) return;
  state.renderQueued = true;
  setTimeout(render, 200);
}

function render() {
  state.renderQueued = false;
  const now = Date.now();
  while (state.arrivals.length && state.arrivals[0] < now - 10000) state.arrivals.shift();
  $('rate').textContent = (state.arrivals.length / 10).toFixed(1);
  $('received').textContent = state.received;
  $('verified').textContent = state.verified;
  $('checksum-failures').textContent = state.failures;
  $('reconnects').textContent = state.reconnects;
  $('dropped').textContent = state.dropped;
  renderRates(now);
  renderCounts();
  renderExports();
  renderFreshness(now);
}

/** Records per second of each topic over the last RATE_SECONDS complete seconds. */
function renderRates(now) {
  const last = Math.floor(now / 1000) - 1;
  const series = [];
  const legend = $('rate-legend');
  legend.textContent = '';
  for (const [topic, seconds] of state.perSecond) {
    for (const s of seconds.keys()) if (s <= last - RATE_SECONDS) seconds.delete(s);
    const values = Array.from({ length: RATE_SECONDS }, (_, i) => seconds.get(last - RATE_SECONDS + 1 + i) || 0);
    const color = Charts.color(topic, state.colors);
    series.push({ label: topic, color, values });
    const item = document.createElement('li');
    item.dataset.topic = topic;
    item.dataset.color = color;
    item.style.setProperty('--swatch', color);
    item.textContent = `${topic}: ${values[values.length - 1]}/s`;
    legend.appendChild(item);
  }
  Charts.lines($('rate-chart'), series, RATE_SECONDS);
}

const KIND_COLORS = { action: '#2f6fde', export: '#2b8a3e', other: '#8a90a0' };

function renderCounts() {
  const sorted = [...state.counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  Charts.bars($('counts-chart'), sorted.map(([label, value]) => ({ label, value, color: KIND_COLORS[state.labelKinds.get(label)] })));
  const body = $('counts').tBodies[0];
  body.textContent = '';
  for (const [label, n] of sorted) {
    const row = body.insertRow();
    row.insertCell().textContent = label;
    row.insertCell().textContent = n;
  }
}

const CHECK_TEXT = { verified: '✓ verified', mismatch: '✗ mismatch', checking: 'checking…', unchecked: 'not checked' };

/** A table cell holding a main text and, when given, a smaller second line. */
function cell(row, main, sub, title) {
  const td = row.insertCell();
  td.textContent = String(main);
  if (sub) { const small = document.createElement('small'); small.textContent = sub; td.append(document.createElement('br'), small); }
  if (title) td.title = title;
  return td;
}

function renderExports() {
  const body = $('exports').tBodies[0];
  body.textContent = '';
  $('exports-empty').hidden = ExportChunks.sources.size > 0;
  for (const s of ExportChunks.sources.values()) {
    const row = body.insertRow();
    const job = s.job || '';
    const last = s.last;
    Object.assign(row.dataset, { source: s.name, topic: s.topic, job, rows: s.jobRows, complete: s.complete, verified: s.verified, failed: s.failed, unchecked: s.unchecked });
    if (last) Object.assign(row.dataset, { check: last.state, sha: last.sha });
    // The check comes right after the name: on a phone the table scrolls sideways and the check stays in view.
    cell(row, s.name);
    const check = last ? cell(row, CHECK_TEXT[last.state], last.state === 'unchecked' ? last.detail : null, last.detail) : cell(row, 'receiving…');
    check.classList.add('check');
    cell(row, `${s.verified}/${s.complete} verified`,
      [s.failed ? `${s.failed} mismatch` : '', s.unchecked ? `${s.unchecked} not checked` : ''].filter(Boolean).join(' · '));
    cell(row, s.jobRows);
    cell(row, job.length > 24 ? job.slice(0, 8) + '…' : job, null, job);
    if (last) cell(row, `rows ${last.start}–${last.end}`, last.sha.slice(0, 16) + '…', last.sha).classList.add('sha');
    else cell(row, '');
  }
}

function renderFreshness(now) {
  const body = $('freshness').tBodies[0];
  body.textContent = '';
  for (const [key, samples] of state.freshness) {
    while (samples.length && samples[0].at < now - FRESH_WINDOW_MS) samples.shift();
    const [topic, basis] = key.split('\u0000');
    const sorted = samples.map(s => s.delay).sort((a, b) => a - b);
    const row = body.insertRow();
    Object.assign(row.dataset, { topic, basis, samples: sorted.length });
    if (sorted.length) Object.assign(row.dataset, { p50: percentile(sorted, 50), p99: percentile(sorted, 99) });
    cell(row, topic, `from ${basis}`);
    cell(row, sorted.length);
    cell(row, formatMs(sorted.length ? percentile(sorted, 50) : NaN));
    cell(row, formatMs(sorted.length ? percentile(sorted, 99) : NaN));
  }
}

document.addEventListener('DOMContentLoaded', () => {
  const params = new URLSearchParams(location.search);
  // The token is typed once and kept for this tab only (sessionStorage), never read from or put in the page URL.
  if (params.has('token')) {
    params.delete('token');
    const rest = params.toString();
    history.replaceState(null, '', location.pathname + (rest ? '?' + rest : ''));
    $('last-error').textContent = 'a token in the page address is ignored: enter it in the form';
  }
  const stored = sessionStorage.getItem(TOKEN_KEY) || '';
  $('token').value = stored;
  if (params.get('topics')) $('topics').value = params.get('topics');
  if (['latest', 'earliest'].includes(params.get('start'))) $('start').value = params.get('start');
  // Behind a proxy that strips WebSocket upgrades every first attempt would fail: ?transport=sse skips it.
  state.forceSse = params.get('transport') === 'sse';
  $('connect-form').addEventListener('submit', ev => {
    ev.preventDefault();
    state.token = $('token').value.trim();
    sessionStorage.setItem(TOKEN_KEY, state.token);
    state.topics = $('topics').value.split(',').map(s => s.trim()).filter(Boolean);
    state.start = $('start').value;
    if (state.socket) { state.wanted = false; state.socket.close(1000, 'reconnect requested'); state.socket = null; }
    connect();
  });
  setInterval(render, 1000);
  window.addEventListener('resize', scheduleRender);
  render();
  // A token entered earlier in this tab connects at once (e.g. after a reload).
  if (stored) $('connect-form').requestSubmit();
});
