#!/usr/bin/env bash
# The main job: check and explain the sample configuration with the `cors`
# CLI, then serve the example API with it on 127.0.0.1 (Ctrl-C to stop).
#   scripts/serve.sh [axum|actix|warp|fastapi] [PORT]
# The API: GET/PUT/POST/DELETE /data (JSON, x-total header), GET /boom (500),
# WebSocket echo at /ws; CORS by examples/cors.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
fw=${1:-axum}
port=${2:-8080}
config=examples/cors.toml

cargo build -q -p fastcors-cli
cors=${CARGO_TARGET_DIR:-target}/debug/cors
echo "== cors check $config"
"$cors" check "$config"
echo
echo "== a preflight from a deep preview subdomain"
"$cors" explain "$config" --origin https://pr-7.preview.example.test --method OPTIONS \
  --request-method PUT --request-headers "content-type, x-token"
echo
echo "== a look-alike domain"
"$cors" explain "$config" --origin https://evilexample.test --method GET
echo

case "$fw" in
  axum | actix | warp)
    cargo build -q -p "fastcors-$fw" --example "$fw-serve"
    echo "== serving the example API with fastcors-$fw on http://127.0.0.1:$port"
    echo "   try: curl -si -H 'Origin: https://app.example.test' http://127.0.0.1:$port/data"
    exec "${CARGO_TARGET_DIR:-target}/debug/examples/$fw-serve" --config "$config" --port "$port"
    ;;
  fastapi)
    bash scripts/setup.sh
    echo "== serving the example API with FastAPI + fastcors on http://127.0.0.1:$port"
    exec python3 -m uvicorn --app-dir examples fastapi_app:app --host 127.0.0.1 --port "$port"
    ;;
  *)
    echo "usage: scripts/serve.sh [axum|actix|warp|fastapi] [PORT]" >&2
    exit 2
    ;;
esac
