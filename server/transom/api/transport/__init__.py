"""How operations arrive: HTTP and both websocket protocols, CORS, media types, persisted documents, socket revocation."""
