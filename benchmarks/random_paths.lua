-- wrk script: every request asks for a random path from a file (one path a line).
--   wrk -s benchmarks/random_paths.lua http://127.0.0.1:8000 -- /tmp/paths.txt
-- Each wrk thread has its own Lua state: it reads the file and seeds its own generator.

local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_number", counter)
end

function init(args)
  paths = {}
  local file = assert(io.open(args[1], "r"), "cannot open the path file " .. tostring(args[1]))
  for line in file:lines() do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  file:close()
  assert(#paths > 0, "the path file is empty")
  math.randomseed(os.time() * 1000 + (thread_number or 0))
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
