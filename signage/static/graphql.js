// The one small GraphQL client: fetch for queries and mutations, graphql-transport-ws
// for subscriptions. Operation texts come from schema/operations/signage/ (served
// read-only), so a door display sends exactly the persisted documents.

const operations = new Map();

export class NetworkError extends Error {}

export async function operation(name) {
  if (!operations.has(name)) {
    const response = await fetchOrThrow(`/display/operations/${name}.graphql`);
    if (!response.ok) throw new NetworkError(`operation ${name}: HTTP ${response.status}`);
    operations.set(name, await response.text());
  }
  return operations.get(name);
}

async function fetchOrThrow(url, init) {
  try {
    return await fetch(url, init);
  } catch (error) {
    throw new NetworkError(String(error));
  }
}

// Returns {data, errors}; throws NetworkError when Transom cannot be reached.
export async function request(name, variables = {}, token = null) {
  const query = await operation(name);
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetchOrThrow("/graphql", {
    method: "POST",
    headers,
    body: JSON.stringify({ query, variables }),
    cache: "no-store",
  });
  if (response.status >= 500) throw new NetworkError(`HTTP ${response.status}`);
  return response.json();
}

export function errorCode(result) {
  return result?.errors?.[0]?.extensions?.code ?? null;
}

// One subscription over its own socket. Calls onNext(payload) for each result,
// onEnd(reason) once when the socket closes or the server ends it.
export async function subscribe(name, variables, token, { onNext, onEnd }) {
  const query = await operation(name);
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/graphql`, "graphql-transport-ws");
  let ended = false;
  const end = (reason) => {
    if (ended) return;
    ended = true;
    try { socket.close(); } catch { /* already closed */ }
    onEnd(reason);
  };
  socket.addEventListener("open", () => {
    socket.send(JSON.stringify({ type: "connection_init", payload: { Authorization: `Bearer ${token}` } }));
  });
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "connection_ack") {
      socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query, variables } }));
    } else if (message.type === "ping") {
      socket.send(JSON.stringify({ type: "pong" }));
    } else if (message.type === "next") {
      onNext(message.payload);
    } else if (message.type === "error") {
      end({ errors: message.payload });
    } else if (message.type === "complete") {
      end({ complete: true });
    }
  });
  socket.addEventListener("close", () => end({ closed: true }));
  socket.addEventListener("error", () => end({ closed: true }));
  return () => end({ cancelled: true });
}
