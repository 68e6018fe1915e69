"""Search indexing during a bulk write: one index batch after commit instead of one index commit per save.

Oscar's settings turn on haystack's RealtimeSignalProcessor: every product
save (child variants too) rewrites the Whoosh index, about 90 ms each and
growing with the index; that was 80 % of an import's time. Inside
`search_index_deferred()` saves are only noted, and once the transaction
commits the products oscar's search can show are indexed in one batch
(nothing at all when it rolls back, so a refused import leaves no trace).

Oscar's search shows only public standalone and parent products (it
filters on `is_public` and `structure`, as `update_index` does), so child
variants are not indexed, nor products created inside the block that are
not public (they were never in the index). A product that was in the index
is indexed again even when no longer public, so the search drops it.
"""

import contextlib
import threading
from collections.abc import Iterator

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_save
from haystack.exceptions import NotHandled
from haystack.signals import RealtimeSignalProcessor

CHUNK = 500
_lock = threading.Lock()
_deferring = 0  # how many deferred blocks are open in this process; the realtime handler is back at zero


@contextlib.contextmanager
def search_index_deferred() -> Iterator[None]:
    """Use inside the write's transaction.atomic(); a no-op unless the realtime processor is configured.

    While the block runs, saves in other threads of this process are noted and indexed after the
    commit too, so they are late but not lost.
    """
    global _deferring
    processor = apps.get_app_config("haystack").signal_processor
    if not isinstance(processor, RealtimeSignalProcessor):
        yield
        return
    saved: dict[type, dict] = {}  # model → {pk: created inside the block}

    def note(sender, instance, created=False, raw=False, **kwargs):
        if not raw:
            pks = saved.setdefault(sender, {})
            pks[instance.pk] = pks.get(instance.pk, False) or created

    with _lock:
        if _deferring == 0:
            post_save.disconnect(processor.handle_save)
        _deferring += 1
    post_save.connect(note, weak=False, dispatch_uid=f"search-deferred-{id(saved)}")
    try:
        yield
    finally:
        post_save.disconnect(dispatch_uid=f"search-deferred-{id(saved)}")
        with _lock:
            _deferring -= 1
            if _deferring == 0:
                post_save.connect(processor.handle_save)
        transaction.on_commit(lambda: index_now(saved, processor=processor))


def _searchable(obj, *, created: bool) -> bool:
    if getattr(obj, "is_child", False):
        return False
    return not created or getattr(obj, "is_public", True)


def index_now(saved: dict[type, dict], *, processor) -> None:
    """Index the noted objects oscar's search can show, one backend update per model and connection."""
    for using in processor.connection_router.for_write():
        connection = processor.connections[using]
        unified = connection.get_unified_index()
        for model, pks in saved.items():
            try:
                index = unified.get_index(model)
            except NotHandled:
                continue
            ids = sorted(pks)
            objects = [obj for start in range(0, len(ids), CHUNK)
                       for obj in model._default_manager.filter(pk__in=ids[start:start + CHUNK])
                       if _searchable(obj, created=pks[obj.pk]) and index.should_update(obj)]
            if objects:
                connection.get_backend().update(index, objects)
