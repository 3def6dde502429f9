// Transom's GraphiQL page (served at /graphql when TRANSOM_GRAPHIQL is on):
// GraphiQL, React and ReactDOM come from /graphiql/static/vendor/, copied from
// the npm packages pinned in graphiql/package-lock.json. No inline script, so
// the page runs under the same Content-Security-Policy as the admin UI.
"use strict";

(function () {
  const url = window.location.origin + window.location.pathname;
  const welcome = [
    "# Transom's GraphQL API. Most fields need a token: add it in the",
    "# Headers tab below as",
    '#   { "Authorization": "Bearer <token>" }',
    "# (`transom token create`, or the one `transom demo` prints).",
    "# Run a query with Ctrl-Enter.",
    "",
    "{ build { version } }",
    "",
  ].join("\n");
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: GraphiQL.createFetcher({ url: url }),
      defaultQuery: welcome,
      defaultEditorToolsVisibility: "headers",
      isHeadersEditorEnabled: true,
      // Tokens stay out of the browser's storage.
      shouldPersistHeaders: false,
    }),
  );
})();
