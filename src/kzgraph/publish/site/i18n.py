"""The site's own words, per language. A language without a table here gets English words
around its content (the page says the content's language, not the interface's)."""

from __future__ import annotations

UI: dict[str, dict[str, str]] = {
    "en": {
        "site": "kzgraph", "home": "Home", "guides": "Guides", "categories": "Categories",
        "perspectives": "Perspectives", "countries": "Countries", "people": "People",
        "search": "Search", "sparql": "SPARQL", "language": "Language",
        "fallback": "This text is not available in English; it is shown in {lang}.",
        "data": "This page as data", "points_here": "What points here",
        "statements": "All statements", "sources": "Sources", "offers": "Perspectives it offers",
        "misses": "Blind spots (perspectives it may miss)", "offered_by": "Categories that offer it",
        "missed_by": "Categories that miss it", "category": "Categories", "homepage": "Website",
        "country": "Countries", "created": "Created", "modified": "Updated",
        "contributors": "Contributors", "sections": "Sections", "mentions": "Sources mentioned",
        "guides_about": "Guides about it", "dumps": "Download the whole graph",
        "dataset": "The dataset", "query_title": "Query the graph in your browser",
        "query_intro": "SPARQL queries run here, in your browser, on the site's own data "
                       "(loaded from {dump}); nothing is sent anywhere. Pick a saved query:",
        "loading": "Loading the data…", "ready": "{n} statements loaded.",
        "search_intro": "Search every title and description, in every language.",
        "keywords": "Keywords", "property": "Property", "value": "Value",
        "skip": "Skip to the content", "triples": "statements", "resources": "resources",
        "written_by": "Contributed by", "editor": "SPARQL query",
        "page_size": "Rows per page",
        "terms": "Terms in {name}",
        "tagged": "Pages with this term", "see_all": "All {n} →",
        "source_count": "sources: {n}", "pages": "Pages", "page_of": "Page {n} of {total}",
        "page_n": "Page {n}", "previous": "← Previous page", "next": "Next page →",
        "incoming_more": "…and {n} more statements point here: this page's data holds "
                         "them all, and the lists above show them page by page.",
    },
    "ru": {
        "site": "kzgraph", "home": "Главная", "guides": "Путеводители", "categories": "Категории",
        "perspectives": "Точки зрения", "countries": "Страны", "people": "Люди",
        "search": "Поиск", "sparql": "SPARQL", "language": "Язык",
        "fallback": "Этого текста нет на русском языке; он показан на языке: {lang}.",
        "data": "Эта страница как данные", "points_here": "Что ссылается сюда",
        "statements": "Все утверждения", "sources": "Источники",
        "offers": "Точки зрения, которые она даёт",
        "misses": "Слепые пятна (что она может упускать)",
        "offered_by": "Категории, которые её дают", "missed_by": "Категории, которые её упускают",
        "category": "Категории", "homepage": "Сайт", "country": "Страны", "created": "Создано",
        "modified": "Обновлено", "contributors": "Авторы", "sections": "Разделы",
        "mentions": "Упомянутые источники", "guides_about": "Путеводители о ней",
        "dumps": "Скачать весь граф", "dataset": "Набор данных",
        "query_title": "Запросы к графу в браузере",
        "query_intro": "Запросы SPARQL выполняются здесь, в вашем браузере, на данных самого "
                       "сайта (из файла {dump}); ничего никуда не отправляется. "
                       "Выберите сохранённый запрос:",
        "loading": "Загрузка данных…", "ready": "Загружено утверждений: {n}.",
        "search_intro": "Поиск по всем названиям и описаниям на всех языках.",
        "keywords": "Ключевые слова", "property": "Свойство", "value": "Значение",
        "skip": "Перейти к содержанию", "triples": "утверждений", "resources": "ресурсов",
        "written_by": "Автор", "editor": "Запрос SPARQL",
        "page_size": "Строк на странице",
        "terms": "Термины таксономии «{name}»",
        "tagged": "Страницы с этим термином", "see_all": "Все ({n}) →",
        "source_count": "источников: {n}", "pages": "Страницы",
        "page_of": "Страница {n} из {total}", "page_n": "Страница {n}",
        "previous": "← Предыдущая страница", "next": "Следующая страница →",
        "incoming_more": "…и ещё утверждений, ссылающихся сюда: {n}. Все они есть в данных "
                         "этой страницы, а списки выше показывают их постранично.",
    },
    "kk": {
        "site": "kzgraph", "home": "Басты бет", "guides": "Нұсқаулықтар", "categories": "Санаттар",
        "perspectives": "Көзқарастар", "countries": "Елдер", "people": "Адамдар",
        "search": "Іздеу", "sparql": "SPARQL", "language": "Тіл",
        "fallback": "Бұл мәтін қазақ тілінде жоқ; ол мына тілде көрсетілген: {lang}.",
        "data": "Бұл бет деректер ретінде", "points_here": "Мұнда не сілтейді",
        "statements": "Барлық тұжырымдар", "sources": "Дереккөздер",
        "offers": "Ол беретін көзқарастар",
        "misses": "Соқыр нүктелер (ол жіберіп алуы мүмкін көзқарастар)",
        "offered_by": "Оны беретін санаттар", "missed_by": "Оны жіберіп алатын санаттар",
        "category": "Санаттар", "homepage": "Веб-сайт", "country": "Елдер",
        "created": "Құрылған", "modified": "Жаңартылған", "contributors": "Авторлар",
        "sections": "Бөлімдер", "mentions": "Аталған дереккөздер",
        "guides_about": "Ол туралы нұсқаулықтар", "dumps": "Бүкіл графты жүктеп алу",
        "dataset": "Деректер жиыны", "query_title": "Графқа браузерде сұрау жасау",
        "query_intro": "SPARQL сұраулары осында, сіздің браузеріңізде, сайттың өз деректерінде "
                       "орындалады ({dump} файлынан жүктеледі); ешнәрсе ешқайда жіберілмейді. "
                       "Сақталған сұрауды таңдаңыз:",
        "loading": "Деректер жүктелуде…", "ready": "Жүктелген тұжырымдар: {n}.",
        "search_intro": "Барлық атаулар мен сипаттамалардан барлық тілде іздеу.",
        "keywords": "Кілт сөздер", "property": "Қасиет", "value": "Мән",
        "skip": "Мазмұнға өту", "triples": "тұжырым", "resources": "ресурс",
        "written_by": "Автор", "editor": "SPARQL сұрауы",
        "page_size": "Беттегі жолдар саны",
        "terms": "«{name}» таксономиясының терминдері",
        "tagged": "Осы термині бар беттер", "see_all": "Барлығы ({n}) →",
        "source_count": "дереккөздер: {n}", "pages": "Беттер",
        "page_of": "{total} беттің {n}-беті", "page_n": "{n}-бет",
        "previous": "← Алдыңғы бет", "next": "Келесі бет →",
        "incoming_more": "…мұнда сілтейтін тағы {n} тұжырым бар: олардың бәрі осы беттің "
                         "деректерінде, ал жоғарыдағы тізімдер оларды бет-бетімен көрсетеді.",
    },
}

LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "kk": "Қазақша"}


def words(lang: str) -> dict[str, str]:
    return UI.get(lang, UI["en"])


def language_name(lang: str | None) -> str:
    return LANGUAGE_NAMES.get(lang or "", lang or "?")
