"""Helpers shared by the browser tests (the `browser` fixture itself is in conftest.py)."""


def offline_context(browser, allow):
    """A browser context in which every request whose URL does not start with ``allow`` is aborted."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    blocked = []

    def route(r):
        if r.request.url.startswith(allow):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    context.set_default_timeout(20_000)
    return context, blocked


class serve:
    """Serve ``directory`` over HTTP on 127.0.0.1 (a free port) for the duration of a ``with`` block.

    JupyterLite needs http:// (a service worker, fetch of .wasm and .mjs), not file://.
    ``with serve(path) as base:`` gives the base URL, ending in a slash.
    """

    def __init__(self, directory):
        self.directory = str(directory)
        self.server = None

    def __enter__(self):
        import functools
        import http.server
        import threading

        class Handler(http.server.SimpleHTTPRequestHandler):
            extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                              ".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm"}

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                      functools.partial(Handler, directory=self.directory))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_port}/"

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
