import os

# Playwright's sync API keeps an event loop on the main thread; Django would otherwise refuse the
# test's own ORM calls (fixtures, assertions) there. The app itself runs in the live server's threads.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
