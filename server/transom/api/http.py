"""The /graphql endpoint: HTTP POST/GET, both websocket protocols, GraphiQL."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from transom.api.context import Context, Services
from transom.api.shared_events import encode_json


class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI app with Transom's context."""

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        services: Services = request.state.services
        return Context(services=services, connection=request)

    def encode_json(self, data: object) -> str:
        # A result pushed to many subscribers is encoded once.
        return encode_json(data)


def graphql_app(schema: Any) -> GraphQLApp:
    return GraphQLApp(schema, graphql_ide="graphiql", allow_queries_via_get=True)
