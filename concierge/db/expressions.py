"""Query expressions the selectors and the admin share."""

from django.db.models import BooleanField, Func


class EqualsAny(Func):
    """`lhs = ANY(array)`, a condition filter() takes: with an array literal, one parameter however many
    values (`__in` sends one per value, each parsed and planned); with ArraySubquery, a list computed
    once (an InitPlan) that an index scan can take as its condition."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        (lhs, lhs_params), (array, array_params) = (compiler.compile(e) for e in self.get_source_expressions())
        return f"{lhs} = ANY({array})", [*lhs_params, *array_params]
