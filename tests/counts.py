"""The summary's kept counts in tests (issue 18): rebuild them after writing rows directly, and
check after a workflow that nothing drifted.

    from tests.counts import assert_counts_agree, counts_rebuild

- `counts_rebuild()`: a fixture that writes records with `Model.objects.create` (test data, as
  an import would) calls it at the end, so the summary sees them.
- `assert_counts_agree()`: a workflow test (services, views, imports, re-ratings,
  restructurings) calls it at the end; it fails with every drifted count named. A new
  transition or bulk write that forgets to recount fails here.
"""

from assessment.counts import counts_drift, counts_refresh_all


def counts_rebuild() -> None:
    """Recompute every year's counts from the rows (what test data written directly needs)."""
    counts_refresh_all()


def assert_counts_agree() -> None:
    """Fail, naming each one, if a kept count differs from what the rows say."""
    drift = counts_drift()
    assert not drift, "counts drifted from the rows:\n" + "\n".join(map(str, drift))
