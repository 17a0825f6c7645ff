"""`make bench`: every benchmark module in bench/ with a ``run(args)`` function, in name order.

Each prints its own figures (rows/s, ms) and the ratio against a baseline measured in the same run, and
last one JSON line ``{"bench": NAME, …}`` (``bench._report.emit``); a module whose last printed line is not
that object counts as failed (exit status 1), so that no benchmark quietly stops reporting figures.
Benchmarks need PostgreSQL: DATABASE_URL defaults to the machine's server (database gonghui_bench).
``python -m bench NAME …`` runs only the named modules; ``--exclude NAME`` leaves one out.
"""

import argparse
import importlib
import io
import os
import pkgutil
import sys
import time
from typing import TextIO

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gonghui_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")


class LastLine(io.TextIOBase):
    """sys.stdout while a module runs: passes everything through and keeps the last non-empty line."""

    def __init__(self, out: TextIO):
        self.out = out
        self.partial = ""
        self.last = ""

    def write(self, text: str) -> int:
        self.out.write(text)
        lines = (self.partial + text).split("\n")
        self.partial = lines.pop()
        for line in reversed(lines):
            if line.strip():
                self.last = line.strip()
                break
        return len(text)

    def flush(self) -> None:
        self.out.flush()

    def last_line(self) -> str:
        return self.partial.strip() or self.last


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("names", nargs="*", help="只运行这些基准（模块名）")
    parser.add_argument("--quick", action="store_true", help="小规模试跑（检查基准本身能运行）")
    parser.add_argument("--exclude", action="append", default=[], help="不运行这个基准（可重复）")
    args = parser.parse_args()
    import django

    django.setup()
    import bench
    from bench._report import last_line_ok

    modules = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if not m.name.startswith("_"))
    failed: list[str] = []
    for name in modules:
        if (args.names and name not in args.names) or name in args.exclude:
            continue
        module = importlib.import_module(f"bench.{name}")
        if not hasattr(module, "run"):
            continue
        print(f"\n=== bench {name} ===", flush=True)
        started = time.perf_counter()
        stdout, tee = sys.stdout, LastLine(sys.stdout)
        sys.stdout = tee
        try:
            module.run(args)
        except Exception as exc:  # report and go on with the others
            failed.append(name)
            print(f"!! {name} 失败：{exc!r}", flush=True)
        else:
            if not last_line_ok(tee.last_line()):
                failed.append(name)
                print(
                    f'!! {name} 的最后一行不是含 "bench" 的 JSON 对象：{tee.last_line()[:200]!r}', flush=True
                )
        finally:
            sys.stdout = stdout
        print(f"=== {name}: {time.perf_counter() - started:.1f} s ===", flush=True)
    if failed:
        print(f"\n失败的基准：{'、'.join(failed)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
