"""The example API with FastAPI and fastcors, configured by examples/cors.toml.

    python3 -m uvicorn --app-dir examples fastapi_app:app --host 127.0.0.1 --port 8080
"""

from __future__ import annotations

import pathlib

from fastapi import FastAPI, Response, WebSocket

from fastcors import CORSMiddleware

app = FastAPI(title="fastcors example API")
app.add_middleware(
    CORSMiddleware.from_file,
    path=pathlib.Path(__file__).with_name("cors.toml"),
    cors_on_errors=True,
)

ITEMS = [{"id": 1, "name": "alpha"}, {"id": 2, "name": "beta"}]


@app.api_route("/data", methods=["GET", "PUT", "POST", "DELETE"])
def data(response: Response) -> dict[str, object]:
    response.headers["x-total"] = str(len(ITEMS))
    return {"items": ITEMS}


@app.get("/boom")
def boom() -> None:
    raise RuntimeError("boom: an unhandled error, answered 500 with CORS headers")


@app.websocket("/ws")
async def echo(ws: WebSocket) -> None:
    await ws.accept()
    async for message in ws.iter_text():
        await ws.send_text(message)
