from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from cso_registry.models import CSO


@require_safe
def cso_list(request):
    csos = CSO.objects.public().select_related("municipality")
    page = Paginator(csos, 50).get_page(request.GET.get("page"))
    return render(request, "cso_registry/cso_list.html", {"page_obj": page})


@require_safe
def cso_detail(request, pk):
    cso = get_object_or_404(
        CSO.objects.public()
        .select_related("municipality")
        .prefetch_related("activity_fields", "areas"),
        pk=pk,
    )
    return render(request, "cso_registry/cso_detail.html", {"cso": cso})
