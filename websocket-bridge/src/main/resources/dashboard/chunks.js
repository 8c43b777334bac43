// Export progress and chunk checks, from the headers the export source puts on every record of a chunk:
// cxone.job.id (job, or window for Data Extraction), cxone.chunk.offset (the chunk's first row), cxone.chunk.size
// (its rows), cxone.chunk.row (the row's place in the chunk) and cxone.chunk.sha256. That checksum is the SHA-256 of the chunk's rows as CXone sent them, each as
// compact JSON with object keys sorted at every level followed by '\n', in row order (ChunkChecksum in the source
// connector). Once all rows of a chunk are here, the page writes that text again from the values it received and
// compares. It can do so exactly only when it knows the row order and the values are CXone's own:
//  * order: each record says its place in the chunk (cxone.chunk.row), so a chunk is checked whatever partitions
//    its rows went to; records written before that header existed are checked only when the chunk is on one
//    partition (whose order is the row order), else shown as "order unknown";
//  * values: JSON rows of the records API and untyped CSV columns of Data Extraction arrive as sent; numbers are
//    taken as written in the frame (JSON.parse source text), where Java's formatting of doubles is kept. A null
//    may stand for an absent field, so a chunk with nulls is also tried without them. Columns typed by the
//    connector (csv.column.types), or fields whose type changed within a chunk, no longer hold CXone's text:
//    such chunks show a mismatch although Kafka holds what the connector wrote.
'use strict';

const ExportChunks = (() => {
  const H = { job: 'cxone.job.id', start: 'cxone.chunk.offset', size: 'cxone.chunk.size', sha: 'cxone.chunk.sha256',
    row: 'cxone.chunk.row' };
  const SCHEMA_PREFIX = 'io.cxone.kafka.export.';
  const MAX_OPEN_CHUNKS = 64;          // chunks being collected at once (the oldest is given up beyond)
  const MAX_CHUNK_ROWS = 100000;       // rows kept for one chunk
  const MAX_SOURCES = 100;
  const RAW = Symbol('number as written');

  const open = new Map();              // chunk key -> chunk being collected
  const sources = new Map();           // source key -> progress of one report / entity (rows beyond MAX_SOURCES are
                                       // still counted in the counts chart, just not followed here)

  function header(r, name) {
    let value;
    for (const h of r.headers || []) if (h.name === name && h.encoding !== 'base64') value = h.value;
    return value;
  }

  /** The export headers of a record, or null when it is not an export row. */
  function exportHeaders(r) {
    const sha = header(r, H.sha);
    if (sha === undefined) return null;
    const start = Number(header(r, H.start));
    const size = Number(header(r, H.size));
    const rowText = header(r, H.row);
    const row = rowText === undefined ? null : Number(rowText);
    return {
      sha, job: header(r, H.job) ?? '', start, size,
      row: row !== null && Number.isSafeInteger(row) && row >= 0 && row < size ? row : null,
      valid: /^[0-9a-f]{64}$/.test(sha) && Number.isSafeInteger(start) && start >= 0 && Number.isSafeInteger(size) && size > 0
    };
  }

  /** What an export row is of: the report or entity its record schema is named after, else its topic. */
  function sourceName(r) {
    const name = r.schemaName;
    if (typeof name === 'string' && name) return name.startsWith(SCHEMA_PREFIX) ? name.slice(SCHEMA_PREFIX.length) : name;
    return r.topic;
  }

  /** Parses a frame keeping each number's text as written (Java's "5.0", "1.0E10"), which JSON.parse would lose. */
  function parseKeepingNumbers(text) {
    let supported = true;
    const frame = JSON.parse(text, (key, value, context) => {
      if (typeof value !== 'number') return value;
      if (!context || typeof context.source !== 'string') { supported = false; return value; }
      return { [RAW]: context.source };
    });
    return supported ? frame : null;
  }

  /** Jackson's string escapes: JSON.stringify's, with upper-case hex digits in \\u escapes. */
  function jsonString(s) {
    return JSON.stringify(s).replace(/\\(?:\\|u[0-9a-f]{4})/g, m => (m === '\\\\' ? m : '\\u' + m.slice(2).toUpperCase()));
  }

  /** One row as ChunkChecksum writes it; with dropNulls, top-level null fields are left out. */
  function canonical(v, dropNulls) {
    if (v === null) return 'null';
    if (typeof v === 'string') return jsonString(v);
    if (typeof v !== 'object') return String(v);
    if (v[RAW] !== undefined) return v[RAW];
    if (Array.isArray(v)) return '[' + v.map(x => canonical(x, false)).join(',') + ']';
    const keys = Object.keys(v).filter(k => !(dropNulls && v[k] === null)).sort();
    return '{' + keys.map(k => jsonString(k) + ':' + canonical(v[k], false)).join(',') + '}';
  }

  async function sha256Hex(text) {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
    return Array.from(new Uint8Array(digest), b => b.toString(16).padStart(2, '0')).join('');
  }

  function sourceFor(r, name) {
    const key = r.topic + '\u0000' + name;
    let s = sources.get(key);
    if (!s) {
      if (sources.size >= MAX_SOURCES) return null;
      s = { name, topic: r.topic, job: null, jobRows: 0, rows: 0, complete: 0, verified: 0, failed: 0, unchecked: 0, last: null };
      sources.set(key, s);
    }
    return s;
  }

  /**
   * Takes one record (as parsed for display) and the same record parsed with numbers as written (null when the
   * browser cannot keep them). Returns the source name for export rows, null for other records.
   */
  function add(r, raw) {
    const h = exportHeaders(r);
    if (!h) return null;
    const name = sourceName(r);
    const s = sourceFor(r, name);
    if (!s) return name;
    if (s.job !== h.job) { s.job = h.job; s.jobRows = 0; }
    s.jobRows++;
    s.rows++;
    if (!h.valid) return name;
    const key = [r.topic, name, h.job, h.start].join('\u0000');
    let c = open.get(key);
    if (!c) {
      c = { source: s, start: h.start, size: h.size, sha: h.sha, count: 0, partitions: new Map(), nulls: false,
        byRow: new Map(), // rows by their cxone.chunk.row, while every row so far had a distinct one
        problem: h.size > MAX_CHUNK_ROWS ? `more than ${MAX_CHUNK_ROWS} rows: not kept to check` : null };
      open.set(key, c);
      if (open.size > MAX_OPEN_CHUNKS) {
        const [oldest] = open.keys();
        open.delete(oldest);
      }
    }
    c.count++;
    if (!c.problem) {
      if (!raw || (r.valueFormat !== 'avro' && r.valueFormat !== 'json')) {
        c.problem = raw ? `value not readable (${r.valueFormat})` : 'browser cannot read numbers as written';
        c.partitions.clear();
        c.byRow = null;
      } else {
        const v = raw.value;
        const hasNull = v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v).includes(null);
        const row = { offset: r.offset, text: canonical(v, false), withoutNulls: hasNull ? canonical(v, true) : null };
        c.nulls ||= hasNull;
        if (c.byRow && h.row !== null && !c.byRow.has(h.row)) c.byRow.set(h.row, row); else c.byRow = null;
        (c.partitions.get(r.partition) || c.partitions.set(r.partition, []).get(r.partition)).push(row);
      }
    }
    if (c.count === c.size) { open.delete(key); finish(c); }
    return name;
  }

  async function finish(c) {
    const s = c.source;
    s.complete++;
    const last = { start: c.start, end: c.start + c.size - 1, sha: c.sha, state: 'checking', detail: '' };
    s.last = last;
    const indexed = c.byRow && c.byRow.size === c.size; // every place 0..size-1 exactly once
    if (!c.problem && !indexed && c.partitions.size > 1) {
      c.problem = `order unknown (rows on ${c.partitions.size} partitions, without cxone.chunk.row)`;
    }
    if (!c.problem && !(window.crypto && crypto.subtle)) c.problem = 'no WebCrypto (page not on HTTPS or localhost)';
    if (c.problem) { s.unchecked++; last.state = 'unchecked'; last.detail = c.problem; return; }
    const rows = indexed
      ? [...c.byRow.entries()].sort((a, b) => a[0] - b[0]).map(e => e[1])
      : [...c.partitions.values()][0].sort((a, b) => a.offset - b.offset);
    const computed = await sha256Hex(rows.map(x => x.text + '\n').join(''));
    let ok = computed === c.sha;
    if (!ok && c.nulls) ok = (await sha256Hex(rows.map(x => (x.withoutNulls ?? x.text) + '\n').join(''))) === c.sha;
    if (ok) { s.verified++; last.state = 'verified'; } else { s.failed++; last.state = 'mismatch'; last.detail = 'page computed ' + computed; }
  }

  return { add, parseKeepingNumbers, sources };
})();
