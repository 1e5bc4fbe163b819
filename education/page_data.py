"""What an article's or treatment's page shows, fetched in one query.

Building an ORM query costs far more Python than SQLite spends answering it (about 0.9 ms against a few hundredths),
so the page's related lists (topics, sources, published questions, published treatments or articles) come as JSON
subselects of the item's own query instead of one prefetch query each. Each list is read through the same
`published()` rule as everywhere else, and is handed to the templates as model instances in the item's prefetch
cache, so `item.topics.all` and the rest read it as if `prefetch_related` had filled it.

Topic pages and the questions list come the same way: a topic with the page of its articles, its first
treatments and questions and its article count in one query; a page of questions with their topics, reviewers and
the list's length in one. Their page number only moves the query's OFFSET, so one prepared query serves every page.

Even one such query takes the ORM a few milliseconds to build and compile, every request, to produce the same SQL
with a different slug and time. So a patient's query is built by the ORM once per process, model, language and
database, from the same querysets, with stand-ins for the slug and the current time, and then run with the real
ones (`PreparedQuery`); the home page's lists are prepared the same way. Staff previews build theirs each time
(visible_to() shows them more).
"""
import datetime
import json

from django.conf import settings
from django.core.paginator import Paginator
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Aggregate, Count, F, JSONField, OuterRef, Subquery, Value, signals
from django.db.models.base import ModelState
from django.db.models.fields.files import FileDescriptor
from django.db.models.functions import Coalesce, JSONObject
from django.db.models.query import get_related_populators
from django.db.models.query_utils import DeferredAttribute
from django.utils import timezone, translation
from modeltranslation.fields import TranslationFieldDescriptor
from modeltranslation.translator import delete_mt_init

from .database import fetch_all
from .models import FAQ, Article, Clinician, ProcedureNote, Source, Topic


class JSONList(Aggregate):
    """The grouped rows' values as one JSON array (SQLite's json_group_array, PostgreSQL's jsonb_agg)."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        # jsonb, not json: Django's PostgreSQL backend hands jsonb over as text, which JSONField then decodes.
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def _languages(*names):
    return [f"{name}_{code}" for name in names for code, _name in settings.LANGUAGES]


def json_list(queryset, fields):
    """A subquery: the rows of `queryset` as one JSON list of {field: value} (fields may follow relations)."""
    row = JSONObject(**{name: F(name) for name in fields})
    # Grouping by a constant groups nothing: one aggregate over every row the filter keeps.
    return Subquery(
        queryset.order_by().annotate(one=Value(1)).values("one").annotate(rows=JSONList(row)).values("rows")
    )


def _python(field, value):
    if value is None:
        return None
    if isinstance(field, JSONField):
        return json.loads(value) if isinstance(value, str) else value
    value = field.to_python(value)
    if isinstance(value, datetime.datetime) and settings.USE_TZ and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)  # SQLite keeps UTC without a zone
    return value


_plans = {}


def _plan(model, names):
    """How to turn a JSON row with keys `names` into an instance of `model`: the columns in the model's order with
    each one's field, the values read across a relation, and whether the columns may be set directly (see
    instance()). Made once per model and row shape: looking fields up for every row of every list cost more than
    reading the rows."""
    key = (model, names)
    if key not in _plans:
        by_attname = {}
        for name in names:
            if "__" not in name:
                field = model._meta.get_field(name)
                by_attname[field.attname] = (name, field)
        columns = [by_attname[f.attname] for f in model._meta.concrete_fields if f.attname in by_attname]
        attnames = [field.attname for _name, field in columns]
        _plans[key] = (attnames, columns, [name for name in names if "__" in name], _settable(model, attnames))
    return _plans[key]


# What Model.__init__ does with a column's value when it sets it: these attributes only store it in the instance's
# __dict__ (a plain column, a foreign key's id, a file's name; modeltranslation's descriptor of a translated text
# field's own column, while __init__ runs), so a row may be put there directly.
PLAIN_ATTRIBUTES = (DeferredAttribute, FileDescriptor)


def _stores_only(model, attname):
    attribute = getattr(model, attname, None)
    if isinstance(attribute, TranslationFieldDescriptor):
        return not attribute.field.is_relation  # a translated foreign key's column sets the active language's too
    return isinstance(attribute, PLAIN_ATTRIBUTES)


def _settable(model, attnames):
    """Whether making `model` from these columns needs nothing of __init__ but storing them: no receiver of its
    signals but modeltranslation's (which only removes the flag its __init__ sets), and only attributes that store."""
    sync, asynchronous = signals.post_init._live_receivers(model)
    return (
        not signals.pre_init.has_listeners(model)
        and not asynchronous
        and all(receiver is delete_mt_init for receiver in sync)
        and all(_stores_only(model, attname) for attname in attnames)
    )


def make(model, attnames, values, settable, using=DEFAULT_DB_ALIAS, fetch_mode=None):
    """What `model.from_db(using, attnames, values)` gives, the columns not named deferred.

    When `settable` (see _settable()), made without calling __init__: the columns go straight into the instance's
    __dict__, where __init__ would have put them. A list page makes dozens of instances, and __init__ (with
    modeltranslation's wrapper and the post_init signal) was a quarter of a topic page.
    """
    if not settable:
        return model.from_db(using, attnames, values, fetch_mode=fetch_mode)
    obj = model.__new__(model)
    obj._state = ModelState()
    obj._state.adding, obj._state.db = False, using
    if fetch_mode is not None:
        obj._state.fetch_mode = fetch_mode
    obj.__dict__.update(zip(attnames, values, strict=True))
    return obj


def instance(model, row):
    """A model instance from one JSON row, its other columns deferred (as `only()` would leave them); a value read
    across a relation ("topic__order") is kept under its own name, for sorting."""
    attnames, columns, across, settable = _plan(model, tuple(row))
    obj = make(model, attnames, [_python(field, row[name]) for name, field in columns], settable)
    for name in across:
        setattr(obj, name, row[name])
    return obj


_empty = {}


def _cache(item, name, model, objects):
    """Hand `objects` to `item.<name>.all()` as prefetch_related would."""
    # A copy of one empty queryset per model: making a queryset clones its query (about a tenth of a millisecond,
    # four times a page), and a copy can share the query, since filtering a queryset clones it first.
    if model not in _empty:
        _empty[model] = model._base_manager.none()
    empty = _empty[model]
    queryset = object.__new__(type(empty))
    queryset.__dict__.update(empty.__dict__, _hints={**empty._hints}, _known_related_objects={})
    queryset._result_cache = objects
    queryset._prefetch_done = True
    item._prefetched_objects_cache = getattr(item, "_prefetched_objects_cache", {})
    item._prefetched_objects_cache[name] = queryset


def ordered(model, objects):
    """`objects` sorted by the model's Meta.ordering as the database sorts it in the active language: a translated
    field by its column in that language (modeltranslation's rule), a missing value first."""
    language = _language()
    objects = list(objects)
    for name in reversed(model._meta.ordering):  # stable sorts, the last key first
        attname = name.lstrip("-")
        if hasattr(model, f"{attname}_{language}"):
            attname = f"{attname}_{language}"
        objects.sort(key=lambda obj, attname=attname: (getattr(obj, attname) is not None, getattr(obj, attname)),
                     reverse=name.startswith("-"))
    return objects


# Lists show a title and a summary: the long texts stay in the database, or a list of 100 loads megabytes. Long
# lists come a page at a time, so a page's weight and cost stay flat however large the library grows.
ITEMS_PER_PAGE = 20
FAQS_PER_PAGE = 30
# A treatment page shows its newest few articles and links to the rest by topic; a topic page its first questions
# and treatments, and links to all of them.
RELATED_ARTICLES = 6
TOPIC_FAQS = 10
TOPIC_PROCEDURES = 12
TOPIC_FIELDS = ("id", "order", *_languages("name", "slug"))
SOURCE_FIELDS = ("id", "title", "publisher", "year", "url")
REVIEWER_FIELDS = ("id", "name", *_languages("role"))


def _listing_fields(model):
    return ("id", "status", "publish_at", *_languages(*model.listing_fields))


def _faq_fields():
    """What a list of questions shows of each, its reviewers in every language included."""
    reviewers = [f"reviewed_by_{code}__{name}" for code, _name in settings.LANGUAGES for name in REVIEWER_FIELDS]
    return [
        "id", "topic__order", "status", "publish_at", "rendered", "topic", "article", "procedure", "order",
        *_languages("question", "answer", "reviewed_by", "last_reviewed"), *reviewers,
    ]


def _first(queryset, count, offset=0):
    """A subquery's rows `offset` to `offset + count` in the model's order, as a filter on its primary key (the
    JSON list then holds them in any order: `ordered` sorts them again)."""
    return queryset.model.objects.filter(pk__in=queryset.values("pk")[offset : offset + count])


def _count(queryset):
    """A subquery: how many rows `queryset` has."""
    return Coalesce(Subquery(
        queryset.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("pk")).values("n")
    ), 0)


def related_lists(queryset, model, now=None):
    """`queryset` of articles or treatments, each row carrying its page's related lists as JSON, judged at `now`
    (the current time unless given)."""
    faq_fields = _faq_fields()
    link = "article" if model is Article else "procedure"
    # Topics and sources name their items in the plural ("articles", "procedures").
    items = {f"{link}s": OuterRef("pk")}
    annotations = {
        "topic_rows": json_list(Topic.objects.filter(**items), TOPIC_FIELDS),
        "source_rows": json_list(Source.objects.filter(**items), SOURCE_FIELDS),
        "faq_rows": json_list(FAQ.objects.published(now).filter(**{link: OuterRef("pk")}), faq_fields),
    }
    if model is Article:
        annotations["procedure_rows"] = json_list(
            ProcedureNote.objects.published(now).filter(articles=OuterRef("pk")), _listing_fields(ProcedureNote)
        )
    else:
        # The newest few (Meta.ordering; the page links to the rest by topic): a LIMIT inside the list's filter,
        # and one more than it shows, to know whether there are more.
        newest = Article.objects.published(now).filter(procedures=OuterRef(OuterRef("pk"))).values("pk")
        annotations["article_rows"] = json_list(
            Article.objects.filter(pk__in=newest[: RELATED_ARTICLES + 1]), _listing_fields(Article)
        )
    return queryset.annotate(**annotations)




def _language():
    return translation.get_language() or settings.LANGUAGE_CODE


def _shared(made, model, row):
    """One instance per row id among a list's rows: a page's questions name the same few reviewers and topics, and
    making a model instance is the dearest part of reading a row."""
    key = (model, row["id"])
    if key not in made:
        made[key] = instance(model, row)
    return made[key]


def _reviewers(faq, rows, made):
    """Set the reviewer of each language, from its JSON row (`rows[code]`), on `faq`."""
    for code, _name in settings.LANGUAGES:
        row = rows[code]
        if row and row.get("id") is not None:
            setattr(faq, f"reviewed_by_{code}", _shared(made, Clinician, row))


def _faqs(rows):
    """Questions from their JSON rows, each with its reviewers, in the model's order."""
    faqs, made = [], {}
    for row in rows or ():
        faq = instance(FAQ, row)
        reviewers = {}
        for code, _name in settings.LANGUAGES:
            prefix = f"reviewed_by_{code}__"
            reviewers[code] = {name: row.get(f"{prefix}{name}") for name in REVIEWER_FIELDS}
        _reviewers(faq, reviewers, made)
        faqs.append(faq)
    return ordered(FAQ, faqs)


def fill(item):
    """Turn the JSON rows `related_lists` added into the item's prefetched lists (and `newest_articles`)."""
    _cache(item, "topics", Topic, ordered(Topic, (instance(Topic, row) for row in item.topic_rows or ())))
    _cache(item, "sources", Source, ordered(Source, (instance(Source, row) for row in item.source_rows or ())))
    _cache(item, "faqs", FAQ, _faqs(item.faq_rows))
    if hasattr(item, "procedure_rows"):
        procedures = (instance(ProcedureNote, row) for row in item.procedure_rows or ())
        _cache(item, "procedures", ProcedureNote, ordered(ProcedureNote, procedures))
    if hasattr(item, "article_rows"):
        item.newest_articles = ordered(Article, (instance(Article, row) for row in item.article_rows or ()))
    return item


def _is_time(value):
    """A datetime, or the text a database backend turned one into."""
    if isinstance(value, datetime.datetime):
        return True
    if isinstance(value, str) and len(value) >= 19:
        try:
            datetime.datetime.fromisoformat(value)
        except ValueError:
            return False
        return True
    return False


# Stand-ins compiled into a prepared query, replaced by the request's own values when it runs.
SLUG = "\x00slug\x00"
# The first of the stand-in ids (the next ones count down): no row has a negative id.
FIRST_ID = -987_654_000
MAX_IDS = 1000
NOW = datetime.datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=datetime.UTC)
# A slice's start is written into the SQL, not passed as a parameter: a list's page swaps this number for its own.
OFFSET = 987654321
# A ?page= beyond any list's length: taken as page 1 until the list's length says which page it means.
LAST_GUESSED_PAGE = 100_000


class PreparedQuery:
    """A queryset built and compiled by the ORM once; `rows(slug)` runs its SQL again with this request's values.

    `build(now)` returns the queryset, judged at `now` (it is given NOW), with SLUG for the slug and stand_in_ids(n)
    for the n ids `rows(ids=...)` gives; a slice that starts at OFFSET starts at `rows(offset=...)` instead. A query
    whose SQL holds any other time read the clock itself, and is refused: run again, it would keep that moment for
    good. No prefetch_related: what a prepared page shows comes in its one query.
    """

    def __init__(self, build, using):
        queryset = build(NOW).using(using)
        if queryset._prefetch_related_lookups:
            raise ValueError("A prepared query cannot prefetch: use related_lists().")
        self.compiler = queryset.query.get_compiler(using=using)
        self.sql, params = self.compiler.as_sql()
        self.sliced = f"OFFSET {OFFSET}" in self.sql
        self.using, self.fetch_mode = using, queryset._fetch_mode
        ops = connections[using].ops
        self.adapt = ops.adapt_datetimefield_value
        adapted_now = self.adapt(NOW)
        # Where each stand-in sits among the parameters, and whether the database wants the time as text.
        self.params = list(params)
        self.slugs = [i for i, value in enumerate(params) if value == SLUG]
        self.ids = [(i, FIRST_ID - value) for i, value in enumerate(params) if _is_stand_in_id(value)]
        self.times = [(i, value != NOW) for i, value in enumerate(params) if value in (NOW, adapted_now)]
        if any(_is_time(value) for i, value in enumerate(params) if i not in dict(self.times)):
            raise RuntimeError("A prepared query must take its time from build(now), not from the clock.")
        # What Django works out at every execution (about a fifth of a page's query time), worked out once.
        fields = [column[0] for column in self.compiler.select[: self.compiler.col_count]]
        self.converters = self.compiler.get_converters(fields)
        klass_info = self.compiler.klass_info
        self.model = klass_info and klass_info["model"]  # None for values(): rows of values, not instances
        if self.model is None:
            return
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.columns = slice(start, end)
        self.init_list = [column[0].target.attname for column in self.compiler.select[start:end]]
        self.settable = _settable(self.model, self.init_list)
        self.populators = get_related_populators(klass_info, self.compiler.select, using, self.fetch_mode)

    def rows(self, slug=None, offset=0, ids=()):
        """The model instances the query gives now, select_related objects and annotations attached (for a values()
        query, its rows as tuples)."""
        if len(ids) != len(self.ids):
            raise ValueError(f"This query was prepared for {len(self.ids)} ids, not {len(ids)}.")
        now = timezone.now()
        sql = self.sql.replace(f"OFFSET {OFFSET}", f"OFFSET {int(offset)}") if self.sliced else self.sql
        params = list(self.params)
        for i in self.slugs:
            params[i] = slug
        for i, n in self.ids:
            params[i] = ids[n]
        for i, adapted in self.times:
            params[i] = self.adapt(now) if adapted else now
        rows = fetch_all(sql, params, self.using)
        objects = []
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        if self.model is None:
            return [tuple(row) for row in rows]
        for row in rows:
            obj = make(self.model, self.init_list, row[self.columns], self.settable, self.using, self.fetch_mode)
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.compiler.annotation_col_map.items():
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects


def stand_in_ids(count):
    if count > MAX_IDS:
        raise ValueError(f"A prepared query takes at most {MAX_IDS} ids.")
    return [FIRST_ID - n for n in range(count)]


def _is_stand_in_id(value):
    return type(value) is int and FIRST_ID - MAX_IDS < value <= FIRST_ID


_prepared = {}


def prepared(name, build, slug=None, using=DEFAULT_DB_ALIAS, offset=0, ids=()):
    """The rows of the query `build` makes, prepared once per `name`, language and database (see PreparedQuery)."""
    key = (name, _language(), using)
    if key not in _prepared:
        _prepared[key] = PreparedQuery(build, using)
    return _prepared[key].rows(slug, offset, ids)


def search_hits(model, fields, ids):
    """The published items of `model` with these ids (a page of search results), with only `fields`: what a hit
    shows. Building this query cost a search about 1.5 ms, several times what the database spends on it; it is
    prepared once per model and number of ids."""

    def build(now):
        return model.objects.published(now).filter(pk__in=stand_in_ids(len(ids))).only(*fields)

    return prepared(("search", model._meta.label, len(ids)), build, ids=ids)


def published_item(model, slug):
    """The published article or treatment with `slug` in the active language, its lists filled; None if none."""

    def build(now):
        queryset = (
            model.objects.published(now).with_review().select_related("image")
            .defer("quality", "claims_acknowledged").by_slug(SLUG)
        )
        return related_lists(queryset, model, now)[:2]

    items = prepared(model._meta.label, build, slug)
    if len(items) > 1:
        raise model.MultipleObjectsReturned(f"Several {model.__name__} items have the slug {slug!r}.")
    return fill(items[0]) if items else None


class _Fetched:
    """A list's length and the one page of it already fetched, as Paginator reads a list: the slice it asks for
    is that page, or (a ?page= beyond the end) another one, which `fetch(offset)` reads."""

    def __init__(self, count, offset, rows, fetch):
        self.count, self.offset, self.rows, self.fetch = count, offset, rows, fetch

    def __len__(self):
        return self.count

    def __getitem__(self, part):
        rows = self.rows if part.start == self.offset else self.fetch(part.start)
        return list(rows[: part.stop - part.start])


def _guess(number):
    """The page a ?page= value most likely means, before the list's length is known (Paginator decides after)."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        return 1
    return number if 1 <= number <= LAST_GUESSED_PAGE else 1


def topic_page(slug, number):
    """The topic with `slug` in the active language, as its page shows it, or None: its page `number` of published
    articles in `articles_page` (a Paginator page), its first treatments and questions (one more of each than the page
    shows, to know whether there are more), all in one query."""

    def build(now):
        topic = {"topics": OuterRef(OuterRef("pk"))}  # inside _first's pk__in, the topic is two queries out
        return Topic.objects.by_slug(SLUG).annotate(
            article_count=_count(Article.objects.published(now).filter(topics=OuterRef("pk"))),
            article_rows=json_list(
                _first(Article.objects.published(now).filter(**topic), ITEMS_PER_PAGE, OFFSET),
                _listing_fields(Article),
            ),
            procedure_rows=json_list(
                _first(ProcedureNote.objects.published(now).filter(**topic), TOPIC_PROCEDURES + 1),
                _listing_fields(ProcedureNote),
            ),
            faq_rows=json_list(
                _first(FAQ.objects.published(now).filter(topic=OuterRef(OuterRef("pk"))), TOPIC_FAQS + 1),
                _faq_fields(),
            ),
        )[:2]

    found = {}

    def fetch(offset):
        topics = prepared("topic", build, slug, offset=offset)
        if len(topics) > 1:
            raise Topic.MultipleObjectsReturned(f"Several topics have the slug {slug!r}.")
        found.setdefault("topic", topics[0] if topics else None)
        return ordered(Article, (instance(Article, row) for row in topics[0].article_rows or ())) if topics else []

    offset = (_guess(number) - 1) * ITEMS_PER_PAGE
    rows = fetch(offset)
    topic = found["topic"]
    if topic is None:
        return None
    topic.articles_page = Paginator(_Fetched(topic.article_count, offset, rows, fetch), ITEMS_PER_PAGE).get_page(
        number
    )
    topic.first_procedures = ordered(
        ProcedureNote, (instance(ProcedureNote, row) for row in topic.procedure_rows or ())
    )
    topic.first_faqs = _faqs(topic.faq_rows)
    return topic


def faq_page(topic_slug, number):
    """Page `number` of the published questions (of the topic with `topic_slug` in the active language, when one
    has it), each with its topic and reviewers, in one query; and that topic, or None (no slug, or an unknown one:
    every question)."""

    def build(now, of_topic):
        faqs = FAQ.objects.published(now)
        if of_topic:  # the first topic by_slug finds, as .first() would
            faqs = faqs.filter(topic__in=Topic.objects.by_slug(SLUG)[:1])
        # The page is chosen by id, so the sort before the OFFSET carries three numbers a row, not every column; the
        # length is a subquery (a COUNT() OVER () window read every row in full). Topic and reviewers come as JSON,
        # not select_related, so that each is made once a page (_shared), not once a row.
        related = {"topic_row": JSONObject(**{name: F(f"topic__{name}") for name in TOPIC_FIELDS})}
        for code, _name in settings.LANGUAGES:
            reviewer = {name: F(f"reviewed_by_{code}__{name}") for name in REVIEWER_FIELDS}
            related[f"reviewer_{code}"] = JSONObject(**reviewer)
        return _first(faqs, FAQS_PER_PAGE, OFFSET).listed().annotate(total=_count(faqs), **related)

    name = "faqs-of-topic" if topic_slug else "faqs"
    offset = (_guess(number) - 1) * FAQS_PER_PAGE

    def fetch(offset):
        faqs, made = prepared(name, lambda now: build(now, bool(topic_slug)), topic_slug, offset=offset), {}
        for faq in faqs:
            faq.topic = _shared(made, Topic, faq.topic_row)
            _reviewers(faq, {code: getattr(faq, f"reviewer_{code}") for code, _name in settings.LANGUAGES}, made)
        return faqs

    rows = fetch(offset)
    if rows:
        topic, count = (rows[0].topic if topic_slug else None), rows[0].total
    else:  # an empty list, a page beyond its end, or an unknown topic: ask the ORM what there is
        topic = Topic.objects.by_slug(topic_slug).first() if topic_slug else None
        if topic_slug and topic is None:
            return faq_page(None, number)
        faqs = FAQ.objects.published()
        count = (faqs.filter(topic=topic) if topic else faqs).count()
    return Paginator(_Fetched(count, offset, rows, fetch), FAQS_PER_PAGE).get_page(number), topic
