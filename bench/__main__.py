"""`make bench`: every benchmark module in bench/ with a ``run(args)`` function, in name order.

Each prints its own figures (rows/s, ms) and the ratio against a baseline measured in the same run.
Benchmarks need PostgreSQL: DATABASE_URL defaults to the machine's server (database gonghui_bench).
``python -m bench NAME …`` runs only the named modules.
"""

import argparse
import importlib
import os
import pkgutil
import sys
import time

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gonghui_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("names", nargs="*", help="只运行这些基准（模块名）")
    parser.add_argument("--quick", action="store_true", help="小规模试跑（检查基准本身能运行）")
    args = parser.parse_args()
    import django

    django.setup()
    import bench

    modules = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if not m.name.startswith("_"))
    failed = 0
    for name in modules:
        if args.names and name not in args.names:
            continue
        module = importlib.import_module(f"bench.{name}")
        if not hasattr(module, "run"):
            continue
        print(f"\n=== bench {name} ===", flush=True)
        started = time.perf_counter()
        try:
            module.run(args)
        except Exception as exc:  # report and go on with the others
            failed += 1
            print(f"!! {name} 失败：{exc!r}", flush=True)
        print(f"=== {name}: {time.perf_counter() - started:.1f} s ===", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
