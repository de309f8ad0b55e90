"""Public search: ``/<lang>/search/?q=``.

What is searched is an article's SearchDocument: per language, the headline and a plain
text (standfirst, subheads and section bodies with the markup removed). Derived data: the
signal handlers below note the articles whose text is written, and refresh() rewrites their
documents once, when the transaction commits (see flush()).

On PostgreSQL, migration 0008 gives the document table a stored generated column per
language, ``search_vector_<lang>`` = the headline weighted A || the text weighted B, under
the language's text search configuration (russian, english; Kazakh has no stemmer:
``simple`` with prefix queries), and a GIN index on it. The query reads that column, so the
index answers the match and ts_rank needs no re-parsing; migration 0012 adds
``search_headline_<lang>``, the headline's alone, for "the query matches the headline";
ts_headline marks the matches. On SQLite every word of the query must occur in the
headline or the text (a case-insensitive substring match).

Headline matches come first, then the best ranked, then the newest, among the MAX_RESULTS
most recent matches: a word found in half the archive costs ranking those, not the archive.

Only ArticleQuerySet.available_in(language) is ever searched. A query longer than
SEARCH_MAX_QUERY_LENGTH or holding control characters (a NUL byte…) is answered 400, never
cut short into another search; each reader address searches at most SEARCH_RATE_LIMIT
times per SEARCH_RATE_WINDOW seconds (then 429 with Retry-After; a page served from the page
cache is not counted). Any other query string gives a page: it is cleaned (surrogates,
invisible characters) and reaches the database only as a parameter.
"""

import html
import re
import unicodedata

from django.conf import settings
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchVectorField,
)
from django.core.paginator import Paginator
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import (
    Case,
    F,
    FloatField,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import Expression
from django.db.models.signals import post_delete, post_save
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from articles.models import LANGUAGE_CODES, Article, SearchDocument, Section
from newsroom import ratelimit

PAGE_SIZE = 20
#: Matches ranked at most: the most recent ones.
MAX_RESULTS = 200
#: Words of a query that are used (Kazakh prefix queries and the SQLite match).
MAX_WORDS = 10

#: PostgreSQL text search configuration per language (the same as in migration 0008).
CONFIGS = {"ru": "russian", "kk": "simple", "en": "english"}
#: Languages searched by word prefix: no stemmer exists for them.
PREFIX_LANGUAGES = frozenset({"kk"})

# ts_headline marks matches with these private-use characters; they are removed from
# every stored document, and only they become <mark> after the rest is escaped.
START, STOP = "\ue000", "\ue001"

SNIPPET_WORDS = 35
SNIPPET_CHARACTERS = 240  # SQLite: the length of the excerpt around the first match
#: Characters of the text ts_headline looks for fragments in (PostgreSQL), and how many of
#: them come before the first place a word of the query is found.
SNIPPET_SOURCE_CHARACTERS = 800
SNIPPET_LEAD_CHARACTERS = 150

_BLOCK_TAG = re.compile(r"</?(?:p|h[1-6]|li|ul|ol|blockquote|br)(?:\s[^>]*)?/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W_]+")
_SENTINEL = re.compile(f"([{START}{STOP}])")
# Control characters a reader cannot type into the search box (tab and line breaks can
# be pasted, and are spaces).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# --- The stored document -------------------------------------------------------------------


def _clean_text(text: str) -> str:
    """Text without control, private-use or unpaired surrogate characters, spaces collapsed."""
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cf":
            continue  # soft hyphens, zero-width joiners: inside words
        kept.append(" " if category in ("Cc", "Cs", "Co") else char)
    return _SPACE.sub(" ", "".join(kept)).strip()


def plain_text(body_html: str | None) -> str:
    """The visible text of a (sanitised) body: block tags separate words, entities decoded."""
    if not body_html:
        return ""
    text = _TAG.sub("", _BLOCK_TAG.sub(" ", body_html))
    return _clean_text(html.unescape(text))


def document_text(standfirst: str | None, sections) -> str:
    """The searched text of one language: ``sections`` is a list of (subhead, body HTML)."""
    parts = [_clean_text(standfirst or "")]
    for subhead, body in sections:
        parts.append(_clean_text(subhead or ""))
        parts.append(plain_text(body))
    return "\n".join(part for part in parts if part)


def refresh(article_ids, using: str = DEFAULT_DB_ALIAS) -> None:
    """Rewrite the SearchDocument of these articles from their stored text.

    The article rows are locked meanwhile, so that two refreshes of one article do not
    cross; three queries for any number of articles.
    """
    ids = sorted({int(pk) for pk in article_ids if pk is not None})
    if not ids:
        return
    headlines = [f"headline_{code}" for code in LANGUAGE_CODES]
    standfirsts = [f"standfirst_{code}" for code in LANGUAGE_CODES]
    with transaction.atomic(using=using):
        articles = {
            row[0]: row[1:]
            for row in Article.objects.using(using)
            .select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", *headlines, *standfirsts)
        }
        sections = {pk: [] for pk in articles}
        rows = (
            Section.objects.using(using)
            .filter(article_id__in=list(articles))
            .order_by("article_id", "position", "id")
            .values_list(
                "article_id",
                *(f"subhead_{code}" for code in LANGUAGE_CODES),
                *(f"body_{code}" for code in LANGUAGE_CODES),
            )
        )
        count = len(LANGUAGE_CODES)
        for row in rows:
            sections[row[0]].append((row[1 : 1 + count], row[1 + count :]))
        documents = []
        for pk, values in articles.items():
            fields = {}
            for index, code in enumerate(LANGUAGE_CODES):
                fields[f"headline_{code}"] = _clean_text(values[index] or "")
                fields[f"text_{code}"] = document_text(
                    values[count + index],
                    [(subheads[index], bodies[index]) for subheads, bodies in sections[pk]],
                )
            documents.append(SearchDocument(article_id=pk, **fields))
        if documents:
            SearchDocument.objects.using(using).bulk_create(
                documents,
                update_conflicts=True,
                unique_fields=["article"],
                update_fields=[*headlines, *(f"text_{code}" for code in LANGUAGE_CODES)],
            )


# Articles whose text was written since their document was last refreshed, per database
# connection (so per thread). They are refreshed once, when the transaction commits (at
# once outside a transaction), or by flush() before a search reads the documents: an
# admin save or an import writing 30 sections refreshes the article once, not 30 times.


def _pending(using: str) -> set:
    connection_ = connections[using]
    if not hasattr(connection_, "search_documents_pending"):
        connection_.search_documents_pending = set()
    return connection_.search_documents_pending


def flush(using: str = DEFAULT_DB_ALIAS) -> None:
    """Refresh the documents of the articles written on this connection since the last time."""
    pending = _pending(using)
    if pending:
        ids = list(pending)
        pending.clear()
        refresh(ids, using=using)


def _schedule(article_id, using: str) -> None:
    if article_id is None:
        return
    _pending(using).add(article_id)
    # Registered per write: Django forgets the callbacks of a rolled-back savepoint, and
    # a flush with nothing left to do costs nothing. robust: the text is saved whatever.
    transaction.on_commit(lambda: flush(using), using=using, robust=True)


_ARTICLE_TEXT_FIELDS = frozenset(
    {
        "headline",
        "standfirst",
        *(f"{field}_{code}" for field in ("headline", "standfirst") for code in LANGUAGE_CODES),
    }
)
_SECTION_TEXT_FIELDS = frozenset(
    {
        "subhead",
        "body",
        "article",
        *(f"{field}_{code}" for field in ("subhead", "body") for code in LANGUAGE_CODES),
    }
)


def _article_saved(sender, instance, using, update_fields=None, **kwargs):
    if update_fields is not None and not _ARTICLE_TEXT_FIELDS & set(update_fields):
        return
    _schedule(instance.pk, using)


def _section_saved(sender, instance, using, update_fields=None, **kwargs):
    if update_fields is not None and not _SECTION_TEXT_FIELDS & set(update_fields):
        return
    _schedule(instance.article_id, using)


def _section_deleted(sender, instance, using, origin=None, **kwargs):
    if isinstance(origin, Article):
        return  # the article goes too
    _schedule(instance.article_id, using)


def connect() -> None:
    """Keep the search documents current (called from ArticlesConfig.ready())."""
    post_save.connect(_article_saved, sender=Article, dispatch_uid="search_article_saved")
    post_save.connect(_section_saved, sender=Section, dispatch_uid="search_section_saved")
    post_delete.connect(_section_deleted, sender=Section, dispatch_uid="search_section_deleted")


# --- Queries -------------------------------------------------------------------------------


def clean_query(raw) -> str:
    """The query as used: at most SEARCH_MAX_QUERY_LENGTH characters of visible text."""
    if not isinstance(raw, str):
        return ""
    limit = settings.SEARCH_MAX_QUERY_LENGTH
    raw = raw[: limit * 4]
    raw = unicodedata.normalize("NFC", raw.encode("utf-8", "replace").decode("utf-8"))
    return _clean_text(raw)[:limit].strip()


def query_problem(raw: str) -> str | None:
    """Why the search box's ``raw`` value is refused (too long, control characters), or None."""
    limit = settings.SEARCH_MAX_QUERY_LENGTH
    if len(raw) > limit:
        return gettext(
            "The query is too long: at most %(limit)d characters are searched. Shorten it "
            "to a few words."
        ) % {"limit": limit}
    if _CONTROL.search(raw):
        return _("The query contains characters that cannot be searched. Type it again.")
    return None


def query_words(query: str) -> list[str]:
    """The distinct words of a cleaned query (letters and digits), at most MAX_WORDS."""
    return list(dict.fromkeys(_WORD.findall(query)))[:MAX_WORDS]


class StoredVector(Expression):
    """``search_vector_<lang>`` of an article's SearchDocument, joined: a column migration
    0008 adds on PostgreSQL and the model does not declare (it exists there only)."""

    def __init__(self, language: str, alias: str | None = None):
        if language not in CONFIGS:
            raise ValueError(f"unknown language {language!r}")
        super().__init__(output_field=SearchVectorField())
        self.language = language
        self.alias = alias

    def resolve_expression(self, query=None, *args, **kwargs):
        # The join to the document table, as a column of it would make it.
        column = F(f"search_document__text_{self.language}").resolve_expression(query)
        clone = self.copy()
        clone.alias = column.alias
        return clone

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def as_sql(self, compiler, connection):
        column = connection.ops.quote_name(f"search_vector_{self.language}")
        return f"{compiler.quote_name_unless_alias(self.alias)}.{column}", []

    def get_group_by_cols(self):
        return [self]


class AroundFirstMatch(Expression):
    """SNIPPET_SOURCE_CHARACTERS of a text, from a word a little before the first place
    where a lexeme of the query's words occurs in it as written, else from its start.

    ts_headline parses and stems every word it is given (the costly part of a results
    page), so it is given this window rather than the whole text, and the window lies
    where the match is, however far into a long article. A stem is how its words begin
    (урожае: "урож"; Kazakh prefixes: the word itself), so a search of the text for each
    lexeme at a word's start, else capitalised, finds where they occur (case-folding every
    text cost more than ts_headline saved). Where none is found as written (English
    "stories": "stori", written "story"; ё, which the stemmer reads as е; a word in
    capitals), the window is the text's start.
    """

    def __init__(self, text, config: str, words: list[str]):
        super().__init__(output_field=TextField())
        self.text = text
        self.config = config
        self.words = " ".join(words)

    def get_source_expressions(self):
        return [self.text]

    def set_source_expressions(self, exprs):
        (self.text,) = exprs

    def as_sql(self, compiler, connection):
        # Only the column's compiled name is written into the SQL; the words, the
        # configuration and the sizes are parameters.
        text, text_params = compiler.compile(self.text)
        # The first place any lexeme begins a word as written (after a space), else
        # capitalised (a sentence's first word, a name), else anywhere: each later search
        # runs only when the one before found nothing, and each reads the whole text.
        first = (
            f"(SELECT min(coalesce(nullif(strpos({text}, ' ' || lexeme), 0) + 1,"  # noqa: S608
            f" nullif(strpos({text}, initcap(lexeme)), 0),"
            f" nullif(strpos({text}, lexeme), 0)))"
            " FROM unnest(tsvector_to_array(to_tsvector(%s::regconfig, %s))) AS lexeme)"
        )
        # A window that begins inside the text begins after its first space (the window
        # is read once; the text itself is not searched again).
        sql = (
            "(SELECT CASE WHEN bounds.start > 1"  # noqa: S608
            " THEN substr(window_.part, strpos(window_.part, ' ') + 1) ELSE window_.part END"
            f" FROM (SELECT greatest(1, coalesce({first}, 1) - %s) AS start) AS bounds,"
            f" LATERAL (SELECT substr({text}, bounds.start, %s) AS part) AS window_)"
        )
        params = [
            *text_params,
            *text_params,
            *text_params,
            self.config,
            self.words,
            SNIPPET_LEAD_CHARACTERS,
            *text_params,
            SNIPPET_SOURCE_CHARACTERS,
        ]
        return sql, params


class SearchResults:
    """The matching articles, best first; what Paginator counts and slices.

    Two queries whatever the page. The first reads the newest MAX_RESULTS matches with
    what ranks them (in the headline or not; ts_rank on PostgreSQL; the date), which are
    then put in order here: the count is their number, and a page is a slice of them. The second
    reads that page's articles with their highlighted headline and snippet (ts_headline
    runs for the page's rows only). Each article has ``headline_html`` and
    ``snippet_html``: escaped text in which only the matches are marked, with <mark>.
    """

    def __init__(self, newest, rank, details, language: str, words: list[str]):
        # The newest MAX_RESULTS matches (what EXPLAIN is asked about), and what reads
        # them with their rank: rows of (id, in the headline, rank, published_at).
        self.queryset = newest
        self._rank = rank
        self._details = details  # ids -> queryset of those articles, highlighted
        self.language = language
        self.words = words

    @cached_property
    def _ids(self) -> list[int]:
        rows = self._rank(self.queryset)
        # Headline matches first, then the best ranked, then the newest.
        ordered = sorted(rows, key=lambda row: (row[1], row[2], row[3], row[0]), reverse=True)
        return [row[0] for row in ordered]

    def count(self) -> int:
        return len(self._ids)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key : key + 1][0]
        ids = self._ids[key]
        if not ids:
            return []
        found = {article.pk: article for article in self._details(ids)}
        # An article unpublished between the two queries is left out.
        return [self._decorate(found[pk]) for pk in ids if pk in found]

    def __iter__(self):
        return iter(self[:])

    def _decorate(self, article):
        headline = getattr(article, f"headline_{self.language}") or ""
        if hasattr(article, "marked_headline"):
            marked = article.marked_headline or ""
            # ts_headline drops what its parser reads as a tag ("<b>"): a headline is then
            # shown whole, unmarked, rather than with words missing.
            if _SENTINEL.sub("", marked) == headline:
                article.headline_html = marked_to_html(marked)
            else:
                article.headline_html = escape(headline)
            article.snippet_html = marked_to_html(article.marked_snippet)
        else:
            document = getattr(article, "search_document", None)
            text = getattr(document, f"text_{self.language}", "") if document else ""
            article.headline_html = highlight(headline, self.words)
            article.snippet_html = highlight(excerpt(text, self.words), self.words)
        return article


def search(language: str, query: str) -> SearchResults | None:
    """Articles public in ``language`` that match ``query``; None when it has no word.

    Ranked among the MAX_RESULTS most recent matches: a word found in most articles then
    costs ranking those, not the whole archive.
    """
    if language not in CONFIGS:
        raise ValueError(f"unknown language {language!r}")
    query = clean_query(query)
    words = query_words(query)
    if not words:
        return None
    flush()  # this connection's own writes, not yet committed (a no-op otherwise)
    public = Article.objects.available_in(language)
    if connection.vendor == "postgresql":
        tsquery = _tsquery(language, query, words)
        matching = public.alias(document=StoredVector(language)).filter(document=tsquery)
    else:
        matching = public.filter(_substring_match(language, words))
    newest = matching.order_by("-published_at", "-id")[:MAX_RESULTS]
    # What a result shows: its headline, address, rubric and date.
    shown = [
        "published_at",
        *(f"{field}_{code}" for field in ("headline", "slug") for code in LANGUAGE_CODES),
        *(f"rubric__name_{code}" for code in LANGUAGE_CODES),
        "rubric__name",
    ]
    details = public.select_related("rubric").order_by()
    if connection.vendor == "postgresql":

        def rank(newest):
            return _ranked_rows(newest, language, tsquery)

        details = _highlighted(details.only(*shown), language, tsquery, words)
    else:

        def rank(newest):
            ranked = Article.objects.filter(pk__in=newest.values("pk")).order_by()
            return ranked.annotate(**_headline_columns(language, words)).values_list(
                "pk", "in_headline", "rank", "published_at"
            )

        details = details.select_related("search_document").only(
            *shown, f"search_document__text_{language}"
        )
    return SearchResults(newest, rank, lambda ids: details.filter(pk__in=ids), language, words)


def _ranked_rows(newest, language: str, tsquery) -> list[tuple]:
    """(id, in the headline, ts_rank, published_at) of each of ``newest``'s articles.

    The newest matches are a subquery the ranking reads: ranked in the match's own select
    list, PostgreSQL may rank every match of a plan that sorts them all (a word found in a
    few thousand articles) before keeping the newest, its rank functions being cheap by
    their declared cost. Written as SQL around the queryset's own (which keeps every rule
    of ``available_in()``): the ORM's subquery cost more to build than to run.
    """
    inner = newest.values_list("pk", "published_at")
    compiler = inner.query.get_compiler(connection=connection)
    inner_sql, inner_params = compiler.as_sql()
    query_sql, query_params = compiler.compile(tsquery.resolve_expression(inner.query))
    # The subquery's columns by position (the ORM orders them its own way).
    selected = [getattr(expression, "target", None) for expression, _sql, _alias in compiler.select]
    attnames = [target.attname if target is not None else "" for target in selected]
    columns = [f"c{position}" for position in range(len(attnames))]
    pk, published_at = (columns[attnames.index(name)] for name in ("id", "published_at"))
    quote = connection.ops.quote_name
    document = quote(SearchDocument._meta.db_table)
    headline = quote(f"search_headline_{language}")
    vector = quote(f"search_vector_{language}")
    sql = (
        f"SELECT newest.{pk}, document.{headline} @@ {query_sql},"  # noqa: S608
        f" ts_rank(document.{vector}, {query_sql}), newest.{published_at}"
        f" FROM ({inner_sql}) AS newest ({', '.join(columns)})"
        f" JOIN {document} AS document ON document.article_id = newest.{pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*query_params, *query_params, *inner_params])
        return cursor.fetchall()


def _tsquery(language: str, query: str, words: list[str]):
    config = CONFIGS[language]
    if language in PREFIX_LANGUAGES:
        # Words are letters and digits only (query_words), so quoting them is enough.
        prefixes = " & ".join(f"'{word}':*" for word in words)
        return SearchQuery(prefixes, config=config, search_type="raw")
    return SearchQuery(query, config=config, search_type="websearch")


def _highlighted(articles, language: str, tsquery, words: list[str]):
    config = CONFIGS[language]
    return articles.annotate(
        marked_headline=SearchHeadline(
            f"headline_{language}",
            tsquery,
            config=config,
            start_sel=START,
            stop_sel=STOP,
            highlight_all=True,
        ),
        marked_snippet=SearchHeadline(
            AroundFirstMatch(F(f"search_document__text_{language}"), config, words),
            tsquery,
            config=config,
            start_sel=START,
            stop_sel=STOP,
            max_words=SNIPPET_WORDS,
            min_words=SNIPPET_WORDS // 2,
            max_fragments=2,
            fragment_delimiter=" … ",
        ),
    )


def _substring_match(language: str, words: list[str]) -> Q:
    # SQLite's LIKE folds ASCII only; its REGEXP is Python's re, which folds Cyrillic.
    match = Q()
    for word in words:
        pattern = re.escape(word)
        match &= Q(**{f"search_document__headline_{language}__iregex": pattern}) | Q(
            **{f"search_document__text_{language}__iregex": pattern}
        )
    return match


def _headline_columns(language: str, words: list[str]) -> dict:
    """in_headline: every word in the headline; no rank (SQLite: the newest among equals)."""
    in_headline = Q()
    for word in words:
        in_headline &= Q(**{f"headline_{language}__iregex": re.escape(word)})
    return {
        "in_headline": Case(When(in_headline, then=Value(True)), default=Value(False)),
        "rank": Value(0.0, output_field=FloatField()),
    }


# --- Highlighting --------------------------------------------------------------------------


def marked_to_html(marked: str | None) -> SafeString:
    """Escape ts_headline output; its START/STOP marks, balanced, become <mark></mark>."""
    parts, open_ = [], False
    for piece in _SENTINEL.split(marked or ""):
        if piece == START:
            if not open_:
                parts.append("<mark>")
                open_ = True
        elif piece == STOP:
            if open_:
                parts.append("</mark>")
                open_ = False
        else:
            parts.append(escape(piece))
    if open_:
        parts.append("</mark>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text was escaped above


def _pattern(words: list[str]):
    alternatives = sorted(words, key=len, reverse=True)
    return re.compile("|".join(re.escape(word) for word in alternatives), re.IGNORECASE)


def excerpt(text: str, words: list[str]) -> str:
    """About SNIPPET_CHARACTERS of ``text`` from a little before the first match."""
    match = _pattern(words).search(text) if words else None
    start = 0
    if match and match.start() > SNIPPET_CHARACTERS // 3:
        start = text.find(" ", match.start() - SNIPPET_CHARACTERS // 3) + 1
    end = start + SNIPPET_CHARACTERS
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    fragment = text[start:end].strip()
    return ("… " if start else "") + fragment + (" …" if end < len(text) else "")


def highlight(text: str, words: list[str]) -> SafeString:
    """``text`` escaped, every occurrence of a word in <mark> (SQLite's plain matching)."""
    if not words:
        return escape(text)
    parts, last = [], 0
    for match in _pattern(words).finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text was escaped above


# --- The page ------------------------------------------------------------------------------


@require_safe
def search_view(request):
    raw = request.GET.get("q", "")
    problem = query_problem(raw)
    if problem is not None:
        shown = clean_query(_CONTROL.sub(" ", raw[: settings.SEARCH_MAX_QUERY_LENGTH]))
        return _refusal(request, shown, problem, status=400)
    query = clean_query(raw)
    if query_words(query) and _over_rate_limit(request):
        message = _("Too many searches from your address. Please wait a minute and search again.")
        response = _refusal(request, query, message, status=429)
        response["Retry-After"] = str(settings.SEARCH_RATE_WINDOW)
        return response
    language = translation.get_language()
    results = search(language, query)
    page = None
    if results is not None:
        page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "articles/search.html",
        {
            "query": query,
            "page": page,
            "articles": page.object_list if page is not None else [],
            "max_results": MAX_RESULTS,
            "max_query_length": settings.SEARCH_MAX_QUERY_LENGTH,
        },
    )


def _over_rate_limit(request) -> bool:
    address = ratelimit.address_hash(
        ratelimit.client_address(request), purpose="articles.search.address"
    )
    return ratelimit.over_limit(
        "search", address, limit=settings.SEARCH_RATE_LIMIT, window=settings.SEARCH_RATE_WINDOW
    )


def _refusal(request, query: str, message, *, status: int) -> TemplateResponse:
    response = TemplateResponse(
        request,
        "articles/search.html",
        {
            "query": query,
            "page": None,
            "articles": [],
            "error": message,
            "max_query_length": settings.SEARCH_MAX_QUERY_LENGTH,
        },
        status=status,
    )
    # The answer of one reader (an address over its limit), or of one bad query: never
    # kept by a shared cache in front.
    patch_cache_control(response, private=True, no_store=True)
    return response
