"""The /graphql endpoint: HTTP POST/GET, both websocket protocols, GraphiQL.

Before strawberry sees a request: the body is capped (413 once it passes
:data:`MAX_BODY`, read in chunks, so a huge upload never sits in memory), a
JSON body must be UTF-8 (415 otherwise) and nested at most
:data:`~transom.domain.json_depth.MAX_JSON_DEPTH` levels (400). Refusals are GraphQL-shaped JSON with
``extensions.code``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import anyio
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.exceptions import (
    CannotGetOperationTypeError,
    InvalidOperationTypeError,
)
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from transom.api.context import Context, Services
from transom.api.shared_events import encode_json
from transom.api.transport.kept_reads import kept_read
from transom.api.transport.legacy_ws import LegacyWSHandler
from transom.api.transport.media_types import (
    SubResponse,
    is_request_error,
    mark,
    without_data,
)
from transom.api.transport.socket_access import SCOPE_KEY as ACCESS_WATCH
from transom.api.transport.socket_access import AccessWatch
from transom.domain.json_depth import JSONTooDeepError, loads_bounded

MAX_BODY = 1_000_000
# Seconds an operation may run. Mutations get longer: their Graph commands
# (importing a directory) have their own, shorter-than-this timeouts.
QUERY_TIMEOUT = 20.0
MUTATION_TIMEOUT = 150.0

HTTP_CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI app with Transom's context and request limits."""

    graphql_ws_handler_class = LegacyWSHandler

    @property  # one timeout for both protocols
    def connection_init_wait_timeout(self) -> timedelta:
        return LegacyWSHandler.init_timeout

    @connection_init_wait_timeout.setter
    def connection_init_wait_timeout(self, value: timedelta) -> None:
        """Strawberry's constructor sets it; LegacyWSHandler.init_timeout rules."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._serve_websocket(scope, receive, send)
            return
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            replay = await _read_capped(scope, receive)
            response = await self.run(Request(scope, receive=replay))
        except HTTPException as error:
            response = refusal(error.status_code, error.reason)
        await response(scope, receive, send)

    async def _serve_websocket(
        self, scope: Scope, receive: Receive, send: Send
    ) -> None:
        """Strawberry's websocket handling, with revocation watched beside it."""
        watch = AccessWatch()
        scope[ACCESS_WATCH] = watch
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(watch.run)
            await super().__call__(scope, receive, send)
            tasks.cancel_scope.cancel()

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        services: Services = request.state.services
        http_response = response if isinstance(response, Response) else None
        context = Context(services=services, connection=request, response=http_response)
        watch = request.scope.get(ACCESS_WATCH)
        if isinstance(watch, AccessWatch):
            watch.attach(context)
        return context

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """As strawberry's, but a subscription over plain HTTP is refused (it ran
        as a query and failed with an internal error): it needs a websocket.
        Every operation is stopped after QUERY_TIMEOUT (MUTATION_TIMEOUT for a
        document that may hold a mutation) with the code TIMEOUT. A door
        display's RoomDay is answered from the room's kept day when it can be
        (:mod:`~transom.api.transport.kept_reads`)."""
        kept = await kept_read(context, request_data)
        if kept is not None and (found := kept.found()) is not None:
            return found
        allowed = {OperationType.QUERY}
        if request_adapter.method == "POST":
            allowed.add(OperationType.MUTATION)
        try:
            limit = _time_limit(request_data.query)
            with anyio.move_on_after(limit) as deadline:
                result = await self.schema.execute(
                    request_data.query,
                    root_value=root_value,
                    variable_values=request_data.variables,
                    context_value=context,
                    operation_name=request_data.operation_name,
                    allowed_operation_types=allowed,
                    operation_extensions=request_data.extensions,
                )
                return result if kept is None else kept.keep(result)
        except CannotGetOperationTypeError as error:
            raise HTTPException(400, error.as_http_error_reason()) from error
        except InvalidOperationTypeError as error:
            reason = error.as_http_error_reason(request_adapter.method)
            if error.operation_type is OperationType.SUBSCRIPTION:
                reason += ": subscribe over a websocket at /graphql"
            raise HTTPException(405, reason) from error
        except MissingQueryError as error:
            raise HTTPException(400, "No GraphQL query found in the request") from error
        assert deadline.cancelled_caught
        return timed_out(limit)

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        return SubResponse(request.headers.get("accept", ""))

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        if not (
            isinstance(sub_response, SubResponse) and sub_response.graphql_response
        ):
            return super().create_response(response_data, sub_response)
        request_error = isinstance(response_data, dict) and is_request_error(
            response_data
        )
        if request_error:
            response_data = without_data(response_data)  # type: ignore[arg-type,assignment]  # a TypedDict
        response = super().create_response(response_data, sub_response)
        mark(response, request_error=request_error)
        return response

    def decode_json(self, data: str | bytes) -> object:
        try:
            return loads_bounded(data)
        except JSONTooDeepError as error:
            if isinstance(data, str):  # a websocket message: strawberry closes it
                raise
            raise HTTPException(400, error.msg) from None
        except UnicodeDecodeError:
            raise HTTPException(400, "the request body is not UTF-8") from None

    def encode_json(self, data: object) -> str:
        # A result pushed to many subscribers is encoded once.
        return encode_json(data)


def _time_limit(query: str | None) -> float:
    """Without parsing again: a document that can hold a mutation gets longer."""
    return MUTATION_TIMEOUT if query and "mutation" in query else QUERY_TIMEOUT


def timed_out(limit: float) -> ExecutionResult:
    message = f"the operation ran longer than {limit:g} s and was stopped: ask for less"
    error = GraphQLError(message, extensions={"code": "TIMEOUT"})
    return ExecutionResult(data=None, errors=[error])


def refusal(status: int, message: str) -> Response:
    code = HTTP_CODES.get(status, "BAD_REQUEST")
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status)


async def _read_capped(scope: Scope, receive: Receive) -> Receive:
    """Reads the body (refusing it past MAX_BODY) and returns a receive that
    replays it; refuses a JSON body in another charset than UTF-8."""
    headers = Request(scope).headers
    _check_charset(headers.get("content-type", ""))
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise HTTPException(413, f"the request body is over {MAX_BODY} bytes")
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            return _replay_disconnect(message)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            raise HTTPException(413, f"the request body is over {MAX_BODY} bytes")
        chunks.append(chunk)
        more = message.get("more_body", False)
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _replay_disconnect(message: Message) -> Receive:
    async def replay() -> Message:
        return message

    return replay


def _check_charset(content_type: str) -> None:
    media, params = parse_content_type(content_type)
    charset = params.get("charset", "utf-8").strip('"').lower()
    if "json" in media and charset not in ("utf-8", "utf8"):
        raise HTTPException(
            415, f"send JSON as UTF-8 (charset={charset} is not supported)"
        )


def graphql_app(schema: Any) -> GraphQLApp:
    return GraphQLApp(
        schema,
        graphql_ide="graphiql",
        allow_queries_via_get=True,
    )
