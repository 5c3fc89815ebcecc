-- wrk script for loadtest.sh: every request is a query drawn at random from
-- tens of thousands of distinct ones (words of the synthetic corpus, its
-- countries, organizations, resolutions and years), so no cache can answer a
-- repeat. KIND (environment) picks the kind:
--   plain    GET /api/search?q=<one or two words>
--   faceted  GET /api/search?q=<word>&country=..&year=.. (or organization, resolution, from/to)
--   page     GET /?q="<phrase>"&country=..  the HTML search page, with highlighted snippets
-- done() prints one JSON line: requests, seconds, req/s, p50/p95/p99 in ms, errors.

local kind = os.getenv("KIND") or "plain"

local words = {
  "terrorism", "terrorist", "foreign", "fighters", "financing", "border", "borders",
  "security", "visit", "workshop", "prison", "prisons", "radicalization", "counter",
  "committee", "implementation", "cooperation", "capacity", "training", "legal",
  "judicial", "aviation", "biometric", "gender", "youth", "victims", "rehabilitation",
  "reintegration", "internet", "evidence", "digital", "sanctions", "assets", "freezing",
  "prosecution", "extradition", "detention", "incitement", "extremism", "violent",
  "community", "women", "children", "hostages", "ransom", "kidnapping", "trafficking",
  "weapons", "nuclear", "chemical", "biological", "export", "controls", "maritime",
  "customs", "travel", "documents", "passenger", "data", "watchlists", "returnees",
  "infrastructure", "critical", "soft", "targets", "energy", "transport", "health",
  "human", "rights", "humanitarian", "civil", "society", "private", "sector",
  "technology", "companies", "artificial", "intelligence", "national", "action", "plans",
  "assessment", "risk", "report", "statement", "meeting", "delegation", "ministry",
  "justice", "interior", "prosecutor", "investigators", "guarantees", "trial", "offences",
}
local phrases = {
  "foreign terrorist fighters", "financing of terrorism", "border management",
  "critical infrastructure", "violent extremism", "digital evidence", "victims of terrorism",
  "mutual legal assistance", "travel documents", "passenger name record", "non-State actors",
  "weapons of mass destruction", "kidnapping for ransom", "human rights", "soft targets",
  "national action plans", "civil society", "terrorist content online", "small arms",
  "suspicious transaction reporting", "battlefield evidence", "pre-trial detention",
}
local countries = {
  "AFG", "ALB", "DZA", "ARG", "AUS", "AUT", "AZE", "BHR", "BGD", "BEL", "BIH", "BRA", "BFA",
  "CMR", "CAN", "TCD", "CHN", "COL", "EGY", "FRA", "DEU", "IND", "IDN", "IRQ", "ITA", "JOR",
  "KAZ", "KEN", "KGZ", "LBN", "LBY", "MLI", "MAR", "NER", "NGA", "PAK", "PHL", "RUS", "SAU",
  "SOM", "ESP", "SDN", "SYR", "TJK", "TUN", "TUR", "TKM", "UGA", "GBR", "USA", "UZB", "YEM",
}
local organizations = { "CTC", "CTED", "UNOCT", "UNCCT", "UNODC", "UNDP", "UNICEF", "UN+Women",
  "OHCHR", "UNHCR", "UNICRI", "UNRCCA", "ICAO", "INTERPOL", "OSCE", "FATF", "EU", "AU" }
local resolutions = { "1267", "1373", "1540", "1624", "2178", "2253", "2322", "2341", "2354",
  "2370", "2396", "2462", "2482", "2617", "2713" }

local function pick(t) return t[math.random(#t)] end
local function year() return tostring(math.random(2005, 2024)) end
local function esc(s) return (s:gsub(" ", "+"):gsub('"', "%%22")) end

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
end

function request()
  local path
  if kind == "plain" then
    if math.random(2) == 1 then
      path = "/api/search?q=" .. pick(words)
    else
      path = "/api/search?q=" .. pick(words) .. "+" .. pick(words)
    end
  elseif kind == "faceted" then
    local r = math.random(3)
    if r == 1 then
      path = "/api/search?q=" .. pick(words) .. "&country=" .. pick(countries) .. "&year=" .. year()
    elseif r == 2 then
      path = "/api/search?q=" .. pick(words) .. "&organization=" .. pick(organizations) .. "&country=" .. pick(countries)
    else
      local from = math.random(2005, 2020)
      path = "/api/search?q=" .. pick(words) .. "&resolution=" .. pick(resolutions) ..
        "&from=" .. from .. "&to=" .. (from + math.random(0, 4))
    end
  else
    path = "/?q=" .. esc('"' .. pick(phrases) .. '"') .. "+" .. pick(words)
    if math.random(2) == 1 then path = path .. "&country=" .. pick(countries) end
  end
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  local secs = summary.duration / 1e6
  io.write(string.format(
    '{"kind":"%s","requests":%d,"seconds":%.1f,"rps":%.1f,"p50_ms":%.1f,"p95_ms":%.1f,"p99_ms":%.1f,"max_ms":%.1f,"errors":%d,"non2xx":%d,"timeouts":%d}\n',
    kind, summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, errors, e.status, e.timeout))
end
