"""The measuring commands run end to end on a tiny shop and leave nothing behind."""

import io

import pytest
from django.core.management import CommandError, call_command

from servicing.models import Service

from .builders import completed, day

pytestmark = pytest.mark.django_db


@pytest.mark.owner_role  # bench_reports seeds as the owner role (temporary tables, ANALYZE)
def test_bench_reports_times_every_page_and_rolls_its_shop_back():
    out = io.StringIO()
    call_command("bench_reports", services=200, runs=1, stdout=out)
    report = out.getvalue()
    for page in ("baseline: password form", "overview", "revenue", "technicians", "clients", "notifications"):
        assert f"\n{page} " in report
    assert "seeded 15 clients, 20 vehicles, 200 services, 150 notifications" in report
    assert Service.objects.count() == 0


def test_explain_reports_prints_a_plan_per_report_query():
    completed(cost=1000, on=day(3, 2))
    out = io.StringIO()
    call_command("explain_reports", only="overview", stdout=out)
    assert out.getvalue().count("== overview #") == 3
    assert "Execution Time" in out.getvalue()


def test_explain_reports_names_the_selectors_it_knows():
    with pytest.raises(CommandError, match="--only must be one of"):
        call_command("explain_reports", only="salaries")
