from django.conf import settings


def site(request):
    # "portal_name", not "site_name": Django's auth views put the domain in "site_name".
    return {"portal_name": settings.SITE_NAME}
