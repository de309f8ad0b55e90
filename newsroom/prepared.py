"""Querysets compiled once per process and run many times with new parameters.

Building a queryset (cloning, joins, compiling its SQL) cost a page like the article page
more CPU than running its queries. A ``PreparedQuery`` is built FROM an ordinary queryset
(so every rule it carries, ``Article.objects.available_in()`` above all, stays where it
is written), compiled once per database connection, and run with the same SQL and new
values for two kinds of parameter only:

- the ids the queryset was built with (``ids``: distinct sentinel integers no row has);
- "now", which ``published()`` reads from ``timezone.now()`` while the queryset is built:
  the parameter equal to that moment is replaced by ``timezone.now()`` at every run, so a
  scheduled article still becomes public on time (and frozen clocks in tests still work).

Building refuses (ValueError) when a sentinel or "now" cannot be told apart from the
other parameters: a prepared query is exactly its queryset or it does not exist.
On PostgreSQL the SQL is also prepared on the server (see ``_cursor``). Rows become
model instances as Django's own ModelIterable makes them (select_related
included, except that rows joined to the same related row share its one instance);
prefetching and ``_known_related_objects`` are not supported.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.query import ModelIterable, get_related_populators
from django.db.models.signals import post_init, pre_init
from django.utils import timezone

#: Ids no table holds, one per id parameter a builder takes.
SENTINELS = (2_000_000_001_013, 2_000_000_002_027, 2_000_000_003_041)


@dataclass
class _Compiled:
    sql: str
    params: list
    id_slots: list[tuple[int, int]]  # (position in params, which id)
    now_slots: list[int]
    model_cls: type
    init_list: list[str]
    fields_start: int
    fields_end: int
    populators: list
    col_count: int
    fields: list
    converters: dict
    compiler: object


class PreparedQuery:
    """``build(*ids)`` -> QuerySet, compiled once per connection, run by ``fetch(*ids)``."""

    def __init__(self, build: Callable, *, ids: int = 1):
        self.build = build
        self.ids = ids
        self._compiled: dict[str, _Compiled] = {}

    def _compile(self, using: str) -> _Compiled:
        connection = connections[using]
        sentinels = SENTINELS[: self.ids]
        before = timezone.now()
        queryset = self.build(*sentinels)
        after = timezone.now()
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise ValueError("prepared queries do not prefetch")
        if queryset._iterable_class is not ModelIterable:
            raise ValueError("prepared queries make model instances only")
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        params = list(params)
        adapt = connection.ops.adapt_datetimefield_value
        low, high = adapt(before), adapt(after)
        id_slots, now_slots = [], []
        for position, value in enumerate(params):
            if type(value) is int and value in sentinels:
                id_slots.append((position, sentinels.index(value)))
            elif type(value) is type(low) and low <= value <= high:
                now_slots.append(position)
        if {which for _position, which in id_slots} != set(range(self.ids)):
            raise ValueError("an id parameter is not in the SQL")
        select, klass_info = compiler.select, compiler.klass_info
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        fields = [s[0] for s in select[0 : compiler.col_count]]
        if compiler.has_composite_fields(fields) or compiler.annotation_col_map:
            raise ValueError("prepared queries read plain columns only")
        return _Compiled(
            sql=sql,
            params=params,
            id_slots=id_slots,
            now_slots=now_slots,
            model_cls=klass_info["model"],
            init_list=[f[0].target.attname for f in select[start:end]],
            fields_start=start,
            fields_end=end,
            populators=get_related_populators(klass_info, select, using),
            col_count=compiler.col_count,
            fields=fields,
            converters=compiler.get_converters(fields),
            compiler=compiler,
        )

    def fetch(self, *ids: int, using: str = "default") -> list:
        """The queryset's rows for ``ids`` as model instances, in its order."""
        compiled, rows = self._run(ids, using)
        objects = []
        model, init_list = compiled.model_cls, compiled.init_list
        start, end = compiled.fields_start, compiled.fields_end
        populators, shared = compiled.populators, {}
        for row in rows:
            obj = _instance(model, using, init_list, row[start:end])
            for populator in populators:
                _populate(populator, row, obj, shared)
            objects.append(obj)
        return objects

    def values(self, *ids: int, using: str = "default") -> tuple[tuple, ...]:
        """The model's own columns of each row, as tuples in ``columns(using)``'s order.

        For a caller that keeps what it derives from the rows: the rows themselves can key
        a memo, with no model instance made.
        """
        compiled, rows = self._run(ids, using)
        start, end = compiled.fields_start, compiled.fields_end
        return tuple(tuple(row[start:end]) for row in rows)

    def columns(self, using: str = "default") -> list[str]:
        """The attribute names of the columns values() returns."""
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(using)
        return list(compiled.init_list)

    def _run(self, ids, using: str):
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(using)
        params = list(compiled.params)
        for position, which in compiled.id_slots:
            params[position] = ids[which]
        if compiled.now_slots:
            now = connections[using].ops.adapt_datetimefield_value(timezone.now())
            for position in compiled.now_slots:
                params[position] = now
        connection = connections[using]
        with _cursor(connection) as cursor:
            cursor.execute(compiled.sql, params)
            rows: Sequence = cursor.fetchall()
        count = compiled.col_count
        if rows and len(rows[0]) != count:
            rows = [row[:count] for row in rows]
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        return compiled, rows


def _instance(model, db: str, attnames: list[str], values):
    """``model.from_db(db, attnames, values)`` without running the model's __init__.

    Model.__init__ (and modeltranslation's wrapper around it) walks every field of the
    model to set the loaded ones and skip the deferred: a list page's ~100 instances spent
    a fifth of its time there. What it leaves is what this sets directly: the loaded
    columns in the instance's __dict__ (a deferred one is absent and loads on access, as
    after __init__), a ModelState from the database, and the init signals for whoever
    listens. A model with its own from_db() or __init__ goes through them.
    """
    plain = _PLAIN.get(model)
    if plain is None:
        plain = _PLAIN[model] = _is_plain(model)
    if not plain:
        return model.from_db(db, attnames, values)
    if pre_init.has_listeners(model):
        pre_init.send(sender=model, args=values, kwargs={})
    obj = model.__new__(model)
    obj.__dict__.update(zip(attnames, values, strict=True))
    state = obj._state = ModelState()
    state.adding, state.db = False, db
    if post_init.has_listeners(model):
        post_init.send(sender=model, instance=obj)
    return obj


_PLAIN: dict[type, bool] = {}


def _is_plain(model) -> bool:
    """Django's from_db() and __init__, or modeltranslation's wrapper of Django's __init__.

    The wrapper (one per translated model) only rewrites keyword arguments, and from_db()
    passes none.
    """
    if model.from_db.__func__ is not Model.from_db.__func__:
        return False
    init = model.__init__
    if init is Model.__init__:
        return True
    names = getattr(getattr(init, "__code__", None), "co_freevars", ())
    if init.__qualname__ != "patch_constructor.<locals>.new_init" or "old_init" not in names:
        return False
    return init.__closure__[names.index("old_init")].cell_contents is Model.__init__


def _populate(populator, row, obj, shared: dict) -> None:
    """Django's RelatedPopulator.populate(), making each related row's instance only once.

    A query joined to its parent (sections to their article, photos to their photographer)
    repeats the parent's columns on every row: one instance per (join, id) serves them all,
    as if the parent had been fetched alone. ``shared`` lives for one fetch.
    """
    if populator.reorder_for_init:
        data = populator.reorder_for_init(row)
    else:
        data = row[populator.cols_start : populator.cols_end]
    pk = data[populator.pk_idx]
    if pk is None:
        related = None
    else:
        key = (id(populator), pk)
        related = shared.get(key)
        if related is None:
            related = _instance(populator.model_cls, populator.db, populator.init_list, data)
            for nested in populator.related_populators:
                _populate(nested, row, related, shared)
            shared[key] = related
    populator.local_setter(obj, related)
    if related is not None:
        populator.remote_setter(related, obj)


def _cursor(connection):
    """A cursor of ``connection`` (Django's wrapper: query logging and execute_wrapper see it).

    On PostgreSQL the statement is prepared on the server, once per connection: a page's
    queries join up to seven tables, and planning them cost the server more (~2 ms for the
    article's sections) than running them. Django's own cursors bind parameters on the
    client and never prepare; this one binds on the server, as psycopg's Cursor does.
    """
    if connection.vendor != "postgresql" or not settings.DB_PREPARED_STATEMENTS:
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django turns psycopg's preparing off (None: for connection poolers), and psycopg
        # then ignores prepare=True too. A threshold no count reaches: only the statements
        # run here are prepared (Django's own cursors bind on the client, never prepare).
        raw.prepare_threshold = _NEVER
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_PreparingCursor(raw))


_NEVER = 2**62


def prefer_generic_plans(sender, connection, **kwargs) -> None:
    """connection_created: plan each prepared statement once, not at every run.

    PostgreSQL re-plans a prepared statement for its values (a "custom plan") when it
    guesses that pays, and for the lists of articles it always guessed so: ~1.5 ms of
    planning per run, more than the run. The generic plan reads the same indexes (measured
    equal or faster for every prepared query of the site). Only prepared statements are
    affected, and only this module prepares any. Set before any transaction begins, so a
    rollback cannot undo it.
    """
    if connection.vendor == "postgresql" and settings.DB_PREPARED_STATEMENTS:
        with connection.cursor() as cursor:
            cursor.execute("SET plan_cache_mode = force_generic_plan")


try:
    from django.db.backends.postgresql.base import ServerBindingCursor
except ImportError:  # psycopg not installed: PostgreSQL is not in use
    ServerBindingCursor = None
else:

    class _PreparingCursor(ServerBindingCursor):
        """Binds on the server and prepares every statement (psycopg keeps the last 100)."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

        def _convert_query(self, query, params=None):
            # Kept for Django's last_executed_query() (connection.queries, query logging),
            # which reads it as ClientCursor leaves it: the SQL with $1, $2... placeholders.
            self._query = super()._convert_query(query, params)
            return self._query
