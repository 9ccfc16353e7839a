import pytest

from kyodo_portal.models import Department
from tests.factories import DepartmentFactory


@pytest.mark.django_db
def test_listing_departments_with_their_bureau_takes_one_query(django_assert_num_queries):
    DepartmentFactory.create_batch(5)

    with django_assert_num_queries(1):
        names = [department.full_name for department in Department.objects.all()]

    assert len(names) == 6
    assert all(name.startswith("健康福祉部 ") for name in names if name != "健康福祉部")


@pytest.mark.django_db
def test_a_bureau_cannot_sit_under_another_department():
    from django.core.exceptions import ValidationError

    bureau = DepartmentFactory().parent
    nested = Department(name="入れ子の部", kind=Department.Kind.BUREAU, parent=bureau)

    with pytest.raises(ValidationError, match="部・局は最上位"):
        nested.full_clean()
