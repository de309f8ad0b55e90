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
Rows become model instances as Django's own ModelIterable makes them (select_related
included); prefetching and ``_known_related_objects`` are not supported.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import connections
from django.db.models.query import ModelIterable, get_related_populators
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
        with connections[using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows: Sequence = cursor.fetchall()
        count = compiled.col_count
        if rows and len(rows[0]) != count:
            rows = [row[:count] for row in rows]
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        objects = []
        from_db, init_list = compiled.model_cls.from_db, compiled.init_list
        start, end = compiled.fields_start, compiled.fields_end
        for row in rows:
            obj = from_db(using, init_list, row[start:end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            objects.append(obj)
        return objects
