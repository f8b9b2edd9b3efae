#include "jobs/job.h"

#include <algorithm>
#include <cctype>

namespace wh::jobs {

namespace {

long long override_or(const Config& config, const std::string& variable, long long fallback) {
  auto it = config.job_overrides.find(variable);
  return it == config.job_overrides.end() ? fallback : it->second;
}

}  // namespace

JobSpec make_job(std::string name, std::string description, std::chrono::seconds interval, std::chrono::seconds timeout,
                 JobFn run) {
  JobSpec s;
  s.name = std::move(name);
  s.description = std::move(description);
  s.interval = interval;
  s.timeout = timeout;
  s.run = std::move(run);
  return s;
}

std::string env_prefix(std::string_view name) {
  std::string out = "JOB_";
  for (char c : name) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  out += '_';
  return out;
}

JobSpec configured(JobSpec spec, const Config& config) {
  const std::string prefix = env_prefix(spec.name);
  spec.interval = std::chrono::seconds(override_or(config, prefix + "INTERVAL_S", spec.interval.count()));
  spec.timeout =
      std::chrono::seconds(std::max<long long>(1, override_or(config, prefix + "TIMEOUT_S", spec.timeout.count())));
  return spec;
}

bool JobContext::expired() const { return Clock::now() >= deadline_ || (stopping_ && stopping_()); }

long long JobContext::knob(std::string_view knob, long long fallback) const {
  return override_or(config, env_prefix(name_) + std::string(knob), fallback);
}

}  // namespace wh::jobs
