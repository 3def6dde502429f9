"""The legacy ``graphql-ws`` protocol (subscriptions-transport-ws), made whole.

Strawberry's handler runs only subscriptions over it (a query or mutation
failed with an internal error), never closes a socket that does not send
``connection_init`` and fails on a ``start`` without a payload. The protocol
carries all three operation types; clients such as Apollo's old
``SubscriptionClient`` send queries and mutations over it.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from strawberry.subscriptions.protocols.graphql_ws.handlers import (
    BaseGraphQLWSHandler,
)
from strawberry.subscriptions.protocols.graphql_ws.types import (
    ErrorMessage,
    StartMessage,
)
from strawberry.types.execution import ExecutionResult, PreExecutionError
from strawberry.types.graphql import OperationType

from transom.api.context import Context

INIT_CLOSE_CODE = 4408
INIT_TIMEOUT = timedelta(seconds=10)
EVERY_OPERATION = (
    OperationType.QUERY,
    OperationType.MUTATION,
    OperationType.SUBSCRIPTION,
)


class LegacyWSHandler(BaseGraphQLWSHandler[Context, None]):
    init_timeout: timedelta = INIT_TIMEOUT

    async def handle(self) -> None:
        watchdog = asyncio.create_task(self._close_without_init())
        try:
            await super().handle()
        finally:
            watchdog.cancel()

    async def _close_without_init(self) -> None:
        await asyncio.sleep(self.init_timeout.total_seconds())
        if not self.connection_acknowledged:
            await self.websocket.close(
                code=INIT_CLOSE_CODE, reason="Connection initialisation timeout"
            )

    async def handle_start(self, message: StartMessage) -> None:
        payload: Any = message.get("payload")
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            await self.send_message(
                ErrorMessage(
                    type="error",
                    id=str(message.get("id")),
                    payload={
                        "message": "a start message needs payload.query (a string)",
                        "extensions": {"code": "BAD_REQUEST"},
                    },
                )
            )
            return
        await super().handle_start(message)

    async def handle_async_results(
        self,
        operation_id: str,
        query: str,
        operation_name: str | None,
        variables: dict[str, object] | None,
    ) -> None:
        try:
            source = await self.schema.stream(
                query=query,
                variable_values=variables,
                operation_name=operation_name,
                context_value=self.context,
                root_value=self.root_value,
                allowed_operation_types=EVERY_OPERATION,
            )
            self.subscriptions[operation_id] = source
            first = True
            async for result in source:
                if first and isinstance(result, PreExecutionError) and result.errors:
                    await self.send_message(
                        ErrorMessage(
                            type="error",
                            id=operation_id,
                            payload=result.errors[0].formatted,
                        )
                    )
                    return
                if isinstance(result, ExecutionResult):
                    await self.send_data_message(result, operation_id)
                first = False
            await self.send_message({"type": "complete", "id": operation_id})
        except asyncio.CancelledError:
            await self.send_message({"type": "complete", "id": operation_id})
        finally:
            self.subscriptions.pop(operation_id, None)
            self.tasks.pop(operation_id, None)
