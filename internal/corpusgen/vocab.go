package corpusgen

// The word lists the generator draws from. Resolutions, organizations and
// countries are real, with their real years, names and ISO codes, so that the
// entity extractor meets what it meets in the archives; everything else is
// invented phrasing in the register of UN press releases.

// resolution is a Security Council resolution the counter-terrorism bodies cite.
type resolution struct {
	n, year int
}

// resolutions are Security Council resolutions on terrorism, its financing,
// foreign terrorist fighters, sanctions against ISIL (Da'esh) and Al-Qaida,
// non-proliferation to non-State actors and related protection themes, each with
// the year it was adopted.
var resolutions = []resolution{
	{1267, 1999}, {1269, 1999}, {1333, 2000}, {1368, 2001}, {1373, 2001}, {1377, 2001},
	{1390, 2002}, {1452, 2002}, {1455, 2003}, {1456, 2003}, {1526, 2004}, {1535, 2004},
	{1540, 2004}, {1566, 2004}, {1617, 2005}, {1624, 2005}, {1673, 2006}, {1730, 2006},
	{1735, 2006}, {1787, 2007}, {1805, 2008}, {1810, 2008}, {1822, 2008}, {1904, 2009},
	{1963, 2010}, {1977, 2011}, {1988, 2011}, {1989, 2011}, {2082, 2012}, {2083, 2012},
	{2129, 2013}, {2133, 2014}, {2160, 2014}, {2161, 2014}, {2170, 2014}, {2178, 2014},
	{2195, 2014}, {2199, 2015}, {2214, 2015}, {2249, 2015}, {2253, 2015}, {2255, 2015},
	{2309, 2016}, {2322, 2016}, {2325, 2016}, {2331, 2016}, {2341, 2017}, {2347, 2017},
	{2354, 2017}, {2368, 2017}, {2370, 2017}, {2379, 2017}, {2388, 2017}, {2395, 2017},
	{2396, 2017}, {2462, 2019}, {2482, 2019}, {2490, 2019}, {2557, 2020}, {2560, 2020},
	{2610, 2021}, {2611, 2021}, {2617, 2021}, {2664, 2022}, {2713, 2023}, {2734, 2024},
}

// organization is one organization as the UN names it: id is the canonical id of
// the contract (the UN's acronym), name the full name. byAcronym says the
// acronym alone is safe to write without introducing it first.
type organization struct {
	id, name  string
	byAcronym bool
}

var organizations = []organization{
	{"CTC", "Counter-Terrorism Committee", true},
	{"CTED", "Counter-Terrorism Committee Executive Directorate", true},
	{"UNOCT", "United Nations Office of Counter-Terrorism", true},
	{"UNCCT", "United Nations Counter-Terrorism Centre", true},
	{"UNODC", "United Nations Office on Drugs and Crime", true},
	{"UNDP", "United Nations Development Programme", true},
	{"UNICEF", "United Nations Children's Fund", true},
	{"UN Women", "United Nations Entity for Gender Equality and the Empowerment of Women", true},
	{"OHCHR", "Office of the United Nations High Commissioner for Human Rights", true},
	{"UNHCR", "Office of the United Nations High Commissioner for Refugees", true},
	{"UNICRI", "United Nations Interregional Crime and Justice Research Institute", true},
	{"UNRCCA", "United Nations Regional Centre for Preventive Diplomacy for Central Asia", true},
	{"ICAO", "International Civil Aviation Organization", true},
	{"IMO", "International Maritime Organization", false},
	{"WCO", "World Customs Organization", true},
	{"IOM", "International Organization for Migration", true},
	{"IAEA", "International Atomic Energy Agency", true},
	{"OPCW", "Organisation for the Prohibition of Chemical Weapons", true},
	{"INTERPOL", "International Criminal Police Organization", true},
	{"Europol", "European Union Agency for Law Enforcement Cooperation", true},
	{"FATF", "Financial Action Task Force", true},
	{"GCTF", "Global Counterterrorism Forum", true},
	{"GIFCT", "Global Internet Forum to Counter Terrorism", true},
	{"EU", "European Union", false},
	{"OSCE", "Organization for Security and Co-operation in Europe", true},
	{"CoE", "Council of Europe", false},
	{"CIS-ATC", "Anti-Terrorism Centre of the Commonwealth of Independent States", true},
	{"CSTO", "Collective Security Treaty Organization", true},
	{"AU", "African Union", false},
	{"ECOWAS", "Economic Community of West African States", true},
	{"IGAD", "Intergovernmental Authority on Development", true},
	{"ASEAN", "Association of Southeast Asian Nations", true},
	{"OIC", "Organisation of Islamic Cooperation", true},
	{"OAS", "Organization of American States", true},
	{"CICTE", "Inter-American Committee against Terrorism", true},
	{"UNAMA", "United Nations Assistance Mission in Afghanistan", true},
	{"MINUSMA", "United Nations Multidimensional Integrated Stabilization Mission in Mali", true},
	{"World Bank", "World Bank", false},
}

// country is a Member State: its ISO 3166-1 alpha-3 code, its short name, the
// adjective that means the State (empty when none is safe), and its capital for
// datelines and venues.
type country struct {
	id, name, adj, capital string
}

var countries = []country{
	{"AFG", "Afghanistan", "Afghan", "Kabul"},
	{"ALB", "Albania", "Albanian", "Tirana"},
	{"DZA", "Algeria", "Algerian", "Algiers"},
	{"ARG", "Argentina", "Argentine", "Buenos Aires"},
	{"AUS", "Australia", "Australian", "Canberra"},
	{"AUT", "Austria", "Austrian", "Vienna"},
	{"AZE", "Azerbaijan", "Azerbaijani", "Baku"},
	{"BHR", "Bahrain", "Bahraini", "Manama"},
	{"BGD", "Bangladesh", "Bangladeshi", "Dhaka"},
	{"BEL", "Belgium", "Belgian", "Brussels"},
	{"BEN", "Benin", "Beninese", "Porto-Novo"},
	{"BIH", "Bosnia and Herzegovina", "", "Sarajevo"},
	{"BRA", "Brazil", "Brazilian", "Brasilia"},
	{"BFA", "Burkina Faso", "", "Ouagadougou"},
	{"CMR", "Cameroon", "Cameroonian", "Yaounde"},
	{"CAN", "Canada", "Canadian", "Ottawa"},
	{"TCD", "Chad", "Chadian", "N'Djamena"},
	{"CHN", "China", "Chinese", "Beijing"},
	{"COL", "Colombia", "Colombian", "Bogota"},
	{"DNK", "Denmark", "Danish", "Copenhagen"},
	{"EGY", "Egypt", "Egyptian", "Cairo"},
	{"ETH", "Ethiopia", "Ethiopian", "Addis Ababa"},
	{"FRA", "France", "French", "Paris"},
	{"DEU", "Germany", "German", "Berlin"},
	{"GHA", "Ghana", "Ghanaian", "Accra"},
	{"IND", "India", "Indian", "New Delhi"},
	{"IDN", "Indonesia", "Indonesian", "Jakarta"},
	{"IRQ", "Iraq", "Iraqi", "Baghdad"},
	{"ITA", "Italy", "Italian", "Rome"},
	{"JPN", "Japan", "Japanese", "Tokyo"},
	{"JOR", "Jordan", "Jordanian", "Amman"},
	{"KAZ", "Kazakhstan", "Kazakh", "Astana"},
	{"KEN", "Kenya", "Kenyan", "Nairobi"},
	{"KGZ", "Kyrgyzstan", "Kyrgyz", "Bishkek"},
	{"LBN", "Lebanon", "Lebanese", "Beirut"},
	{"LBY", "Libya", "Libyan", "Tripoli"},
	{"MYS", "Malaysia", "Malaysian", "Kuala Lumpur"},
	{"MDV", "Maldives", "Maldivian", "Male"},
	{"MLI", "Mali", "Malian", "Bamako"},
	{"MRT", "Mauritania", "Mauritanian", "Nouakchott"},
	{"MEX", "Mexico", "Mexican", "Mexico City"},
	{"MAR", "Morocco", "Moroccan", "Rabat"},
	{"MOZ", "Mozambique", "Mozambican", "Maputo"},
	{"NLD", "Netherlands", "Dutch", "The Hague"},
	{"NER", "Niger", "Nigerien", "Niamey"},
	{"NGA", "Nigeria", "Nigerian", "Abuja"},
	{"NOR", "Norway", "Norwegian", "Oslo"},
	{"PAK", "Pakistan", "Pakistani", "Islamabad"},
	{"PHL", "Philippines", "Filipino", "Manila"},
	{"QAT", "Qatar", "Qatari", "Doha"},
	{"RUS", "Russian Federation", "Russian", "Moscow"},
	{"SAU", "Saudi Arabia", "Saudi", "Riyadh"},
	{"SEN", "Senegal", "Senegalese", "Dakar"},
	{"SGP", "Singapore", "Singaporean", "Singapore"},
	{"SOM", "Somalia", "Somali", "Mogadishu"},
	{"ZAF", "South Africa", "South African", "Pretoria"},
	{"ESP", "Spain", "Spanish", "Madrid"},
	{"LKA", "Sri Lanka", "Sri Lankan", "Colombo"},
	{"SWE", "Sweden", "Swedish", "Stockholm"},
	{"CHE", "Switzerland", "Swiss", "Geneva"},
	{"TJK", "Tajikistan", "Tajik", "Dushanbe"},
	{"THA", "Thailand", "Thai", "Bangkok"},
	{"TUN", "Tunisia", "Tunisian", "Tunis"},
	{"TKM", "Turkmenistan", "Turkmen", "Ashgabat"},
	{"UGA", "Uganda", "Ugandan", "Kampala"},
	{"ARE", "United Arab Emirates", "Emirati", "Abu Dhabi"},
	{"GBR", "United Kingdom", "British", "London"},
	{"TZA", "United Republic of Tanzania", "Tanzanian", "Dodoma"},
	{"USA", "United States", "American", "Washington"},
	{"UZB", "Uzbekistan", "Uzbek", "Tashkent"},
	{"YEM", "Yemen", "Yemeni", "Sanaa"},
}

// topic is what a document is about: words for titles and the phrases its
// paragraphs are built from.
type topic struct {
	short   string   // for titles: "foreign terrorist fighters"
	aspects []string // noun phrases the sentences slot in
	verbs   []string // what States are asked to do, as an infinitive phrase
}

var topics = []topic{
	{"foreign terrorist fighters",
		[]string{"the flow of foreign terrorist fighters", "the return and relocation of foreign terrorist fighters", "advance passenger information and passenger name record data", "the screening of travellers at air, land and sea borders", "the prosecution, rehabilitation and reintegration of returnees", "watchlists and biometric systems"},
		[]string{"strengthen border management and share watchlist data", "collect and analyse passenger data in line with international standards", "develop tailored prosecution, rehabilitation and reintegration strategies", "assess the risks posed by returning and relocating fighters"}},
	{"countering the financing of terrorism",
		[]string{"the financing of terrorism", "the misuse of non-profit organizations", "financial intelligence units and public-private partnerships", "the freezing of assets without delay", "new payment methods and virtual assets", "cash couriers and informal value transfer systems"},
		[]string{"criminalize the financing of terrorism as a stand-alone offence", "apply targeted financial sanctions without delay", "conduct national terrorism financing risk assessments", "improve the quality of suspicious transaction reporting"}},
	{"information and communications technologies",
		[]string{"the use of the Internet for terrorist purposes", "terrorist content online", "digital evidence held across borders", "emerging technologies and artificial intelligence", "cooperation between Governments and technology companies", "the protection of personal data in counter-terrorism"},
		[]string{"preserve and share electronic evidence lawfully", "engage with the private sector and civil society on content moderation", "build the capacity of investigators to handle digital evidence", "respect freedom of expression while countering incitement"}},
	{"border security and management",
		[]string{"the integrity of travel documents", "coordinated border management", "the trafficking of small arms and light weapons", "the security of porous borders", "customs controls on strategic goods", "maritime and aviation security"},
		[]string{"establish interagency border management structures", "connect border posts to international databases", "train frontline officers to detect fraudulent documents", "cooperate with neighbouring States on cross-border threats"}},
	{"criminal justice and the rule of law",
		[]string{"the investigation and prosecution of terrorist offences", "mutual legal assistance and extradition", "the use of battlefield evidence", "the conditions of pre-trial detention", "special investigative techniques", "the independence of the judiciary"},
		[]string{"bring perpetrators, organizers and sponsors to justice", "ensure fair trial guarantees in terrorism cases", "improve international cooperation in criminal matters", "codify terrorist offences in line with the international instruments"}},
	{"preventing violent extremism",
		[]string{"incitement to commit terrorist acts", "counter-narratives and community engagement", "the role of women and youth", "education and the prevention of radicalization", "prisons and the risk of radicalization to violence", "the involvement of religious and community leaders"},
		[]string{"develop national action plans to prevent violent extremism", "work with civil society, women and youth", "address the conditions conducive to the spread of terrorism", "counter incitement while respecting human rights"}},
	{"protection of critical infrastructure",
		[]string{"the protection of critical infrastructure", "attacks against soft targets", "public-private partnerships for infrastructure security", "the resilience of energy, transport and health systems", "risk assessments and emergency planning"},
		[]string{"identify and protect critical infrastructure against terrorist attacks", "share good practices on the protection of soft targets", "conduct joint exercises with infrastructure operators", "include the private sector in national preparedness plans"}},
	{"weapons of mass destruction and non-State actors",
		[]string{"the proliferation of weapons of mass destruction to non-State actors", "export controls and transhipment", "the physical protection of nuclear material", "chemical and biological security", "national implementation reports"},
		[]string{"adopt and enforce effective export and transhipment controls", "submit national implementation reports", "secure nuclear and radioactive material", "strengthen biosecurity and chemical security"}},
	{"kidnapping for ransom and hostage-taking",
		[]string{"kidnapping for ransom by terrorist groups", "the payment of ransoms", "the safe release of hostages", "links between terrorism and organized crime", "the trafficking of persons by terrorist groups"},
		[]string{"prevent terrorists from benefiting from ransom payments", "secure the safe release of hostages without ransom", "disrupt links between terrorism and transnational organized crime", "protect victims of trafficking in conflict areas"}},
	{"human rights and victims of terrorism",
		[]string{"the rights of victims of terrorism", "human rights safeguards in counter-terrorism", "the civic space of humanitarian actors", "the rights of children associated with terrorist groups", "gender-sensitive approaches"},
		[]string{"support and assist victims of terrorism and their families", "ensure that counter-terrorism measures comply with international law", "protect humanitarian action from the effects of counter-terrorism measures", "treat children primarily as victims"}},
}

var kickers = []struct{ label, kind string }{
	{"Press release", "press"},
	{"Meetings coverage", "meeting"},
	{"Statement to the press", "statement"},
	{"Press briefing", "press"},
	{"Report", "report"},
}

var titleTemplates = []string{
	"Counter-Terrorism Committee holds open briefing on {topic}",
	"Security Council adopts resolution {res} on {topic}",
	"{org} and {country} step up cooperation on {topic}",
	"Experts meet in {city} to review {topic}",
	"Follow-up visit to {country} examines progress on {topic}",
	"{org} launches regional programme on {topic}",
	"Regional workshop on {topic} opens in {city}",
	"Council members discuss {topic} with {org}",
	"Assessment visit to {country} on behalf of the Counter-Terrorism Committee",
	"Global review of {topic}: findings and recommendations",
	"Technical assistance to {country} on {topic}",
	"Implementation of resolution {res}: a survey of {topic}",
}

// sentence templates. Slots: {country} {adj} {org} {res} {resboth} {date}
// {range} {city} {aspect} {verb} {num} {pct} {noun} {adjw}.
var sentences = []string{
	"The meeting, held in {city} {range}, brought together {num} officials and experts to discuss {aspect}.",
	"Speaking on behalf of {org}, the Director recalled that {resboth} require all States to {verb}.",
	"Delegates noted that {aspect} remains a {adjw} challenge for many Member States, including {country}.",
	"The {adj} authorities described the measures taken since {date} to {verb}.",
	"Participants welcomed the support of {org} and encouraged further work on {aspect}.",
	"In {res}, the Council called upon Member States to {verb}.",
	"Recalling {res}, the Chair stressed that {aspect} must be addressed in full compliance with international human rights law.",
	"Representatives of {country} and {country} exchanged {adjw} practices on {aspect}.",
	"The delegation held meetings with {noun}, {noun} and {noun} in {city}.",
	"Since {date}, some {pct} per cent of the recommendations made to {country} have been implemented in whole or in part.",
	"The workshop was organized by {org} with funding from {country}.",
	"Officials from {org} presented a {adjw} assessment of {aspect} across the region.",
	"The Committee reiterated that {resboth} remain the basis of its dialogue with Member States.",
	"{adj} officials underlined the importance of regional cooperation and of the assistance provided by {org}.",
	"The visit, conducted {range}, focused on {aspect} and on the follow-up to earlier recommendations.",
	"Several speakers called for a {adjw} approach to {aspect}, combining prevention, law enforcement and criminal justice.",
	"The report, issued on {date}, identifies {num} priority areas, among them {aspect}.",
	"{org} will continue to support {country} in its efforts to {verb}.",
	"Experts from {country} shared the lessons of recent investigations into {aspect}.",
	"The Council also referred to {res} and to the work of its subsidiary bodies.",
	"According to the survey, {pct} per cent of responding States had taken steps to {verb}.",
	"Closing the session, the Chair thanked {country} for hosting the event and {org} for its {adjw} contribution.",
	"The training course, attended by {num} prosecutors, judges and police officers, addressed {aspect}.",
	"Member States were urged to {verb}, in line with {res}.",
	"Participants agreed to meet again in {city} to assess progress on {aspect}.",
	"The {adj} delegation expressed its readiness to {verb} with the support of {org}.",
	"A {adjw} number of States reported difficulties with {aspect}.",
	"The Executive Director briefed the Council on {date} on trends in {aspect}.",
}

var adjWords = []string{"significant", "persistent", "growing", "serious", "complex", "comprehensive",
	"coordinated", "balanced", "substantial", "valuable", "practical", "sustained", "effective",
	"evolving", "cross-cutting", "detailed", "limited", "considerable", "whole-of-society", "good"}

var nouns = []string{"the Ministry of Justice", "the Ministry of Interior", "the Office of the Prosecutor General",
	"the financial intelligence unit", "the national counter-terrorism centre", "the border guard service",
	"the customs administration", "the Supreme Court", "the national human rights institution",
	"civil society organizations", "representatives of the banking sector", "the national police",
	"the civil aviation authority", "the parliamentary security committee", "academic experts",
	"women's organizations", "youth representatives", "religious leaders", "the prison administration"}

var months = []string{"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"}

// People: speakers and officials, with names built from syllables so that the
// corpus has the long tail of rare words (names, mostly) that real archives
// have and that a term dictionary must carry.
var givenNames = []string{"Amina", "Ahmed", "Olga", "Carlos", "Mei", "Kofi", "Leila", "Ivan", "Fatima",
	"Jean", "Nurlan", "Priya", "Hassan", "Elena", "Tomas", "Aisha", "Daniel", "Yuki", "Omar", "Grace",
	"Sergei", "Lucia", "Bakhyt", "Nadia", "Pedro", "Ingrid", "Samuel", "Zainab", "Marco", "Anh",
	"Farid", "Helena", "Kwame", "Rosa", "Dmitri", "Salma", "Jorge", "Aigerim", "Peter", "Mariam"}

var syllables = []string{"ka", "ro", "ma", "ben", "sul", "ta", "vik", "do", "ne", "al", "mur", "zi",
	"lan", "che", "ko", "ra", "bay", "sen", "tor", "ni", "gu", "wa", "fel", "is", "mon", "de", "ab",
	"kar", "li", "pe", "shi", "ov", "ang", "eru", "son", "bi", "tu", "var", "mel", "ya"}

var roles = []string{"Minister of Justice", "Minister of the Interior", "Permanent Representative",
	"Deputy Permanent Representative", "Chief Prosecutor", "Head of the Financial Intelligence Unit",
	"Director of the National Counter-Terrorism Centre", "Senior Legal Officer", "Chair of the Committee",
	"Assistant Secretary-General", "Deputy Director", "Head of the Border Guard Service",
	"Legal Adviser", "Senior Police Adviser", "Coordinator of the Monitoring Team", "Judge of the Supreme Court"}

var personSentences = []string{
	"{person}, {role} of {country}, said that {aspect} called for sustained international attention.",
	"Opening the meeting, {person}, {role}, stressed the need to {verb}.",
	"{person}, speaking for {org}, presented the findings of report {symbol}.",
	"In a statement to the Council at its {nth} meeting ({meeting}), {person} recalled {res}.",
	"The {adj} {role2}, {person}, outlined recent legislative amendments concerning {aspect}.",
	"According to {person}, some {num} cases involving {aspect} were brought before the courts last year.",
	"The Chair invited {person} of {org} to brief members on the follow-up to document {symbol}.",
}

// role2 are roles that read after a national adjective ("the Kenyan Minister of Justice").
var roles2 = []string{"Minister of Justice", "Minister of the Interior", "Chief Prosecutor",
	"Permanent Representative", "Prosecutor General", "Deputy Minister for Foreign Affairs"}

// leads open every document and name one of each kind of entity, so that no
// document lacks a resolution, an organization or a country.
var leads = []string{
	"Representatives of {org} met officials of {country} to review the implementation of {res} and related measures on {aspect}.",
	"{org} today reported to the Counter-Terrorism Committee on the efforts of {country} to implement {res}.",
	"Experts from {org} and {country} examined how {res} applies to {aspect}.",
	"The authorities of {country} and {org} discussed {aspect} in the light of {res}.",
}
