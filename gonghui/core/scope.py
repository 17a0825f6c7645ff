"""Whose subtree a user sees: decided here, once, and denied by default.

Every view, API route, command and task that needs "the user's node" calls :func:`home_node`; every
queryset narrows with ``visible_to`` (built on :func:`scope_prefix`); every "may this user act on that
node" asks :func:`covers`. Nothing anywhere falls back to "the province" when the node is unknown.

The user model names the tree node a user governs with ``SCOPE_FIELD`` (a foreign key to a
:class:`~gonghui.core.models.TreeModel`); core knows no domain model by name.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Q, QuerySet

_QS = TypeVar("_QS", bound=QuerySet)

EVERYTHING = ""  # the path prefix every path starts with: the superuser's view
# A subtree of at most this many nodes is named by its nodes' ids (``under``); a bigger one by the path join.
SUBTREE_IDS_MAX = 2_000


def _active(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)


def _node_model(user: Any):
    # user._meta, not type(user)._meta: request.user is a lazy proxy whose type is not the model.
    return user._meta.get_field(user.SCOPE_FIELD).related_model


def home_node(user: Any):
    """The node a user governs: a superuser the tree's root, an active user their own node, anyone
    else (anonymous, inactive, no node) None — which every caller must treat as "nothing"."""
    if not _active(user):
        return None
    if user.is_superuser:
        return _node_model(user)._default_manager.filter(parent=None).order_by("pk").first()
    if getattr(user, f"{user.SCOPE_FIELD}_id") is None:
        return None
    return getattr(user, user.SCOPE_FIELD)


def scope_prefix(user: Any) -> str | None:
    """The path prefix of what a user sees: ``EVERYTHING`` for a superuser (every root, not only the
    first), the home node's path for others, None for nothing."""
    if not _active(user):
        return None
    if user.is_superuser:
        return EVERYTHING
    node = home_node(user)
    return None if node is None else node.path


def narrow(queryset: _QS, user: Any, *lookups: str) -> _QS:
    """``queryset`` cut to the user's subtree: rows whose path under any of ``lookups`` (e.g.
    ``"union__path"``) starts with the user's prefix; nothing for a user who governs nothing."""
    prefix = scope_prefix(user)
    if prefix is None:
        return queryset.none()
    if prefix == EVERYTHING:
        return queryset.all()
    condition = Q()
    for lookup in lookups:
        condition |= under(queryset, lookup, prefix)
    return queryset.filter(condition)


def under(queryset: QuerySet, lookup: str, prefix: str) -> Q:
    """Rows of ``queryset`` whose ``lookup`` (a path, e.g. ``"union__path"``) starts with ``prefix``.

    A model of millions of rows that hangs on the tree by one foreign key says ``scope_by_ids = True``:
    then a subtree of at most ``SUBTREE_IDS_MAX`` nodes is named by its nodes' ids (one query on the tree),
    ``union_id IN (…)`` — a filter PostgreSQL checks by hashing, on an index that carries the key, while it
    reads the list's order — instead of a join to the tree per row read (a county's first page of members
    at 10 M: 37 ms → 1 ms). A bigger subtree (a province, a city) keeps the join: most rows match it."""
    fk, _, rest = lookup.partition("__")
    if rest == "path" and getattr(queryset.model, "scope_by_ids", False):
        nodes = queryset.model._meta.get_field(fk).related_model._default_manager.using(queryset.db)
        ids = list(nodes.filter(path__startswith=prefix).values_list("pk", flat=True)[: SUBTREE_IDS_MAX + 1])
        if len(ids) <= SUBTREE_IDS_MAX:
            return Q(**{f"{fk}__in_ids": ids})  # one array parameter on PostgreSQL (core.models.InIds)
    return Q(**{f"{lookup}__startswith": prefix})


def within(queryset: _QS, lookup: str, prefix: str) -> _QS:
    """``queryset`` — already cut to a subtree, e.g. by ``narrow`` — cut further to the subtree at ``prefix``
    (a filter's union). When both subtrees are named by ids and the narrower list is a subset of the one
    already there, it takes that one's place instead of standing beside it: the rows are the same, but two
    ``= ANY`` lists on one column make PostgreSQL multiply their selectivities (a township inside a county
    at 10 M members: 22 rows expected, 2,252 found) and read every candidate member's row rather than the
    list's covering index (95 ms → see README, issue 18). Otherwise the condition is added (``under``)."""
    condition = under(queryset, lookup, prefix)
    narrowed = queryset.filter(condition)
    # under() gives a Q of one lookup, (name, value): by ids, or by path.
    by_ids = [
        child for child in condition.children if isinstance(child, tuple) and child[0].endswith("__in_ids")
    ]
    if len(condition.children) != 1 or not by_ids:
        return narrowed
    where = narrowed.query.where  # the narrowed queryset's own copy: ``queryset`` keeps its conditions
    # core.models.InIds, known by its name (core.models imports this module, not the other way round).
    lookups: list[Any] = [
        child for child in where.children if getattr(child, "lookup_name", None) == "in_ids"
    ]
    if where.connector != "AND" or where.negated or len(lookups) < 2:
        return narrowed
    new = lookups[-1]
    for old in lookups[:-1]:
        if old.lhs == new.lhs and set(new.rhs) <= set(old.rhs):
            where.children.remove(old)
            break
    return narrowed


def covers(user: Any, node: Any) -> bool:
    """Whether ``node`` (a tree node, or None) lies in the user's subtree."""
    prefix = scope_prefix(user)
    return prefix is not None and node is not None and node.path.startswith(prefix)
