import os

# As in tests/browser: Playwright's sync API keeps an event loop on the main thread, and the browser
# tests here make ORM calls (assertions) there while the app runs in the live server's threads.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
