"""The import engine: read → match header → normalise + validate (set-based) → commit → report.

Validation works on whole columns: each distinct raw value is normalised once, references (unions,
workplaces, regions, existing members) are resolved with one query per chunk, never a form per row.
The commit is one transaction: on PostgreSQL rows go through COPY (``copy_line``), elsewhere
``bulk_create``. An import of millions of rows can overlap the two (``overlapped``: batch n+1 validated in
a producer thread while this thread COPYs batch n, still one transaction; the member import does).

A file with any row error commits nothing: the user fixes the rows in the report and uploads it again
(importing a row twice changes nothing). Writing only the valid rows is an explicit choice
(``skip_invalid``: the preview's checkbox, ``--skip-invalid``). A dry run does everything except the
commit.

The engine names no domain app. An app's import lives in that app (``gonghui/<app>/importer.py``):

1. subclass :class:`Importer` (or :class:`RowImporter` for thousands of rows saved through the models;
   ``gonghui.orgs.importer.OrgReferences`` adds the resolvers of unions, workplaces and regions) and set
   ``kind``, ``title``, ``columns`` (:class:`~gonghui.imports.columns.Column`), ``model`` and ``list_url``;
2. implement ``run`` (or ``validate`` / ``plan`` / ``commit``), writing through the app's own services;
   a ``run`` of its own calls ``self.committing(result)`` last inside its commit transaction (the job's
   audit row: file, SHA-256, counts);
3. call ``gonghui.imports.engine.register(TheImporter)`` in the app's ``AppConfig.ready()``.

The upload page and template download (``imports:upload-<kind>``, ``imports:template-<kind>``), the
import buttons on the model's list page, the job pages, the background tasks, the error report and the
``import_<kind>`` style commands (``ImportCommand`` with ``kind``) then serve the new kind unchanged.
"""

from __future__ import annotations

import datetime as dt
import queue
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import connections, transaction

from gonghui.core.normalize import (
    InvalidValue,
    ResidentId,
    clean_text,
    compact,
    normalize_name,
    normalize_phone,
    normalize_resident_id,
)
from gonghui.core.scope import EVERYTHING, home_node, scope_prefix

from .columns import Column, HeaderMap, match_header
from .reader import Table

Progress = Callable[[int, str], None]
CHUNK = 5000
T = TypeVar("T")


@dataclass(slots=True)
class Issue:
    index: int  # 0-based data row
    column: str  # Chinese column label ("" for the whole row)
    message: str
    warning: bool = False


@dataclass
class Result:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: int = 0  # rows with at least one error (left out)
    committed: bool = False
    issues: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # file-level remarks shown with the preview
    extra_columns: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    # A kind's own figures (a directory's matched / uncertain / new …), added to the JSON summary.
    extra: dict[str, int] = field(default_factory=dict)
    # A kind's own per-row outcome (data row index → values), for a report of every row.
    row_outcomes: list[tuple] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            **self.extra,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "errors": self.errors,
            "committed": self.committed,
        }

    def error_rows(self) -> set[int]:
        return {issue.index for issue in self.issues if not issue.warning}


class Importer:
    """Base: the column extraction and the error bookkeeping. Subclasses validate and commit."""

    kind = ""  # the registry key, in URLs and on ImportJob.kind: "members"
    title = ""  # what a row is, in Chinese: 会员 (批量导入会员, 会员导入模板.xlsx)
    columns: list[Column] = []  # the ledger's columns (header matching, template, 填写说明)
    model = ""  # "app_label.model" whose list page offers the template and the upload
    list_url = ""  # that list page's URL name (the job page links back to it)
    default_column = ""  # the column a default union fills in when empty or absent
    sensitive_columns: tuple[str, ...] = ()  # column keys masked cell by cell in the masked error report
    skip_invalid = False  # True: commit the valid rows of a file that has row errors
    # Called inside the commit's transaction with the final counts (``committing``): the job runner writes
    # the import's audit row there, so the rows and the record of who imported them commit together.
    commit_hook: Callable[[Result], None] | None = None

    @classmethod
    def option_fields(cls, user) -> dict:
        """A kind's own upload fields (name → form field), shown on the upload page after the file."""
        return {}

    @classmethod
    def options_from(cls, cleaned: dict) -> dict:
        """The job's ``options`` (JSON) from the upload form's cleaned data."""
        return {}

    def __init__(self, user, scope=None, default_union=None, options: dict | None = None):
        self.options = options or {}  # a kind's own parameters (a directory's source and date)
        self.job: Any = None  # the ImportJob being run, set by the job runner (models import this module)
        self.user = user
        self.scope = scope  # the union tree node the importer is held to; None: the whole database
        self.default_union = default_union
        self.labels = {c.key: c.label for c in self.columns}

    # ------------------------------------------------------------------ helpers
    def in_scope(self, path: str) -> bool:
        return self.scope is None or path.startswith(self.scope.path)

    def match(self, table: Table, file_name: str = "") -> HeaderMap:
        optional = {self.default_column} if self.default_union and self.default_column else set()
        hmap = match_header(table.header, self.columns, optional, file_name)
        self.drop_example_rows(table, hmap)
        return hmap

    def drop_example_rows(self, table: Table, hmap: HeaderMap) -> None:
        """The template's example row (first cell ends with （示例）) is skipped, row numbers kept."""
        first = hmap.index.get(self.columns[0].key)
        while table.rows and first is not None and first < len(table.rows[0]):
            if not clean_text(table.rows[0][first]).endswith("(示例)"):  # clean_text folds （） to ()
                break
            table.rows.pop(0)
            table.header_row += 1

    def column(self, table: Table, hmap: HeaderMap, key: str) -> list[object]:
        position = hmap.index.get(key)
        if position is None:
            return [None] * len(table.rows)
        return [row[position] if position < len(row) else None for row in table.rows]

    def error(self, result: Result, index: int, key: str, message: str, warning: bool = False) -> None:
        result.issues.append(Issue(index, self.labels.get(key, key), message, warning))

    def per_value(self, result: Result, values: list[object], key: str, func, bad: set[int]) -> list:
        """Normalise a column, each distinct value once; errors recorded against every row that has it."""
        cache: dict[object, object] = {}
        failures: dict[object, str] = {}
        out: list[object] = []
        for index, raw in enumerate(values):
            cache_key = (type(raw), raw) if not isinstance(raw, list) else None
            if cache_key in failures:
                self.error(result, index, key, failures[cache_key])
                bad.add(index)
                out.append(None)
                continue
            if cache_key in cache:
                out.append(cache[cache_key])
                continue
            try:
                value = func(raw)
            except InvalidValue as exc:
                failures[cache_key] = str(exc)
                self.error(result, index, key, str(exc))
                bad.add(index)
                out.append(None)
                continue
            cache[cache_key] = value
            out.append(value)
        return out

    def resolve_choice(self, result, values, key, choices, bad, default):
        by_label = {clean_text(label): value for value, label in choices}
        by_value = {str(value).lower(): value for value, _ in choices}

        def pick(raw):
            text = clean_text(raw)
            if not text:
                return default
            hit = by_label.get(text) or by_value.get(text.lower())
            if hit is None:
                starts = [v for label, v in by_label.items() if label.startswith(text)]
                if len(starts) == 1:
                    return starts[0]
                raise InvalidValue(f"「{text}」不是可选值，可填：{'、'.join(by_label)}")
            return hit

        return self.per_value(result, values, key, pick, bad)

    def run(self, table: Table, hmap: HeaderMap, dry_run: bool, progress: Progress | None = None) -> Result:
        raise NotImplementedError

    def committing(self, result: Result) -> None:
        """Call last inside the commit's ``transaction.atomic()`` block, the counts final."""
        if self.commit_hook is not None:
            self.commit_hook(result)

    def may_commit(self, result: Result) -> bool:
        return not result.errors or self.skip_invalid

    def duplicates(
        self,
        table: Table,
        result: Result,
        values: list,
        key: str,
        bad: set[int],
        seen: dict[object, int] | None = None,
        offset: int = 0,
    ) -> list[tuple[int, object]]:
        """Every row whose value in ``key`` another row of the file has too is an error, both named.

        A file checked in chunks passes the same ``seen`` (value → first row) for every chunk and the
        chunk's first row as ``offset``: ``values`` and ``bad`` are the chunk's, ``result`` and ``table``
        the whole file's. Returns the rows of earlier chunks found to be duplicates only now, with the value."""
        seen = {} if seen is None else seen
        earlier: list[tuple[int, object]] = []
        label = self.labels[key]
        for local, value in enumerate(values):
            if not value:
                continue
            index = offset + local
            first = seen.setdefault(value, index)
            if first != index:
                self.error(result, index, key, f"与第 {table.excel_row(first)} 行{label}重复")
                self.error(result, first, key, f"与第 {table.excel_row(index)} 行{label}重复")
                bad.add(local)
                if first >= offset:
                    bad.add(first - offset)
                elif first not in (e for e, _ in earlier):
                    earlier.append((first, value))
        return earlier

    def person_columns(
        self, table: Table, hmap: HeaderMap, result: Result, bad: set[int], once: bool = True
    ) -> tuple[list, list]:
        """A roster of people (union workers, model workers, trainees …): the 姓名 and 身份证号 columns
        normalised — (names, ResidentIds), None where the row's value is wrong — and, with ``once``, each
        person on one row only. The member import keeps its own: it also warns and upgrades IDs."""
        today = dt.date.today()
        names = self.per_value(result, self.column(table, hmap, "name"), "name", normalize_name, bad)
        ids: list[ResidentId | None] = [None] * len(table.rows)
        for index, raw in enumerate(self.column(table, hmap, "id_number")):
            try:
                ids[index] = normalize_resident_id(raw, today)
            except InvalidValue as exc:
                self.error(result, index, "id_number", str(exc))
                bad.add(index)
        if once:
            self.duplicates(table, result, [r.number if r else None for r in ids], "id_number", bad)
        return names, ids

    def phone_column(self, table: Table, hmap: HeaderMap, result: Result, bad: set[int]) -> list:
        """The optional 手机号 column: normalised, "" where empty."""
        return self.per_value(
            result,
            self.column(table, hmap, "phone"),
            "phone",
            lambda raw: normalize_phone(raw) if clean_text(raw) else "",
            bad,
        )

    @staticmethod
    def one_of(options: dict[str, Any], label: str, required: bool = False) -> Callable[[object], Any]:
        """A cell naming one of ``options`` (reference rows by name): the row, None when empty and optional."""

        def pick(raw: object) -> Any:
            text = clean_text(raw)
            if not text:
                if required:
                    raise InvalidValue(f"{label}不能为空")
                return None
            if text not in options:
                raise InvalidValue(f"「{text}」不是可选的{label}，可填：{'、'.join(options)}")
            return options[text]

        return pick


class RowImporter(Importer):
    """For ledgers counted in thousands, not millions (workplaces, unions): validate set-based like
    members, then ``plan`` (("create" | "update" | "same", …) steps) and ``commit`` the plan row by row
    through the models inside one transaction (the union tree needs each parent's path)."""

    def validate(self, table: Table, hmap: HeaderMap, result: Result) -> list:
        raise NotImplementedError

    def plan(self, records: list, result: Result) -> list[tuple]:
        raise NotImplementedError

    def commit(self, plan: list[tuple]) -> None:
        raise NotImplementedError

    def run(self, table: Table, hmap: HeaderMap, dry_run: bool, progress: Progress | None = None) -> Result:
        progress = progress or (lambda pct, stage: None)
        result = Result(kind=self.kind, rows=len(table.rows), extra_columns=hmap.extra)
        progress(5, "校验数据")
        records = self.validate(table, hmap, result)
        progress(40, "比对已有记录")
        plan = self.plan(records, result)
        result.errors = len(result.error_rows())
        result.created = sum(1 for step in plan if step[0] == "create")
        result.updated = sum(1 for step in plan if step[0] == "update")
        result.skipped = result.rows - result.errors - result.created - result.updated
        if dry_run or not self.may_commit(result):
            return result
        progress(60, "写入数据库")
        with transaction.atomic():
            self.commit(plan)
            self.committing(result)
        result.committed = True
        return result


def parse_int(raw) -> int:
    if raw is None or raw == "":
        return 0
    if isinstance(raw, float):
        if not raw.is_integer():
            raise InvalidValue(f"「{raw}」应为整数")
        return int(raw)
    text = compact(raw).replace(",", "")
    if not text.isdigit():
        raise InvalidValue(f"「{text}」应为整数")
    return int(text)


def parse_code(raw) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return compact(raw).upper()


def required_text(label: str):
    def func(raw):
        text = clean_text(raw)
        if not text:
            raise InvalidValue(f"{label}不能为空")
        return text[:200]

    return func


# ---------------------------------------------------------------------- producer / consumer
_END = object()


def overlapped(produce: Callable[[], Iterator[T]], consume: Callable[[T], None], depth: int = 2) -> None:
    """``consume`` each item of ``produce()`` here while the next items are produced in another thread.

    The import's validation (the producer: Python, holding the GIL) runs while this thread waits on the
    database ingesting the previous batch (the driver releases the GIL during I/O), so the two cores work
    at once. The producer gets its own database connection (Django's are per thread): the connection
    here may be inside a COPY, which can run no other query; the producer sees committed data only, so
    call this outside any transaction but the one ``consume`` writes in. At most ``depth`` items wait
    between the two (memory stays bounded). An exception on either side stops both and is raised here,
    the producer's as it was raised (so a caller's transaction rolls back and a lost connection is still
    recognised as one).
    """
    items: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    failure: list[BaseException] = []

    def put(item) -> bool:
        while not stop.is_set():
            try:
                items.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        try:
            for item in produce():
                if not put(item):
                    return
        except BaseException as exc:  # raised again in the consuming thread
            failure.append(exc)
        finally:
            connections.close_all()  # this thread's own connection
            put(_END)

    thread = threading.Thread(target=run, name="import-producer", daemon=True)
    thread.start()
    try:
        while (item := items.get()) is not _END:
            consume(item)
    finally:
        stop.set()
        thread.join()
    if failure:
        raise failure[0]


# ---------------------------------------------------------------------- COPY (PostgreSQL)
def batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_value(value) -> str:
    kind = type(value)
    if kind is str or isinstance(value, str):  # most values (and text choices): check it first
        # isprintable() is False for tab, newline and carriage return; a backslash must be escaped too.
        return value.translate(_COPY_ESCAPES) if "\\" in value or not value.isprintable() else value
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if isinstance(value, int):
        return str(int(value))
    return value.isoformat()  # dates and datetimes: the only other types the two tables get


def copy_line(values: tuple) -> str:
    """One line of COPY text. Written here rather than psycopg's write_row, which measured ≈ 15 µs a
    row on a million-row import; the values come from the same code as the bulk_create path."""
    return "\t".join(map(copy_value, values)) + "\n"


# ---------------------------------------------------------------------- the registry of importers
_IMPORTERS: dict[str, type[Importer]] = {}


def register(importer: type[Importer]) -> type[Importer]:
    """Called in the owning app's ``AppConfig.ready()``; the kind's pages and URLs follow."""
    if not importer.kind or not importer.title or not importer.columns:
        raise ValueError(f"{importer.__name__} 须声明 kind、title 和 columns")
    _IMPORTERS[importer.kind] = importer
    return importer


def registered() -> dict[str, type[Importer]]:
    return dict(_IMPORTERS)


def kind_choices() -> list[tuple[str, str]]:
    """The choices of ``ImportJob.kind``: every registered kind, in registration order."""
    return [(kind, importer.title) for kind, importer in _IMPORTERS.items()]


def importer_class(kind: str) -> type[Importer]:
    return _IMPORTERS[kind]


def importer_for_model(label: str) -> type[Importer] | None:
    """The importer whose rows are the ``app_label.model`` of a list page, if any."""
    return next((i for i in _IMPORTERS.values() if i.model == label), None)


def list_actions(view):
    """The import buttons beside a list page's export menu, when its model has a registered importer
    (registered with ``core.exports`` in ``ImportsConfig.ready()``)."""
    importer = importer_for_model(view.model._meta.label_lower)
    if importer is None:
        return None
    return "imports/_list_actions.html", {
        "import_kind": importer.kind,
        "import_template_url": f"imports:template-{importer.kind}",
        "import_upload_url": f"imports:upload-{importer.kind}",
    }


def importer_for(kind: str, user, default_union=None, options: dict | None = None) -> Importer:
    """The importer for a user: a superuser's is unbounded (scope None), anyone else's is held to their
    node, and a user who governs nothing gets none."""
    prefix = scope_prefix(user)
    if prefix is None:
        raise PermissionDenied("您的账号未分配所属工会，不能导入")
    scope = None if prefix == EVERYTHING else home_node(user)
    return _IMPORTERS[kind](user, scope, default_union, options)


def iter_issue_text(issues: Iterable[Issue]) -> dict[int, str]:
    by_row: dict[int, list[str]] = defaultdict(list)
    for issue in issues:
        prefix = "提示：" if issue.warning else ""
        by_row[issue.index].append(
            f"{prefix}{issue.column}：{issue.message}" if issue.column else issue.message
        )
    return {index: "；".join(parts) for index, parts in by_row.items()}
