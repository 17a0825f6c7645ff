from django.urls import reverse

from . import navigation


def navigation_items(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    path = request.path
    entries = []
    for item in navigation.items():
        url = reverse(item.url_name)
        active = path == url if url == "/" else path.startswith(url)
        entries.append({"label": item.label, "url": url, "icon": item.icon, "active": active})
    return {"nav_items": entries}
