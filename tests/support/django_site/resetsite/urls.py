import os

from django.urls import include, path

from resetsite.views import session_user

# At the root, so the confirm view lives at /reset/<uidb64>/<token>/.
# /session/ tells site.py who a session cookie authenticates.
urlpatterns = [
    path("", include("django.contrib.auth.urls")),
    path("session/", session_user),
]

if os.environ.get("ALLAUTH") == "1":
    # Where allauth's quickstart puts it: its reset link is
    # /accounts/password/reset/key/<uidb36>-<key>/.
    urlpatterns.append(path("accounts/", include("allauth.urls")))
