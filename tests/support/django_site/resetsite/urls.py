from django.urls import include, path

# At the root, so the confirm view lives at /reset/<uidb64>/<token>/.
urlpatterns = [path("", include("django.contrib.auth.urls"))]
