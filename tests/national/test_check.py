"""The cross-province check: a person holding a membership in another province is refused, naming that
province only — on a join (approval, page), on a member import and on a public application; and what
happens when the national instance cannot be asked."""

import datetime as dt

import pytest

from gonghui.core.normalize import normalize_resident_id
from gonghui.imports.jobs import run_job
from gonghui.imports.models import ImportRowError
from gonghui.imports.services import create_job
from gonghui.joining.models import JoinApplication
from gonghui.joining.services.submission import ApplicationInput, ApplicationRefused, submit
from gonghui.members import services
from gonghui.members.models import Member
from gonghui.national.check import UNAVAILABLE
from gonghui.national.models import MembershipHash
from tests.factories import make_id
from tests.imports.helpers import MEMBER_HEADER, write_xlsx

pytestmark = pytest.mark.django_db

JIANGSU = make_id("320102", dt.date(1991, 4, 5), 17)  # a member in 江苏
NEWCOMER = make_id("340207", dt.date(1993, 7, 8), 25)  # nobody's member
REFUSAL = "该身份证号码已是江苏省工会会员，须由江苏省工会先办理「转出至外省」"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"


def join(registry, number):
    applicant = services.Applicant(resident_id=normalize_resident_id(number), name="周苏一")
    return services.join(applicant, registry.unions["jiujiang_b"], dt.date(2024, 3, 1))


def test_join_of_a_member_of_another_province_is_refused_naming_it(province, other_province):
    other_province(JIANGSU)
    with pytest.raises(services.MembershipError) as caught:
        join(province, JIANGSU)
    assert str(caught.value) == REFUSAL
    assert not Member.objects.filter(name="周苏一").exists()
    assert MembershipHash.objects.filter(province_code="34").count() == 4  # nothing published


def test_join_of_someone_held_nowhere_else_goes_through_and_is_published(province, other_province):
    other_province(JIANGSU)
    member = join(province, NEWCOMER)
    assert member.pk and MembershipHash.objects.filter(province_code="34").count() == 5


def test_the_own_provinces_digest_is_not_a_refusal(province, other_province):
    """A member of this province meets the province's own rule (one membership, named by scope)."""
    holder = province.members["jinghu_1"]
    with pytest.raises(services.AlreadyMember):
        join(province, holder.id_number)


def test_check_is_off_without_the_national_alias(province, other_province, settings):
    other_province(JIANGSU)
    settings.GONGHUI_NATIONAL_DB = None
    assert join(province, JIANGSU).pk


def test_import_refuses_the_row_and_writes_the_others(province, other_province, tmp_path):
    other_province(JIANGSU)
    rows = [
        ["周苏一", JIANGSU, "", "鸠江乙公司工会委员会", "2023-05-01", "否", ""],
        ["吴新二", NEWCOMER, "", "鸠江乙公司工会委员会", "2023-05-01", "否", ""],
    ]
    path = write_xlsx(tmp_path / "m.xlsx", MEMBER_HEADER, rows)
    job = create_job(province.users["jiujiang"], "members", path, path.name, None)
    result = run_job(job, dry_run=True)
    errors = {e.row: e.message for e in ImportRowError.objects.filter(job=job, is_warning=False)}
    assert result.errors == 1 and result.created == 1
    assert list(errors.values()) == [f"{REFUSAL}；本行未导入"]
    assert not Member.objects.filter(name="周苏一").exists()


def application(number):
    return ApplicationInput(
        name="周苏一",
        resident_id=normalize_resident_id(number),
        phone="13911112222",
        consent_constitution=True,
        consent_personal_data=True,
    )


def test_public_application_is_refused_naming_the_province(province, other_province):
    other_province(JIANGSU)
    with pytest.raises(ApplicationRefused) as caught:
        submit(application(JIANGSU))
    assert str(caught.value) == REFUSAL
    assert not JoinApplication.objects.exists()


# ---------------------------------------------------------------- the national instance unreachable
def test_unreachable_national_refuses_a_join_and_writes_nothing(province, national_down):
    with pytest.raises(services.MembershipError) as caught:
        join(province, NEWCOMER)
    assert str(caught.value) == UNAVAILABLE
    assert not Member.objects.filter(name="周苏一").exists()


def test_unreachable_national_refuses_every_new_import_row(province, national_down, tmp_path):
    rows = [["吴新二", NEWCOMER, "", "鸠江乙公司工会委员会", "2023-05-01", "否", ""]]
    path = write_xlsx(tmp_path / "m.xlsx", MEMBER_HEADER, rows)
    job = create_job(province.users["jiujiang"], "members", path, path.name, None)
    result = run_job(job, dry_run=False)
    assert result.errors == 1 and not result.committed
    assert ImportRowError.objects.get(job=job, is_warning=False).message == f"{UNAVAILABLE}；本行未导入"
    assert not Member.objects.filter(name="吴新二").exists()


def test_unreachable_national_accepts_a_public_application_and_its_approval_asks_again(
    province, national_down
):
    """An application makes no membership: it is accepted; the approval (members.services.join) asks
    the national instance again and is refused while it cannot be asked."""
    from gonghui.joining.services.flow import JoiningError
    from gonghui.joining.services.review import approve
    from gonghui.regions.models import Region

    data = application(NEWCOMER)
    data.district = Region.objects.get(code="340207")
    app = submit(data)
    assert JoinApplication.objects.filter(pk=app.pk).exists()
    with pytest.raises(JoiningError, match=UNAVAILABLE):
        approve(app, province.users["jiujiang"])
    assert not Member.objects.filter(name="周苏一").exists()
