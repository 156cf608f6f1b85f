-- wrk script: GET /search with real queries, cycled, each thread starting at another one.
-- A cross-check of `cargo bench --bench load` with the client the peers were measured with.
--
--   vigie serve --index /tmp/vigie-90k --no-sync --cache-mb 0 &
--   wrk -t2 -c16 -d10s --latency -s benches/wrk/search.lua http://127.0.0.1:7878 \
--     -- ../shared/eval/security-queries.dev.jsonl
--
-- The queries file is JSON Lines with a `query` field; a second argument is appended to every
-- request (`&per_doc=3`, as the widget asks). Answers with an error status (4xx, 5xx) are
-- counted and reported at the end.

local queries = {}
local started = 0

local function url_encoded(text)
  return (text:gsub("[^%w%-%._~]", function(char)
    return string.format("%%%02X", string.byte(char))
  end))
end

-- A JSON string's escapes that queries use: quotes, backslashes and \uXXXX below 0x80.
local function json_unescaped(text)
  text = text:gsub("\\u(%x%x%x%x)", function(hex)
    local code = tonumber(hex, 16)
    return code < 128 and string.char(code) or ("\\u" .. hex)
  end)
  return (text:gsub('\\(["\\/])', "%1"))
end

function setup(thread)
  started = started + 1
  thread:set("first", started * 7)
end

function init(args)
  local path = args[1] or "../shared/eval/security-queries.dev.jsonl"
  local suffix = args[2] or ""
  for line in io.lines(path) do
    local query = line:match('"query"%s*:%s*"(.-[^\\])"')
    if query then
      table.insert(queries, "/search?q=" .. url_encoded(json_unescaped(query)) .. suffix)
    end
  end
  if #queries == 0 then
    error("no `query` field read from " .. path)
  end
  position = first or 0
end

function request()
  position = position + 1
  return wrk.format("GET", queries[(position % #queries) + 1])
end

function done(summary)
  io.write(string.format("answers with an error status: %d\n", summary.errors.status))
end
