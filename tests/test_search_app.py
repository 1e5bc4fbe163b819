"""Search is an app of its own: it never imports the content app, and moving it there moved no data."""
import ast
import datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

SEARCH_APP = Path(__file__).resolve().parent.parent / "search"
# The state just before the move: education's last migration of that time, and no search app yet.
BEFORE = [("education", "0017_image_to_images_app"), ("search", None)]


def imported_modules(source):
    """Every module a Python source imports (absolute names; relative imports stay inside their package)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.append(node.module)
    return found


def imports_education(source):
    return [name for name in imported_modules(source) if name == "education" or name.startswith("education.")]


def test_the_walker_sees_every_way_of_importing_education():
    assert imports_education("import education.models")
    assert imports_education("from education import registry")
    assert imports_education("def f():\n    from education.cache import bump\n")
    assert not imports_education("from .models import Synonym\nimport educational_tools\nfrom search import engine")


def test_no_module_of_the_search_app_imports_education():
    modules = sorted(SEARCH_APP.rglob("*.py"))
    assert len(modules) >= 8  # the walk reaches the commands and migrations too
    offending = {str(path.relative_to(SEARCH_APP)): imports_education(path.read_text()) for path in modules}
    assert {path: names for path, names in offending.items() if names} == {}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([target for target in targets if target[1] is not None]).apps


@pytest.mark.django_db(transaction=True)
def test_upgrading_keeps_the_index_the_synonyms_and_their_permissions():
    old = migrate(BEFORE)
    # A database from before the move: the search models' content types are the education app's (going back, the
    # migration has just renamed them so).
    ContentType.objects.filter(app_label="search").delete()
    synonym_type, _created = ContentType.objects.get_or_create(app_label="education", model="synonym")
    permission, _created = Permission.objects.get_or_create(
        codename="change_synonym", content_type=synonym_type, defaults={"name": "Can change"}
    )
    group = Group.objects.create(name="Synonym keepers")
    group.permissions.add(permission)
    Synonym = old.get_model("education", "Synonym")
    SearchDocument = old.get_model("education", "SearchDocument")
    synonym = Synonym.objects.create(language="en", terms="zits, pimples")
    document = SearchDocument.objects.create(
        kind="article", object_id=7, language="en", title="Acne", body="Spots.",
        visible_from=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    from search.models import SearchDocument as NewSearchDocument
    from search.models import Synonym as NewSynonym

    assert NewSynonym.objects.get(pk=synonym.pk).terms == "zits, pimples"
    moved = NewSearchDocument.objects.get(pk=document.pk)
    assert (moved.kind, moved.object_id, moved.title) == ("article", 7, "Acne")
    permission.refresh_from_db()
    assert (permission.content_type.app_label, permission.content_type.pk) == ("search", synonym_type.pk)
    assert group.permissions.filter(content_type__app_label="search", codename="change_synonym").exists()
