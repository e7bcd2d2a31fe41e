"""Words the generator writes with: topics, outlet names, title, description and body templates
for every category, in English, Russian and Kazakh.

Templates take ``{c}`` (the country's name in the page's language), ``{r}`` (a region of the
country, as pycountry names it), ``{b}`` (an outlet's brand name, the same in every language),
``{t}`` (a topic in the page's language) and ``{name}`` (the source's title in that language).
"""

from __future__ import annotations

LANGS = ("en", "ru", "kk")

#: the nine categories of content/categories/, in the order a guide lists them
CATEGORIES = ("ingo", "local-ngo", "government", "state-media", "state-affiliated-media",
              "independent-media", "regional-media", "local-media", "social-media")

#: a guide's heading for each category, per language
CATEGORY_TITLES: dict[str, dict[str, str]] = {
    "ingo": {"en": "International Non-Governmental Organizations (INGOs)",
             "ru": "Международные неправительственные организации (МНПО)",
             "kk": "Халықаралық үкіметтік емес ұйымдар"},
    "local-ngo": {"en": "Local Non-Governmental Organizations (Local NGOs)",
                  "ru": "Местные неправительственные организации (местные НПО)",
                  "kk": "Жергілікті үкіметтік емес ұйымдар"},
    "government": {"en": "Government", "ru": "Правительство", "kk": "Үкімет"},
    "state-media": {"en": "State media", "ru": "Государственные СМИ", "kk": "Мемлекеттік БАҚ"},
    "state-affiliated-media": {"en": "State-affiliated media",
                               "ru": "Аффилированные с государством СМИ",
                               "kk": "Мемлекетпен байланысты БАҚ"},
    "independent-media": {"en": "Independent media", "ru": "Независимые СМИ",
                          "kk": "Тәуелсіз БАҚ"},
    "regional-media": {"en": "Regional media", "ru": "Региональные СМИ", "kk": "Өңірлік БАҚ"},
    "local-media": {"en": "Local media", "ru": "Местные СМИ", "kk": "Жергілікті БАҚ"},
    "social-media": {"en": "Social media", "ru": "Социальные сети", "kk": "Әлеуметтік желілер"},
}

#: what a guide says about each category, after the link to it
CATEGORY_PROSE: dict[str, dict[str, str]] = {
    "ingo": {"en": "usually bring a global and comparative view, with standardised reporting across countries, but may lack local voices and detail.",
             "ru": "обычно дают глобальный и сравнительный взгляд и стандартизированную отчётность по странам, но им может не хватать местных голосов и деталей.",
             "kk": "әдетте жаһандық және салыстырмалы көзқарас береді, бірақ оларда жергілікті дауыстар мен егжей-тегжей жетіспеуі мүмкін."},
    "local-ngo": {"en": "can fill information gaps on issues that official sources leave unnoticed; they are often activists organised around specific issues and groups.",
                  "ru": "могут восполнить пробелы в информации по вопросам, которые официальные источники оставляют без внимания; часто это активисты, объединённые вокруг конкретных проблем.",
                  "kk": "ресми дереккөздер назардан тыс қалдыратын мәселелер бойынша ақпарат олқылығын толтыра алады."},
    "government": {"en": "provide official data, laws and statements, but may not cover marginalised groups or contested issues.",
                   "ru": "дают официальные данные, законы и заявления, но могут не охватывать маргинализированные группы и спорные вопросы.",
                   "kk": "ресми деректерді, заңдар мен мәлімдемелерді ұсынады, бірақ осал топтар мен даулы мәселелерді қамтымауы мүмкін."},
    "state-media": {"en": "offer the mainstream point of view; alternative views are more likely in independent media.",
                    "ru": "предлагают основную, официальную точку зрения; альтернативные взгляды чаще встречаются в независимых СМИ.",
                    "kk": "негізгі көзқарасты ұсынады; балама пікірлер тәуелсіз БАҚ-та жиірек кездеседі."},
    "state-affiliated-media": {"en": "are close to the state and mostly repeat its agenda, with some room for other topics.",
                               "ru": "близки к государству и в основном повторяют его повестку, оставляя немного места для других тем.",
                               "kk": "мемлекетке жақын және көбіне оның күн тәртібін қайталайды."},
    "independent-media": {"en": "may offer alternative points of view and cover sensitive topics.",
                          "ru": "могут предлагать альтернативные точки зрения и освещать острые темы.",
                          "kk": "балама көзқарастар ұсынып, өткір тақырыптарды жаза алады."},
    "regional-media": {"en": "give more attention to smaller issues and to life outside the capital.",
                       "ru": "уделяют больше внимания небольшим проблемам и жизни за пределами столицы.",
                       "kk": "шағын мәселелерге және астанадан тыс өмірге көбірек көңіл бөледі."},
    "local-media": {"en": "can provide nuance about cities and provinces beyond national sources.",
                    "ru": "могут дать подробности о городах и областях, которых нет в республиканских источниках.",
                    "kk": "қалалар мен облыстар туралы республикалық дереккөздерде жоқ мәліметтер бере алады."},
    "social-media": {"en": "tap directly into current opinion and topics omitted elsewhere.",
                     "ru": "напрямую отражают текущие мнения и темы, которые упускают другие источники.",
                     "kk": "қазіргі пікірлерді және басқа жерде айтылмайтын тақырыптарды тікелей көрсетеді."},
}

#: topics, as tags and in templates: (en, ru, kk)
TOPICS: tuple[tuple[str, str, str], ...] = (
    ("women's rights", "права женщин", "әйелдер құқықтары"),
    ("elections", "выборы", "сайлау"),
    ("economy", "экономика", "экономика"),
    ("health", "здравоохранение", "денсаулық сақтау"),
    ("education", "образование", "білім беру"),
    ("environment", "окружающая среда", "қоршаған орта"),
    ("human rights", "права человека", "адам құқықтары"),
    ("official statistics", "официальная статистика", "ресми статистика"),
    ("culture", "культура", "мәдениет"),
    ("migration", "миграция", "көші-қон"),
    ("corruption", "коррупция", "сыбайлас жемқорлық"),
    ("agriculture", "сельское хозяйство", "ауыл шаруашылығы"),
    ("energy", "энергетика", "энергетика"),
    ("transport", "транспорт", "көлік"),
    ("law", "право", "құқық"),
    ("courts", "суды", "соттар"),
    ("press freedom", "свобода прессы", "баспасөз бостандығы"),
    ("youth", "молодёжь", "жастар"),
    ("science", "наука", "ғылым"),
    ("housing", "жильё", "тұрғын үй"),
    ("labour", "труд", "еңбек"),
    ("census", "перепись населения", "халық санағы"),
    ("gender equality", "гендерное равенство", "гендерлік теңдік"),
    ("LGBTQ+", "ЛГБТК+", "ЛГБТК+"),
    ("civil society", "гражданское общество", "азаматтық қоғам"),
    ("regional news", "региональные новости", "өңірлік жаңалықтар"),
    ("disability", "инвалидность", "мүгедектік"),
    ("water", "водные ресурсы", "су ресурстары"),
    ("public finance", "государственные финансы", "мемлекеттік қаржы"),
    ("local government", "местное управление", "жергілікті басқару"),
    ("ecology", "экология", "экология"),
    ("children", "дети", "балалар"),
)

#: outlet and organisation names, written the same in every language
BRANDS = (
    "Zerde", "Aina", "Meridian", "Horizon", "Beacon", "Compass", "Tumar", "Shyrak", "Kemel",
    "Aqiqat", "Sana", "Jarqyn", "Nur", "Dala", "Keruen", "Bolashak", "Zhuldyz", "Echo", "Pulse",
    "Signal", "Lens", "Insight", "Frontier", "Atlas", "Mosaic", "Steppe", "Altyn", "Qazyna",
    "Orken", "Samal", "Tolqyn", "Ulagat", "Baspana", "Erkin", "Kokzhiek", "Jibek", "Aspan",
    "Saryarka", "Arna", "Dauys", "Tayaq", "Qanat", "Sholpan", "Alem", "Otan", "Shapagat",
    "Kyzylzhar", "Nomad", "Caravan", "Lantern", "Spectrum", "Vector", "Prism", "Harbor",
    "Summit", "Granite", "Willow", "Falcon", "Orbit", "Citadel",
)

#: per category: (title templates (en, ru, kk), description templates (en, ru, kk))
NAMES: dict[str, tuple[tuple[tuple[str, str, str], ...], tuple[str, str, str]]] = {
    "government": (
        (("Ministry of {t} of {c}", "Министерство: {t} ({c})", "{c}: {t} министрлігі"),
         ("National Statistics Office of {c}", "Национальное статистическое ведомство: {c}",
          "{c} ұлттық статистика бюросы"),
         ("{r} Regional Administration", "Администрация региона {r}", "{r} өңірінің әкімдігі"),
         ("Open Data Portal of {c}", "Портал открытых данных: {c}", "{c} ашық деректер порталы"),
         ("Parliament of {c}", "Парламент: {c}", "{c} парламенті")),
        ("The official website of {name}, with decisions, statistics and statements on {t}.",
         "Официальный сайт: {name}. Решения, статистика и заявления по теме «{t}».",
         "{name} ресми сайты: {t} бойынша шешімдер, статистика және мәлімдемелер."),
    ),
    "state-media": (
        (("{c} National Television", "Национальное телевидение: {c}", "{c} ұлттық телеарнасы"),
         ("{c} State News Agency", "Государственное информационное агентство: {c}",
          "{c} мемлекеттік ақпарат агенттігі"),
         ("{b} State Radio", "Государственное радио «{b}»", "«{b}» мемлекеттік радиосы")),
        ("A state-owned outlet in {c} reporting official news, including on {t}.",
         "Государственное СМИ ({c}), публикующее официальные новости, в том числе о теме «{t}».",
         "{c} мемлекеттік БАҚ-ы: ресми жаңалықтар, соның ішінде {t} туралы."),
    ),
    "state-affiliated-media": (
        (("{b} Daily", "Ежедневник «{b}»", "«{b}» күнделікті газеті"),
         ("{b} Info", "{b} Инфо", "{b} Ақпарат"),
         ("{b} Business", "Деловой портал «{b}»", "«{b}» іскерлік порталы")),
        ("A news outlet in {c} close to the state, writing about politics, business and {t}.",
         "Близкое к государству издание ({c}) о политике, бизнесе и теме «{t}».",
         "{c} мемлекетке жақын басылым: саясат, бизнес және {t}."),
    ),
    "independent-media": (
        (("{b} Review", "Обозрение «{b}»", "«{b}» шолуы"),
         ("The {b} Reporter", "Репортёр «{b}»", "«{b}» тілшісі"),
         ("{b} Media", "{b} Медиа", "{b} Медиа")),
        ("An independent media outlet from {c} focused on {t}.",
         "Независимое СМИ из страны {c}, посвящённое теме «{t}».",
         "{c} елінің {t} тақырыбына арналған тәуелсіз БАҚ-ы."),
    ),
    "regional-media": (
        (("{r} Regional TV", "Региональное ТВ: {r}", "{r} өңірлік телеарнасы"),
         ("{r} Times", "Вести: {r}", "{r} хабарлары"),
         ("{b} of {r}", "«{b}» ({r})", "«{b}» ({r})")),
        ("Regional news from {r}, {c}, with attention to {t}.",
         "Региональные новости: {r} ({c}), с вниманием к теме «{t}».",
         "{r} өңірінің жаңалықтары ({c}): {t} тақырыбына назар."),
    ),
    "local-media": (
        (("{r} News", "Новости: {r}", "{r} жаңалықтары"),
         ("{r} Herald", "Вестник: {r}", "{r} жаршысы"),
         ("{b} City", "Город «{b}»", "«{b}» қаласы")),
        ("Local news about towns and villages in {r}, including {t}.",
         "Местные новости о городах и сёлах: {r}, в том числе о теме «{t}».",
         "{r} қалалары мен ауылдары туралы жергілікті жаңалықтар, соның ішінде {t}."),
    ),
    "social-media": (
        (("{b} (Telegram channel)", "{b} (Telegram-канал)", "{b} (Telegram арнасы)"),
         ("{b} on YouTube", "{b} на YouTube", "{b} YouTube-та"),
         ("{b} Voices (Instagram)", "Голоса «{b}» (Instagram)", "«{b}» дауыстары (Instagram)")),
        ("A social media channel from {c} discussing {t} with its followers.",
         "Канал в социальных сетях ({c}), где обсуждают тему «{t}».",
         "{c}: {t} тақырыбын талқылайтын әлеуметтік желі арнасы."),
    ),
    "ingo": (
        (("UN {t} Programme in {c}", "Программа ООН ({t}) в стране {c}", "БҰҰ-ның {c} елінде {t} бағдарламасы"),
         ("{b} Watch: {c} Country Report", "{b} Watch: доклад по стране {c}",
          "{b} Watch: {c} бойынша баяндама"),
         ("International {b} Foundation, {c} office", "Международный фонд «{b}», представительство ({c})",
          "Халықаралық «{b}» қоры, {c} өкілдігі")),
        ("An international organisation reporting on {t} in {c} and comparing it with other countries.",
         "Международная организация, которая публикует данные по теме «{t}» ({c}) и сравнивает их с другими странами.",
         "{c} елінде {t} туралы есеп беріп, оны басқа елдермен салыстыратын халықаралық ұйым."),
    ),
    "local-ngo": (
        (("{b} Foundation", "Фонд «{b}»", "«{b}» қоры"),
         ("{b} Initiative", "Инициатива «{b}»", "«{b}» бастамасы"),
         ("{b} Centre for {t}", "Центр «{b}» ({t})", "«{b}» орталығы ({t})")),
        ("A grassroots organisation in {c} working on {t}.",
         "Низовая организация ({c}), работающая по теме «{t}».",
         "{c} елінде {t} бойынша жұмыс істейтін қоғамдық ұйым."),
    ),
}

#: sentences for bodies: a few per category, then general ones, per language
BODY: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "*": ("{name} publishes regularly and keeps an archive going back several years.",
              "It is useful as a starting point for research on {t} in {c}.",
              "Its coverage of {t2} is less complete, so check it against other sources.",
              "Most material is available in {langs}.",
              "The site has been cited by researchers and journalists working on {c}."),
        "government": ("As an official body, it is a primary source for the government's position.",
                       "Official figures may leave out marginalised groups and sensitive topics."),
        "state-media": ("It follows the official agenda closely.",
                        "Alternative views are rarely given space."),
        "state-affiliated-media": ("Its owners are close to the state, which shapes its choice of topics.",),
        "independent-media": ("It often reports on topics that state media avoid.",
                              "Its journalists have faced pressure for their reporting."),
        "regional-media": ("It covers {r} in more depth than the national press.",),
        "local-media": ("It reports on local services, courts and councils in {r}.",),
        "social-media": ("Posts are informal and fast, and need to be checked.",
                         "It shows how people in {c} talk about {t} day to day."),
        "ingo": ("Its reports follow a standard method, so countries can be compared.",
                 "Data are usually at the national level, without local detail."),
        "local-ngo": ("It is run by activists and speaks for groups that are rarely heard.",
                      "It publishes reports, campaigns and first-hand accounts."),
    },
    "ru": {
        "*": ("{name} регулярно публикует материалы и ведёт архив за несколько лет.",
              "Источник полезен как отправная точка для исследований по теме «{t}» ({c}).",
              "Тема «{t2}» освещается менее полно, поэтому сверяйтесь с другими источниками.",
              "Большая часть материалов доступна на языках: {langs}.",
              "На этот сайт ссылаются исследователи и журналисты, пишущие о стране {c}."),
        "government": ("Как официальный орган, он является первоисточником позиции государства.",
                       "Официальные данные могут не учитывать маргинализированные группы и острые темы."),
        "state-media": ("Издание строго следует официальной повестке.",
                        "Альтернативным взглядам места почти не отводится."),
        "state-affiliated-media": ("Владельцы издания близки к государству, что влияет на выбор тем.",),
        "independent-media": ("Издание часто пишет о том, чего избегают государственные СМИ.",
                              "Его журналисты подвергались давлению за свои материалы."),
        "regional-media": ("Регион {r} освещается здесь подробнее, чем в республиканской прессе.",),
        "local-media": ("Здесь пишут о местных службах, судах и советах ({r}).",),
        "social-media": ("Публикации неформальны и быстры, их нужно проверять.",
                         "Канал показывает, как люди обсуждают тему «{t}» каждый день."),
        "ingo": ("Отчёты следуют единой методике, поэтому страны можно сравнивать.",
                 "Данные обычно на уровне страны, без местных подробностей."),
        "local-ngo": ("Организацию ведут активисты; она говорит от имени редко слышимых групп.",
                      "Она публикует доклады, кампании и свидетельства из первых рук."),
    },
    "kk": {
        "*": ("{name} материалдарды тұрақты жариялап, бірнеше жылдық мұрағат жүргізеді.",
              "Бұл дереккөз {c} елінде {t} тақырыбын зерттеуге бастама бола алады.",
              "{t2} тақырыбы толық қамтылмайды, сондықтан басқа дереккөздермен салыстырыңыз.",
              "Материалдардың көбі мына тілдерде қолжетімді: {langs}.",
              "Бұл сайтқа {c} туралы жазатын зерттеушілер мен журналистер сілтеме жасайды."),
        "government": ("Ресми орган ретінде ол мемлекет ұстанымының бастапқы көзі болып табылады.",
                       "Ресми деректер осал топтар мен өткір тақырыптарды қамтымауы мүмкін."),
        "state-media": ("Басылым ресми күн тәртібін қатаң ұстанады.",
                        "Балама пікірлерге орын аз беріледі."),
        "state-affiliated-media": ("Басылым иелері мемлекетке жақын, бұл тақырып таңдауына әсер етеді.",),
        "independent-media": ("Басылым мемлекеттік БАҚ айналып өтетін тақырыптарды жиі жазады.",
                              "Оның журналистері материалдары үшін қысымға ұшыраған."),
        "regional-media": ("{r} өңірі мұнда республикалық баспасөзге қарағанда толығырақ жазылады.",),
        "local-media": ("Мұнда {r} өңіріндегі жергілікті қызметтер, соттар мен кеңестер туралы жазылады.",),
        "social-media": ("Жазбалар бейресми әрі жылдам, оларды тексеру керек.",
                         "Арна адамдардың {t} тақырыбын күнделікті қалай талқылайтынын көрсетеді."),
        "ingo": ("Есептер бірыңғай әдіспен жасалады, сондықтан елдерді салыстыруға болады.",
                 "Деректер әдетте ел деңгейінде, жергілікті егжей-тегжейсіз беріледі."),
        "local-ngo": ("Ұйымды белсенділер басқарады; ол сирек естілетін топтардың атынан сөйлейді.",
                      "Ол баяндамалар, науқандар және тікелей куәліктер жариялайды."),
    },
}

#: the names of the languages a source publishes in, per page language
LANGUAGE_NAMES = {
    "en": {"en": "English", "ru": "Russian", "kk": "Kazakh", "uz": "Uzbek", "ky": "Kyrgyz",
           "fr": "French", "es": "Spanish", "ar": "Arabic", "de": "German", "zh": "Chinese",
           "pt": "Portuguese", "tr": "Turkish"},
    "ru": {"en": "английский", "ru": "русский", "kk": "казахский", "uz": "узбекский",
           "ky": "киргизский", "fr": "французский", "es": "испанский", "ar": "арабский",
           "de": "немецкий", "zh": "китайский", "pt": "португальский", "tr": "турецкий"},
    "kk": {"en": "ағылшын", "ru": "орыс", "kk": "қазақ", "uz": "өзбек", "ky": "қырғыз",
           "fr": "француз", "es": "испан", "ar": "араб", "de": "неміс", "zh": "қытай",
           "pt": "португал", "tr": "түрік"},
}
PUBLISHING_LANGUAGES = tuple(LANGUAGE_NAMES["en"])

#: a guide's own texts
GUIDE_TITLE = {"en": "Getting Started Guide for {c}", "ru": "Руководство по началу работы: {c}",
               "kk": "{c} бойынша бастапқы нұсқаулық"}
GUIDE_LINK_TITLE = {"en": "{c}", "ru": "{c}", "kk": "{c}"}
GUIDE_DESCRIPTION = {
    "en": "This guide presents selected resources for the main information categories of {c}.",
    "ru": "В этом руководстве представлены избранные ресурсы по основным категориям информации: {c}.",
    "kk": "Бұл нұсқаулықта {c} бойынша негізгі ақпарат санаттарының таңдаулы дереккөздері берілген.",
}
GUIDE_TAGS = {"en": ["guides", "getting started"], "ru": ["руководства", "начало работы"],
              "kk": ["нұсқаулықтар", "бастау"]}
GUIDE_INTRO = {
    "en": "Sources for {c}, grouped by the kind of information they offer and what each kind misses.",
    "ru": "Источники по стране {c}, сгруппированные по виду информации и по тому, чего каждому виду не хватает.",
    "kk": "{c} бойынша дереккөздер ақпарат түріне және әр түрге не жетіспейтініне қарай топтастырылған.",
}
FOR_EXAMPLE = {"en": "For example:", "ru": "Например:", "kk": "Мысалы:"}
#: the guide's words about a source, after the link in a list item
NOTES = {
    "en": ("for coverage of {t}", "({t})", ", on {t} in {r}", "— useful on {t}"),
    "ru": ("— о теме «{t}»", "({t})", ", о теме «{t}» ({r})", "— полезно по теме «{t}»"),
    "kk": ("— {t} тақырыбы бойынша", "({t})", ", {r}: {t}", "— {t} бойынша пайдалы"),
}

CONTRIBUTORS = (
    "Aizada Arystanbek", "Dana Bekova", "Yerlan Sultanov", "Madina Omarova", "Timur Kassymov",
    "Aigerim Nurlanovna", "Olga Petrova", "Sergei Ivanov", "Gulnara Abenova", "Nurlan Zhaksybek",
    "Amina Yusupova", "Ruslan Akhmetov", "Saule Temirbekova", "Marat Dzhumabaev",
    "Zhanna Kuanysheva", "Alibek Serikov", "Elena Kim", "Daniyar Tokayev", "Asel Mukanova",
    "Bakhyt Iskakov", "Laura Smith", "James Okafor", "Maria Garcia", "Chen Wei", "Fatima Haddad",
    "Lucas Silva", "Anna Kowalska", "Omar Farouk", "Priya Nair", "Tomas Novak",
)
