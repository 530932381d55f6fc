from django.http import HttpResponse


def session_user(request):
    """Who the request is authenticated as, as the middleware decided it:
    the username, or an empty body for an anonymous request."""
    user = request.user
    body = user.get_username() if user.is_authenticated else ""
    return HttpResponse(body, content_type="text/plain; charset=utf-8")
