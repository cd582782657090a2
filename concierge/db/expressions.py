"""Query expressions the selectors and the admin share."""

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Func
from django.db.models.sql.compiler import SQLCompiler


class EqualsAny(Func):
    """`lhs = ANY(array)`, a condition filter() takes: with an array literal, one parameter however many
    values (`__in` sends one per value, each parsed and planned); with ArraySubquery, a list computed
    once (an InitPlan) that an index scan can take as its condition."""

    output_field = BooleanField()

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, function: str | None = None,
        template: str | None = None, arg_joiner: str | None = None, **extra_context: Any,
    ) -> tuple[str, tuple[Any, ...]]:
        # function / template / arg_joiner: Func's, unused (the SQL is fixed); they were swallowed by
        # **extra_context before. Params as a tuple, as Django 6 and django-stubs have them; a list was
        # the same to the compiler.
        (lhs, lhs_params), (array, array_params) = (compiler.compile(e) for e in self.get_source_expressions())
        return f"{lhs} = ANY({array})", (*lhs_params, *array_params)
