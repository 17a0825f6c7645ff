"""An import's commit writes its audit row (file, SHA-256, counts) in the commit's own transaction: the
member importer (COPY / bulk) and the row importers (workplaces, unions) alike; a dry run writes none, and
a commit that fails leaves neither rows nor an audit row."""

from __future__ import annotations

import pytest

from gonghui.core.models import AuditEvent
from gonghui.imports import jobs
from gonghui.orgs.models import Workplace
from tests.factories import make_uscc
from tests.imports.helpers import write_xlsx

pytestmark = pytest.mark.django_db

HEADER = ["单位名称", "统一社会信用代码", "单位性质", "职工人数", "所在地区", "属地工会"]


def ledger(tmp_path):
    rows = [["审计测试厂", make_uscc(901, "340207"), "", 30, "340207", "鸠江区总工会"]]
    return write_xlsx(tmp_path / "单位台账.xlsx", HEADER, rows)


def imports():
    return AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT)


def test_a_row_importer_commit_is_audited_with_file_hash_and_counts(registry, tmp_path, do_import):
    user = registry.users["jiujiang"]
    job, result = do_import(user, ledger(tmp_path), kind="workplaces", dry_run=True)
    assert result.created == 1 and not imports().exists()  # a preview commits nothing, audits nothing
    job, result = do_import(user, ledger(tmp_path), kind="workplaces")
    assert result.committed and Workplace.objects.filter(name="审计测试厂").exists()
    event = imports().get()
    assert (event.user, event.object_type, event.object_id) == (user, "imports.importjob", str(job.pk))
    assert event.detail == (
        f"导入单位：文件「单位台账.xlsx」（SHA-256 {job.sha256}）；共 1 行，新增 1 行，更新 0 行，"
        "无变化 0 行，有错误未导入 0 行"
    )


def test_an_audit_failure_rolls_the_import_back(registry, tmp_path, do_import, monkeypatch):
    def broken(job, importer, result):
        raise RuntimeError("审计写入失败")

    monkeypatch.setattr(jobs, "audit_commit", broken)
    with pytest.raises(RuntimeError):
        do_import(registry.users["jiujiang"], ledger(tmp_path), kind="workplaces")
    assert not Workplace.objects.filter(name="审计测试厂").exists()
    assert not imports().exists()
