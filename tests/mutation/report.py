"""`make mutation`'s summary (issue 20): the score over the rule modules and every survivor.

Run after `mutmut run` in the project's root. Reads mutmut's results (mutants/*.meta), prints
the score (killed ÷ all mutants; a mutant no test reaches counts as surviving) and, for each
survivor, its diff and whether tests/mutation/EQUIVALENT.md lists it as equivalent, with the
reason. Exits 1 when the score is below the bar or a survivor is not listed.

A survivor is matched to a listed equivalent by its function and the mutated line, not by
mutmut's number, so the list survives edits elsewhere in the module.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

from mutmut.mutation.data import SourceFileMutationData
from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.stats import status_by_exit_code
from mutmut.utils.file_utils import walk_mutatable_files

MIN_SCORE = 95.0
EQUIVALENT = Path(__file__).with_name("EQUIVALENT.md")
DETECTED = {"killed", "timeout", "caught by type check", "segfault"}


def listed_equivalents() -> dict[tuple[str, str], str]:
    """(function, mutated line) → reason, from EQUIVALENT.md's `### function` sections and
    their "- `mutated line` — reason" items."""
    found, function, key = {}, None, None
    for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            function, key = line[4:].strip().strip("`"), None
        elif function and (match := re.match(r"- `(.+?)` —(.*)", line)):
            key = (function, " ".join(match.group(1).split()))
            found[key] = match.group(2).strip()
        elif key and line.startswith("  "):
            found[key] += " " + line.strip()
        else:
            key = None
    return found


def mutated_lines(diff: str) -> str:
    added = [line[1:] for line in diff.splitlines() if line.startswith("+") and line[1:2] != "+"]
    return " ".join(" ".join(added).split())


def main() -> int:
    statuses: dict[str, str] = {}
    paths: dict[str, Path] = {}
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        for name, code in data.exit_code_by_key.items():
            statuses[name], paths[name] = status_by_exit_code[code], path
    if not statuses:
        print("No mutation results: run `mutmut run` first.")
        return 1
    counts = Counter(statuses.values())
    total = len(statuses)
    detected = sum(n for status, n in counts.items() if status in DETECTED)
    score = 100 * detected / total
    equivalents = listed_equivalents()
    survivors = sorted(name for name, status in statuses.items() if status not in DETECTED)
    unlisted = 0
    print("\nSurvivors:" if survivors else "\nNo survivors.")
    for name in survivors:
        diff = get_diff_for_mutant(name, path=paths[name])
        function = name.partition("__mutmut_")[0]
        reason = equivalents.get((function, mutated_lines(diff)))
        unlisted += reason is None
        verdict = f"equivalent: {reason}" if reason else "NOT LISTED in EQUIVALENT.md"
        print(f"\n{name} ({statuses[name]}; {verdict})")
        print("\n".join(line for line in diff.splitlines()[2:] if line[:1] in "+-"))
    print("\nBy status: " + ", ".join(f"{status} {n}" for status, n in sorted(counts.items())))
    listed = len(survivors) - unlisted
    print(
        f"Mutation score over {', '.join(sorted({str(p) for p in paths.values()}))}: "
        f"{detected} of {total} mutants killed = {score:.2f} % (bar: {MIN_SCORE:.0f} %); "
        f"{len(survivors)} survivors, {listed} listed as equivalent, {unlisted} not listed."
    )
    return 0 if score >= MIN_SCORE and unlisted == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
