from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture
def eager_celery() -> Iterator[None]:
    """Run Celery tasks in-process for this test (the real tasks, without a broker).

    The app reads Django settings with the CELERY_ namespace, so the keys are the prefixed ones.
    """
    from config.celery import app

    old = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.update(CELERY_TASK_ALWAYS_EAGER=True, CELERY_TASK_EAGER_PROPAGATES=True)
    yield
    app.conf.update(CELERY_TASK_ALWAYS_EAGER=old[0], CELERY_TASK_EAGER_PROPAGATES=old[1])
