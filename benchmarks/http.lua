-- wrk script of benchmarks/http.py. It counts every response by status (wrk itself counts only
-- those >= 400, so a redirect or a 200 where a 304 is expected would pass unseen) and ends by
-- printing one JSON line: requests, duration, p50/p99 latency, statuses and socket errors.
-- With BENCH_HTTP_PATHS naming a file of paths, one a line, each thread walks through them from
-- its own starting point, so that no path is asked for twice until the list is used up.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  -- Threads must not all draw the same sequence of paths.
  math.randomseed(os.time() * 100 + id)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

local paths_file = os.getenv("BENCH_HTTP_PATHS")
if paths_file and paths_file ~= "" then
  local paths = {}
  for line in io.lines(paths_file) do
    table.insert(paths, line)
  end
  -- Defined only here: without request(), wrk sends one prebuilt request, which is cheaper.
  local next_path = nil
  function request()
    if next_path == nil then
      next_path = math.floor(id * #paths / 16) + math.random(0, 31)
    end
    next_path = next_path % #paths + 1
    return wrk.format(nil, paths[next_path])
  end
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + count
    end
  end
  local statuses = {}
  for status, count in pairs(counts) do
    table.insert(statuses, string.format('"%d": %d', status, count))
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "statuses": {%s}, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    table.concat(statuses, ", "), errors.connect, errors.read, errors.write, errors.timeout
  ))
end
