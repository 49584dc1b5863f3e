"""`make mutation`: mutmut over each module in pyproject's [tool.mutation.modules], in turn.

mutmut reads one test selection for everything it mutates; running each module alone,
against only the tests named for it, keeps a kill from counting unless that module's own
tests made it. Prints killed/total per module and exits 1 if a module is under the bar once
the mutants listed in docs/mutation.md (equivalent ones, and those mutmut cannot switch on)
are left out. The surviving mutants' diffs go to .mutation/<module>.txt.
"""

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

BAR = 0.90
ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / ".mutation"
CAUGHT = {"killed", "timeout", "caught by type check"}


def report_path(module):
    return REPORTS / (module.replace("/", ".").removesuffix(".py") + ".json")


def run_one(module, tests):
    """In a fresh process: mutate `module` alone and run `tests` against it."""
    from mutmut import configuration

    cfg = configuration._load_config()
    cfg.only_mutate = [module]
    cfg.pytest_add_cli_args_test_selection = list(tests)
    configuration._config = cfg

    from mutmut.__main__ import cli
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.stats import status_by_exit_code

    try:
        cli(["run", "--max-children", "1"])
    except SystemExit as stop:
        if stop.code:
            raise
    data = SourceFileMutationData(path=Path(module))
    data.load()
    status = {name: status_by_exit_code[code] for name, code in data.exit_code_by_key.items()}
    not_caught = sorted(name for name, s in status.items() if s not in CAUGHT)
    REPORTS.mkdir(exist_ok=True)
    report_path(module).write_text(json.dumps({"status": status, "not_caught": not_caught}))
    diffs = [f"# {n}: {status[n]}\n{get_diff_for_mutant(n, path=module)}\n" for n in not_caught]
    report_path(module).with_suffix(".txt").write_text("\n".join(diffs))


def equivalent_mutants():
    doc = ROOT / "docs" / "mutation.md"
    return set(re.findall(r"`([\w.]+__mutmut_\d+)`", doc.read_text())) if doc.exists() else set()


def main():
    modules = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutation"]["modules"]
    equivalent = equivalent_mutants()
    rows = []
    for module, tests in modules.items():
        print(f"== {module} against {' '.join(tests)}", flush=True)
        shutil.rmtree(ROOT / "mutants", ignore_errors=True)
        # The modules and tests named in pyproject.toml, run by this same interpreter.
        subprocess.run([sys.executable, __file__, module, *tests], cwd=ROOT, check=True)  # noqa: S603
        report = json.loads(report_path(module).read_text())
        status = report["status"]
        killed = sum(s in CAUGHT for s in status.values())
        left_out = equivalent & set(report["not_caught"])
        total = len(status) - len(left_out)
        rows.append((module, killed, total, len(left_out), killed >= BAR * total))
    print()
    print(f"{'module':<28} killed/total  (equivalent left out)")
    for module, killed, total, left_out, ok in rows:
        score = killed / total if total else 1.0
        mark = "" if ok else f"  UNDER {BAR:.0%}"
        print(f"{module:<28} {killed:>4}/{total:<4} {score:6.1%}  ({left_out}){mark}")
    print(f"Survivors' diffs: {REPORTS.relative_to(ROOT)}/<module>.txt")
    return 0 if all(ok for *_, ok in rows) else 1


if __name__ == "__main__":
    if len(sys.argv) > 1:
        run_one(sys.argv[1], sys.argv[2:])
    else:
        sys.exit(main())
