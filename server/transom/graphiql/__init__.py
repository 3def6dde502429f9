"""GraphiQL's browser files: which ones Transom serves and how a checkout or the
wheel build fetches them (``files``, standard library only). The page and its
routes are in ``transom.pages.graphiql``."""
