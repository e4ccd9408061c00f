// The FleetTwins HTTP API from the browser: JSON reads, and Server-Sent Events read with fetch (EventSource cannot
// send the Authorization header an API key needs).

const keyName = 'fleettwins.apiKey';

export const apiKey = {
  get: () => localStorage.getItem(keyName) ?? '',
  set: (key) => (key ? localStorage.setItem(keyName, key) : localStorage.removeItem(keyName)),
};

function headers(extra = {}) {
  const key = apiKey.get();
  return key ? { ...extra, Authorization: `Bearer ${key}` } : extra;
}

export class ApiError extends Error {
  constructor(status, detail) {
    super(`${status}${detail ? `: ${detail}` : ''}`);
    this.status = status;
  }
}

async function failure(response) {
  let detail = '';
  try {
    const problem = await response.json();
    detail = problem.detail ?? problem.title ?? '';
  } catch {
    // not JSON
  }
  return new ApiError(response.status, detail);
}

export async function getJson(path) {
  const response = await fetch(path, { headers: headers({ Accept: 'application/json' }) });
  if (!response.ok) throw await failure(response);
  return response.json();
}

/** POSTs JSON; answers the JSON of a 2xx, throws an ApiError (with the problem's detail) otherwise. */
export async function postJson(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: headers({ Accept: 'application/json', 'Content-Type': 'application/json' }),
    body: JSON.stringify(body),
  });
  if (!response.ok) throw await failure(response);
  return response.json();
}

/** Opens the Orleans dashboard in a new tab, signed in with this console's key (kept in a cookie for /dashboard only). */
export function openDashboard() {
  const form = Object.assign(document.createElement('form'), { method: 'POST', action: '/dashboard/session', target: '_blank' });
  form.append(Object.assign(document.createElement('input'), { type: 'hidden', name: 'key', value: apiKey.get() }));
  document.body.append(form);
  form.submit();
  form.remove();
}

export async function getText(path) {
  const response = await fetch(path, { headers: headers() });
  if (!response.ok) throw await failure(response);
  return response.text();
}

/** Reads an SSE stream until `signal` aborts it or it ends; calls onOpen() once connected and onEvent(name, data) for each frame. */
export async function watch(path, onEvent, signal, onOpen) {
  const response = await fetch(path, { headers: headers({ Accept: 'text/event-stream' }), signal });
  if (!response.ok) throw await failure(response);
  onOpen?.();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      const data = [];
      for (const line of frame.split('\n')) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length > 0) onEvent(name, JSON.parse(data.join('\n')));
    }
  }
}
