// The two ways the dashboard receives the bridge's frames: a WebSocket (/stream) or Server-Sent Events (/sse), for
// networks whose proxies strip WebSocket upgrades. Both open with a single-use ticket taken with the token in a
// header, so the token is never in a URL, and both hand each frame's text (the same text on both) to one handler.
'use strict';

const Streams = (() => {
  const LABELS = { websocket: 'WebSocket', sse: 'SSE' };

  async function ticket(token) {
    const res = await fetch('/api/ticket', { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`ticket refused ${res.status}: ${(await res.text()).trim().substring(0, 200)}`);
    return (await res.json()).ticket;
  }

  // Up to this many records of one partition per WebSocket frame: the bridge batches what one read of Kafka brought
  // (no waiting), so at thousands of records/s the page handles a message per read, not per record, and stays fresh.
  // The bridge's batch.max.records must allow it (its default, 500, does).
  const WEBSOCKET_BATCH = 100;

  /** The subscription as /stream's subscribe message: topics, start, batch size and the positions to resume from. */
  function subscribeMessage(sub) {
    const msg = { type: 'subscribe', topics: sub.topics, start: sub.start, batch: WEBSOCKET_BATCH };
    const offsets = {};
    for (const t of sub.topics) if (sub.positions[t]) offsets[t] = sub.positions[t];
    if (Object.keys(offsets).length) msg.offsets = offsets;
    return JSON.stringify(msg);
  }

  function webSocket(ticket, sub, on) {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/stream?ticket=${encodeURIComponent(ticket)}`);
    let opened = false;
    ws.onopen = () => { opened = true; ws.send(subscribeMessage(sub)); on.open(); };
    ws.onmessage = ev => { if (typeof ev.data === 'string') on.frame(ev.data, null); };
    // A refused upgrade, or a proxy that does not pass it, closes (1006) without having opened.
    ws.onclose = ev => on.close({ code: ev.code, reason: ev.reason, opened });
    return { transport: 'websocket', url: ws.url, close: (code, reason) => ws.close(code, reason) };
  }

  /**
   * The subscription goes in the URL. It resumes from the last event id of an earlier SSE stream of the same topics
   * (as ?lastEventId=: the ticket is new, so this is a new EventSource), else from the positions as offsets.
   */
  function eventSource(ticket, sub, on) {
    const q = new URLSearchParams({ topics: sub.topics.join(','), start: sub.start, ticket });
    if (sub.lastEventId) q.set('lastEventId', sub.lastEventId);
    else {
      const offsets = [];
      for (const t of sub.topics) for (const [p, o] of Object.entries(sub.positions[t] || {})) offsets.push(`${t}:${p}:${o}`);
      if (offsets.length) q.set('offsets', offsets.join(','));
    }
    const es = new EventSource(`/sse?${q}`);
    let opened = false;
    let ended = false;
    es.onopen = () => { opened = true; on.open(); };
    es.onmessage = ev => { if (!ended) on.frame(ev.data, ev.lastEventId || null); };
    // EventSource's own reconnect would present the used ticket again (refused with 401): the stream ends here and
    // the page opens a new one with a new ticket and the last id, as after a closed WebSocket.
    const end = (code, reason) => {
      if (ended) return;
      ended = true;
      es.close();
      on.close({ code, reason, opened });
    };
    es.onerror = () => end(null, opened ? 'event stream interrupted' : 'event stream did not open');
    // Closed by the page: reported afterwards, as a WebSocket's close event is.
    return { transport: 'sse', url: es.url, close: (code, reason) => { es.close(); setTimeout(() => end(code, reason)); } };
  }

  return {
    label: transport => LABELS[transport],
    /**
     * Opens a stream over `transport` ('websocket' or 'sse') for `sub` ({topics, start, positions, lastEventId}).
     * Resolves to a handle with transport, url and close(code, reason); calls on.open(), on.frame(text, eventId)
     * (eventId: the SSE event's id, or null) and once on.close({code, reason, opened}) when it ends, also when the
     * page closed it (opened: false when it never opened, e.g. a WebSocket upgrade refused on the way).
     */
    async open(transport, token, sub, on) {
      const t = await ticket(token);
      return transport === 'sse' ? eventSource(t, sub, on) : webSocket(t, sub, on);
    }
  };
})();
