"""A static file server on 127.0.0.1 for the browser tests (scripts/browser).

Serves ROOT (ES modules and .wasm with their MIME types) and records what a page POSTs to
/result into RESULT_FILE, so a headless browser can report its verdict. Prints the port it
listens on; stops by itself after --lifetime seconds.
"""

import argparse
import http.server
import pathlib
import sys
import threading


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--result-file", required=True)
    ap.add_argument("--lifetime", type=float, default=600)
    args = ap.parse_args()
    result = pathlib.Path(args.result_file)

    class Handler(http.server.SimpleHTTPRequestHandler):
        extensions_map = {
            **http.server.SimpleHTTPRequestHandler.extensions_map,
            ".js": "text/javascript",
            ".mjs": "text/javascript",
            ".wasm": "application/wasm",
        }

        def __init__(self, *a, **kw):
            super().__init__(*a, directory=args.root, **kw)

        def end_headers(self):
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def do_POST(self):  # noqa: N802 (http.server's naming)
            if self.path != "/result":
                self.send_error(404)
                return
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            tmp = result.with_suffix(".tmp")
            tmp.write_bytes(body)
            tmp.replace(result)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *_):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    threading.Timer(args.lifetime, server.shutdown).start()
    server.serve_forever()
    sys.exit(0)


if __name__ == "__main__":
    main()
