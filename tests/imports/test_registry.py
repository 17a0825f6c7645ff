"""Issue 10 point 4: importers live with their models and register with the engine; the engine, its
pages and its URLs name no domain app, and a new app's import plugs in by registering."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

import gonghui
from gonghui.imports import engine
from gonghui.imports.columns import Column
from gonghui.imports.models import ImportJob
from gonghui.imports.template import build_template
from gonghui.regions.models import Region
from tests.test_import_graph import app_of, import_edges


def test_each_importer_lives_in_the_app_of_its_rows_and_is_registered():
    importers = engine.registered()
    assert {kind: i.__module__ for kind, i in importers.items()} == {
        "members": "gonghui.members.importer",
        "workplaces": "gonghui.orgs.importer",
        "unions": "gonghui.orgs.importer",
        "directory": "gonghui.directories.importer",
        "work_plan": "gonghui.supervision.plans_importer",
        "pairings": "gonghui.supervision.pairings_importer",
        "union_workers": "gonghui.people.importer",
        "venues": "gonghui.venues.importer",
        "model_workers": "gonghui.modelworkers.importer",
        "training_roster": "gonghui.training.importer",
    }
    assert {kind: i.model for kind, i in importers.items()} == {
        "members": "members.member",
        "workplaces": "orgs.workplace",
        "unions": "orgs.unionorg",
        "directory": "directories.directoryentry",
        "work_plan": "supervision.plantask",
        "pairings": "supervision.pairing",
        "union_workers": "people.unionworker",
        "venues": "venues.venue",
        "model_workers": "modelworkers.modelworker",
        "training_roster": "training.attendee",
    }
    # ImportJob.kind offers what was registered, with the importer's title.
    assert dict(ImportJob._meta.get_field("kind").choices) == {
        "members": "会员",
        "workplaces": "单位",
        "unions": "工会组织",
        "directory": "名录",
        "work_plan": "工作计划任务",
        "pairings": "对口联系",
        "union_workers": "工会工作者",
        "venues": "服务阵地",
        "model_workers": "劳模工匠",
        "training_roster": "参训名单",
    }


def test_the_imports_app_imports_no_app_that_registers_an_importer():
    edges = import_edges(Path(gonghui.__file__).parent, "gonghui")
    assert (
        sorted(
            (a, b)
            for a, b in edges
            if app_of(a) == "imports" and app_of(b) in {"members", "orgs", "directories"}
        )
        == []
    )


class RegionNoteImporter(engine.RowImporter):
    """What a next app (directories, rosters, venues) writes: a kind, a title, columns, a list page."""

    kind = "region-notes"
    title = "区划备注"
    columns = [Column("region", "所在地区", ("地区",), True, "6 位区划代码", "340207", text=True)]
    model = "regions.region"
    list_url = "regions:region-list"

    def validate(self, table, hmap, result):
        bad: set[int] = set()
        codes = self.per_value(result, self.column(table, hmap, "region"), "region", str, bad)
        return [None if i in bad else code for i, code in enumerate(codes)]

    def plan(self, records, result):
        return [("same", r) for r in records if r is not None]

    def commit(self, plan):
        pass


@pytest.fixture
def plugged(monkeypatch):
    monkeypatch.setitem(engine._IMPORTERS, RegionNoteImporter.kind, RegionNoteImporter)
    return RegionNoteImporter


def test_a_registered_importer_gets_its_template_job_kind_buttons_and_runs(plugged, registry):
    book = CalamineWorkbook.from_filelike(io.BytesIO(build_template(plugged.kind)))
    assert book.sheet_names[0] == "区划备注导入"
    assert book.get_sheet_by_index(0).to_python()[0][0] == "所在地区*"
    job = ImportJob(kind=plugged.kind)
    assert job.get_kind_display() == "区划备注"

    class View:
        model = Region

    assert engine.list_actions(View()) == (
        "imports/_list_actions.html",
        {
            "import_kind": "region-notes",
            "import_template_url": "imports:template-region-notes",
            "import_upload_url": "imports:upload-region-notes",
        },
    )
    importer = engine.importer_for(plugged.kind, registry.users["jiujiang"])
    assert isinstance(importer, RegionNoteImporter) and importer.scope == registry.unions["jiujiang"]


def test_register_refuses_an_importer_without_kind_title_or_columns():
    class Incomplete(engine.Importer):
        kind = "incomplete"

    with pytest.raises(ValueError, match="kind、title 和 columns"):
        engine.register(Incomplete)
    assert "incomplete" not in engine.registered()
