// The provider registry: factories by name, one provider per run.
#include "runtime/provider_registry.h"

#include <algorithm>

namespace runtime {

std::vector<std::string> ProviderRegistry::names() const {
  std::vector<std::string> out;
  for (const auto &f : factories_)
    out.push_back(f.getKey().str());
  std::sort(out.begin(), out.end());
  return out;
}

llvm::Expected<ComputeProvider *> ProviderRegistry::forRun(const std::string &runKey,
                                                           const std::string &name,
                                                           const json &config) {
  std::string key = runKey + "\n" + name;
  auto it = byRun_.find(key);
  if (it != byRun_.end())
    return it->second.get();
  auto f = factories_.find(name);
  if (f == factories_.end()) {
    std::string known;
    for (const std::string &n : names())
      known += (known.empty() ? "" : ", ") + n;
    return llvm::createStringError(std::errc::invalid_argument,
                                   "unknown compute provider \"%s\" (this ci-exec knows: %s)",
                                   name.c_str(), known.c_str());
  }
  llvm::Expected<std::unique_ptr<ComputeProvider>> p = f->second(config);
  if (!p)
    return p.takeError();
  ComputeProvider *raw = p->get();
  byRun_[key] = std::move(*p);
  return raw;
}

llvm::Error ProviderRegistry::validate(const std::string &name, const json &config) const {
  auto f = factories_.find(name);
  if (f == factories_.end())
    return llvm::createStringError(std::errc::invalid_argument, "unknown compute provider \"%s\"",
                                   name.c_str());
  llvm::Expected<std::unique_ptr<ComputeProvider>> p = f->second(config);
  return p ? llvm::Error::success() : p.takeError();
}

} // namespace runtime
