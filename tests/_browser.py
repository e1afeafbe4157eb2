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
