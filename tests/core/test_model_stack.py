"""The abstract model stack says what it is: scope, timestamps and the tree are separate pieces."""

from gonghui.accounts.models import User
from gonghui.core.models import PATH_STEP, ScopedModel, TimestampedModel, TreeModel, path_segment
from gonghui.joining.models import JoinApplication, TransferRequest
from gonghui.members.models import Member
from gonghui.orgs.models import UnionOrg, Workplace
from gonghui.targets.models import TargetPlan


def _fields(model) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


def test_scope_and_timestamps_are_separate_mixins():
    assert not {"created_at", "updated_at"} & _fields(ScopedModel)
    assert not {"created_at", "updated_at"} & _fields(TreeModel)
    assert {"created_at", "updated_at"} <= _fields(TimestampedModel)
    for model in (JoinApplication, TransferRequest, Member, UnionOrg, Workplace, TargetPlan):
        assert issubclass(model, ScopedModel) and issubclass(model, TimestampedModel), model
        assert {"created_at", "updated_at"} <= _fields(model), model


def test_path_step_is_the_width_of_one_segment():
    assert path_segment(12345) == "00012345/"
    assert PATH_STEP == len(path_segment(12345)) == 9


def test_the_users_node_has_one_name():
    assert not hasattr(User, "scope_root")  # core.scope.home_node(user) is the one way to ask
