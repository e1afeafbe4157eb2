"""Repository-wide pytest configuration.

nbval compares every stored cell output with a fresh run. Two kinds of output
are not part of the regression baseline:

- stderr: warnings and the progress bar that ``mlcore.fit`` draws there;
  they vary between machines and runs. (nbval keys stream outputs by stream
  name, so adding "stderr" to ``skip_compare`` skips exactly these.)
- images: nbval already skips image/png; numbers are checked as printed text.
"""


def pytest_collectstart(collector):
    if getattr(collector, "fspath", None) is not None and collector.fspath.ext == ".ipynb":
        collector.skip_compare = tuple(collector.skip_compare) + ("stderr",)
