import os

from django.urls import include, path

# At the root, so the confirm view lives at /reset/<uidb64>/<token>/.
urlpatterns = [path("", include("django.contrib.auth.urls"))]

if os.environ.get("ALLAUTH") == "1":
    # Where allauth's quickstart puts it: its reset link is
    # /accounts/password/reset/key/<uidb36>-<key>/.
    urlpatterns.append(path("accounts/", include("allauth.urls")))
